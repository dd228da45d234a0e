"""The one service that changes the state of an agreement, a report or an instalment.

`grant_transition` applies a row of `grants.workflow`: it locks the row, checks the row's
sources, actors and guard, saves, writes an audit event on the application (so the step shows
in the application's history), then runs the row's effects in the same transaction.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.selectors.access import actor_kinds
from applications.workflow import Transition
from cma_portal.audit import audit_record
from grants.errors import GrantError
from grants.models import Agreement, Instalment, Report


def application_of(obj: models.Model):
    if isinstance(obj, Agreement):
        return obj.application
    if isinstance(obj, Report | Instalment):
        return obj.agreement.application
    raise TypeError(obj)


@transaction.atomic
def grant_transition(
    *,
    obj: models.Model,
    transition: Transition,
    actor,
    note: str = "",
    data: dict | None = None,
    at: datetime | None = None,
    apply: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Apply `transition` to `obj` (an Agreement, a Report or an Instalment) for `actor` (None
    for the system). Refuses (GrantError, French) when the state is not a source, the actor may
    not apply it, a required note is missing or the guard fails; a repeated request finds the
    state moved and changes nothing. `apply` sets other fields of the locked row before it is
    saved.

    Side effects: an AuditEvent "grant_transition" on the application, data {"transition":
    "<model>.<name>", "object_id"}, then each of `transition.effects`.
    """
    at = at or timezone.now()
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.state not in transition.sources:
        raise GrantError(
            _("Action impossible : l'état actuel est « %(state)s ».") % {"state": locked.get_state_display()}
        )
    application = application_of(locked)
    if not (transition.actors & actor_kinds(application, actor)):
        raise GrantError(_("Vous n'avez pas le droit d'effectuer cette action."))
    if transition.requires_note and not note.strip():
        raise GrantError(_("Un message motivé est obligatoire pour cette action."))
    if transition.guard is not None:
        transition.guard(locked, at)
    from_state = locked.state
    locked.state = transition.target
    if apply is not None:
        apply(locked)
    if hasattr(locked, "updated_at"):
        locked.updated_at = at
    locked.save()
    data = {
        "transition": f"{model._meta.model_name}.{transition.name}",
        "object_id": locked.pk,
        **(data or {}),
    }
    audit_record(
        actor=actor,
        verb="grant_transition",
        obj=application,
        from_state=from_state,
        to_state=locked.state,
        note=note,
        data=data,
    )
    for effect in transition.effects:
        effect(locked, actor, note, data)
    obj.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
