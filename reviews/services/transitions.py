"""The one service that changes the state of an assignment or a review."""

from collections.abc import Callable

from django.db import models, transaction
from django.utils.translation import gettext as _

from applications.workflow import STAFF, Transition
from cma_portal import roles
from cma_portal.audit import audit_record
from reviews.errors import ReviewError
from reviews.models import Assignment
from reviews.workflow import REVIEWER


def _actor_kinds(obj: models.Model, actor) -> set[str]:
    kinds: set[str] = set()
    if actor is None:
        return kinds
    assignment = obj if isinstance(obj, Assignment) else obj.assignment
    if assignment.reviewer_id == actor.pk:
        kinds.add(REVIEWER)
    if roles.may(actor, "assign_reviewers"):
        kinds.add(STAFF)
    return kinds


@transaction.atomic
def review_side_transition(
    *,
    obj: models.Model,
    transition: Transition,
    actor,
    verb: str,
    note: str = "",
    data: dict | None = None,
    apply: Callable[[models.Model], None] | None = None,
    refused: str = "",
) -> models.Model:
    """Apply `transition` (a row of `reviews.workflow`) to an assignment or a review: lock the
    row, check its state and the actor, set the target state, `apply` the other fields, save,
    write the AuditEvent `verb`, then run the row's effects in this transaction.

    Raises ReviewError with `refused` (French) when the state is not a source of the row, and a
    generic French refusal when the actor may not apply it."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if not (transition.actors & _actor_kinds(locked, actor)):
        raise ReviewError(refused or _("Vous n'avez pas le droit d'effectuer cette action."))
    if locked.state not in transition.sources:
        raise ReviewError(refused or _("Action impossible dans l'état actuel."))
    locked.state = transition.target
    if apply is not None:
        apply(locked)
    locked.save()
    audit_record(actor=actor, verb=verb, obj=locked, to_state=locked.state, note=note, data=data)
    for effect in transition.effects:
        effect(locked, actor, note, data or {})
    return locked
