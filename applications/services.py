"""Every write to an application goes through here.

`application_transition` is the single entry point for state changes: it checks the table in
`workflow.py`, locks the row, runs the guard, saves, writes an audit event and schedules side
effects with `transaction.on_commit`.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cma_portal import roles
from cma_portal.audit import audit_record

from .models import Application, ReferenceCounter
from .workflow import EDITOR, OWNER, STAFF, SYSTEM, TRANSITIONS


class TransitionError(Exception):
    """A transition refused: the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def actor_kinds(application: Application, user) -> set[str]:
    """What `user` is to `application`, in the vocabulary of the workflow table."""
    if user is None:
        return {SYSTEM}
    kinds: set[str] = set()
    if application.owner_id == user.pk:
        kinds |= {OWNER, EDITOR}
    elif application.collaborators.filter(user=user, accepted_at__isnull=False).exists():
        kinds.add(EDITOR)
    if roles.may(user, "screen_letters"):
        kinds.add(STAFF)
    return kinds


# Guards: each takes (application, at) and raises TransitionError with a French message.
GUARDS: dict[str, Callable[[Application, datetime], None]] = {}


def guard(name):
    def register(func):
        GUARDS[name] = func
        return func

    return register


@guard("deadline_passed")
def _deadline_passed(application: Application, at: datetime) -> None:
    if application.dossier_deadline is None or at <= application.dossier_deadline:
        raise TransitionError(_("Le délai de dépôt du dossier complet n'est pas encore passé."))


# Side effects per transition name: callables (application, actor, note, data) run on commit.
SIDE_EFFECTS: dict[str, list[Callable]] = {}


def on_transition(name):
    def register(func):
        SIDE_EFFECTS.setdefault(name, []).append(func)
        return func

    return register


@transaction.atomic
def application_transition(
    *,
    application: Application,
    name: str,
    actor,
    note: str = "",
    data: dict | None = None,
    at: datetime | None = None,
    expected_state: str | None = None,
    apply: Callable[[Application], None] | None = None,
) -> Application:
    """Apply transition `name` to `application` on behalf of `actor` (None for the system).

    Locks the row; refuses (TransitionError) when the state is not a source of the transition,
    the actor may not apply it, the note is missing where required, or the guard fails. A
    second identical request (double click, retry) finds the state already moved and is refused
    without side effects. `apply` changes fields of the locked row before it is saved.

    Side effects: an AuditEvent (verb "transition"); the callables registered with
    `on_transition(name)`, run on commit.
    """
    at = at or timezone.now()
    transition = TRANSITIONS[name]
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
    if transition.guard:
        GUARDS[transition.guard](locked, at)

    from_state = locked.state
    locked.state = transition.target
    if apply is not None:
        apply(locked)
    locked.updated_at = at
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        verb="transition",
        obj=locked,
        from_state=from_state,
        to_state=locked.state,
        note=note,
        data={"transition": name, **(data or {})},
    )
    for effect in SIDE_EFFECTS.get(name, []):
        transaction.on_commit(lambda effect=effect: effect(locked, actor, note, data or {}))
    # Keep the caller's instance in step with the database.
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def next_reference(*, at: datetime) -> str:
    """The next reference of the year, e.g. CMA-SN-2026-0042. Call inside a transaction."""
    from django.conf import settings

    year = timezone.localtime(at).year
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"{settings.APPLICATION_REFERENCE_PREFIX}-{year}-{counter.last_value:04d}"
