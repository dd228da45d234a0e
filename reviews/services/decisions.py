"""The committee's decisions, applied through the rows of `reviews.workflow.DECISIONS`, and their publication."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import TransitionError
from applications.models import Application
from applications.services.transitions import application_apply_transition
from applications.states import State
from cma_portal.audit import audit_record
from cma_portal.formats import number as format_number
from reviews.errors import ReviewError
from reviews.models import Decision
from reviews.workflow import DECISIONS


@transaction.atomic
def decision_record(
    *, application: Application, outcome: str, rationale: str, actor, aid_granted: Decimal | None = None
) -> Decision:
    """Record the committee's decision through the workflow (`select`, `waitlist`, `reject`).
    A laureate gets an aid, positive and at most the aid requested; the others none.

    Side effects: the transition's own (audit, application state, `aid_granted`,
    `decision_note`); an AuditEvent "decision"; email "decision_notice" with a link to the
    decision letter PDF to the owner and co-editors.
    """
    if outcome not in Decision.TRANSITIONS:
        raise ReviewError(_("Décision inconnue."))
    rationale = (rationale or "").strip()
    if not rationale:
        raise ReviewError(_("Les motifs de la décision sont obligatoires."))
    if outcome == Decision.Outcome.SELECTED:
        if aid_granted is None or aid_granted <= 0:
            raise ReviewError(_("Indiquez le montant de l'aide accordée à un lauréat."))
        requested = application.estimated_aid_requested
        if requested is not None and aid_granted > requested:
            raise ReviewError(
                _("L'aide accordée ne peut pas dépasser l'aide demandée (%(requested)s €).")
                % {"requested": format_number(requested, 2)}
            )
    else:
        aid_granted = None

    decisions: list[Decision] = []

    def apply(locked) -> None:
        locked.aid_granted = aid_granted
        locked.decision_note = rationale
        decision, _created = Decision.objects.update_or_create(
            application=locked,
            defaults={
                "outcome": outcome,
                "aid_granted": aid_granted,
                "rationale": rationale,
                "decided_at": timezone.now(),
                "decided_by": actor,
                "published_at": None,
            },
        )
        audit_record(actor=actor, verb="decision", obj=decision, to_state=outcome, note=rationale)
        decisions.append(decision)

    try:
        application_apply_transition(
            application=application,
            transition=DECISIONS[Decision.TRANSITIONS[outcome]],
            actor=actor,
            note=rationale,
            data={"aid_granted": str(aid_granted) if aid_granted is not None else None},
            apply=apply,
        )
    except TransitionError as error:
        raise ReviewError(error.message) from None
    decision = decisions[0]
    return decision


@transaction.atomic
def decisions_record_bulk(
    *, applications: Iterable[Application], outcome: str, rationale: str, actor
) -> list[Decision]:
    """The same decision (waitlist or not selected) for several dossiers at once, from the
    ranking. Laureates are decided one by one: each has its own aid."""
    if outcome == Decision.Outcome.SELECTED:
        raise ReviewError(_("Les lauréats se désignent un par un, avec le montant de l'aide accordée."))
    return [
        decision_record(application=a, outcome=outcome, rationale=rationale, actor=actor)
        for a in applications
    ]


@transaction.atomic
def decisions_publish(*, wave, actor, at: datetime | None = None) -> int:
    """Publish the wave's laureates on /laureats/. Returns how many were published.
    Side effects: an AuditEvent "laureates_published"."""
    at = at or timezone.now()
    count = Decision.objects.filter(
        application__wave=wave,
        application__state=State.SELECTED,
        outcome=Decision.Outcome.SELECTED,
        published_at__isnull=True,
    ).update(published_at=at)
    audit_record(actor=actor, verb="laureates_published", obj=wave, data={"count": count})
    return count
