"""The one service that changes an application's state.

`application_apply_transition` applies a row of a transition table (`applications.workflow`, or the
decision rows of `reviews.workflow`): it locks the application, checks the row's sources, actors
and guard, saves, writes an audit event, then runs the row's effects in the same transaction.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.errors import TransitionError
from applications.models import Application, ReferenceCounter
from applications.selectors.access import actor_kinds
from applications.workflow import TRANSITIONS, Transition
from cma_portal.audit import audit_record

__all__ = ["TransitionError", "actor_kinds", "application_apply_transition", "next_reference"]


@transaction.atomic
def application_apply_transition(
    *,
    application: Application,
    name: str | None = None,
    transition: Transition | None = None,
    actor,
    note: str = "",
    data: dict | None = None,
    at: datetime | None = None,
    expected_state: str | None = None,
    apply: Callable[[Application], None] | None = None,
) -> Application:
    """Apply `transition` (or the row `name` of `workflow.TRANSITIONS`) to `application` on
    behalf of `actor` (None for the system).

    Locks the row; refuses (TransitionError) when the state is not a source of the transition,
    the actor may not apply it, the note is missing where required, or the guard fails. A
    second identical request (double click, retry) finds the state already moved and is refused
    without side effects. `apply` changes fields of the locked row (and may write rows that
    belong to the change, such as the frozen submission) before it is saved.

    Side effects: an AuditEvent (verb "transition"), then each of `transition.effects`, called
    as effect(application, actor, note, data) inside this transaction: what they write (thread
    messages, outbox emails) commits or rolls back with the state; what leaves the process
    (broker, mail server) is dispatched by them on commit.
    """
    at = at or timezone.now()
    transition = transition or TRANSITIONS[name]
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if expected_state is not None and locked.state != expected_state:
        raise TransitionError(_("Cette candidature a changé d'état entre-temps ; rechargez la page."))
    if locked.state not in transition.sources:
        raise TransitionError(
            _("Action impossible : la candidature est à l'état « %(state)s ».")
            % {"state": locked.get_state_display()}
        )
    if not (transition.actors & actor_kinds(locked, actor)):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    if transition.requires_note and not note.strip():
        raise TransitionError(_("Un message motivé est obligatoire pour cette action."))
    if transition.guard is not None:
        transition.guard(locked, at)

    from_state = locked.state
    locked.state = transition.target
    if apply is not None:
        apply(locked)
    locked.updated_at = at
    locked.version += 1
    locked.save()
    data = {"transition": transition.name, **(data or {})}
    audit_record(
        actor=actor,
        verb="transition",
        obj=locked,
        from_state=from_state,
        to_state=locked.state,
        note=note,
        data=data,
    )
    for effect in transition.effects:
        effect(locked, actor, note, data)
    # Keep the caller's instance in step with the database.
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def next_reference(*, at: datetime) -> str:
    """The next reference of the year, e.g. CMA-SN-2026-0042. Call inside a transaction."""
    year = timezone.localtime(at).year
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"{settings.APPLICATION_REFERENCE_PREFIX}-{year}-{counter.last_value:04d}"
