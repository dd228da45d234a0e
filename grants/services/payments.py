"""Instalments: released by the countersignature or an accepted report, then marked paid."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.errors import GrantError
from grants.models import Instalment
from grants.services.transitions import grant_transition
from grants.workflow import INSTALMENT_TRANSITIONS


def instalments_release(*, instalments, actor, at: datetime | None = None) -> list[Instalment]:
    """Apply the `release` row to each planned instalment of `instalments` (inside the caller's
    transaction). Side effects: one AuditEvent per instalment."""
    at = at or timezone.now()
    released = []
    for instalment in instalments:
        if instalment.state == Instalment.State.PLANNED:
            released.append(
                grant_transition(
                    obj=instalment,
                    transition=INSTALMENT_TRANSITIONS["release"],
                    actor=actor,
                    at=at,
                    apply=lambda locked: setattr(locked, "released_at", at),
                )
            )
    return released


@transaction.atomic
def instalment_mark_paid(*, instalment: Instalment, actor, paid_on: date, reference: str) -> Instalment:
    """Record the payment of a released instalment (date, reference). The guard refuses any
    payment that would take the total paid past the amount granted.

    Side effects: AuditEvent; email "grant_notice" (instalment_paid) to editors and managers."""
    reference = (reference or "").strip()
    if not reference:
        raise GrantError(_("Indiquez la référence du paiement."))

    def apply(locked: Instalment) -> None:
        locked.paid_on = paid_on
        locked.payment_reference = reference[:64]

    return grant_transition(
        obj=instalment,
        transition=INSTALMENT_TRANSITIONS["mark_paid"],
        actor=actor,
        apply=apply,
        data={
            "amount": f"{instalment.amount:.2f}",
            "reference": reference[:64],
            "paid_on": paid_on.isoformat(),
        },
    )
