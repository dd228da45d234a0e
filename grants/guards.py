"""Guards of the grant workflow: each takes (obj, at) and raises `GrantError` with a French
message when the transition may not happen now. They read, never write."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.errors import GrantError
from grants.models import Agreement, Instalment, Report

HUNDRED = Decimal("100")


def agreement_sendable(agreement: Agreement, at: datetime) -> None:
    """The plan is complete: schedule sums to 100 % and to the amount granted, duration within
    the call's maximum, amount within the decision."""
    call = agreement.application.wave.call
    if agreement.duration_months > call.max_duration_months:
        raise GrantError(
            _("La durée dépasse le maximum de l'appel (%(max)s mois).") % {"max": call.max_duration_months}
        )
    granted = agreement.application.aid_granted
    if granted is not None and agreement.amount_granted > granted:
        raise GrantError(_("Le montant de la convention dépasse l'aide décidée."))
    totals = agreement.instalments.aggregate(percent=Sum("percentage"), amount=Sum("amount"))
    if totals["percent"] != HUNDRED:
        raise GrantError(_("Les parts de l'échéancier doivent totaliser 100 %."))
    if totals["amount"] != agreement.amount_granted:
        raise GrantError(_("Les versements prévus doivent totaliser le montant accordé."))
    if not agreement.reports.exists():
        raise GrantError(_("Le calendrier des rapports est vide."))


def signed_copy_uploaded(agreement: Agreement, at: datetime) -> None:
    if not agreement.signed_file:
        raise GrantError(_("Le représentant légal du lauréat n'a pas encore déposé la convention signée."))


def start_date_reached(agreement: Agreement, at: datetime) -> None:
    if agreement.start_date > timezone.localtime(at).date():
        raise GrantError(_("Le projet ne peut pas démarrer avant sa date de début."))


def agreement_closable(agreement: Agreement, at: datetime) -> None:
    if agreement.reports.exclude(state=Report.State.ACCEPTED).exists():
        raise GrantError(_("Tous les rapports, dont le rapport final, doivent être acceptés."))
    if agreement.instalments.exclude(state=Instalment.State.PAID).exists():
        raise GrantError(_("Tous les versements, dont le solde, doivent être payés."))


def report_submittable(report: Report, at: datetime) -> None:
    if not report.narrative.strip():
        raise GrantError(_("Rédigez le rapport d'activité avant de déposer le rapport."))
    if report.kind == Report.Kind.FINAL:
        pending = report.agreement.reports.filter(kind=Report.Kind.YEARLY).exclude(
            state=Report.State.ACCEPTED
        )
        if pending.exists():
            raise GrantError(_("Les rapports annuels doivent être acceptés avant le dépôt du rapport final."))


def instalment_condition_met(instalment: Instalment, at: datetime) -> None:
    agreement = instalment.agreement
    if instalment.condition == Instalment.Condition.SIGNATURE:
        if agreement.state not in Agreement.IN_FORCE:
            raise GrantError(_("Ce versement attend la signature de la convention."))
    elif instalment.report is None or instalment.report.state != Report.State.ACCEPTED:
        raise GrantError(_("Ce versement attend l'acceptation du rapport qui le conditionne."))


def payment_within_grant(instalment: Instalment, at: datetime) -> None:
    """Never more paid than the amount granted, whatever the schedule became."""
    agreement = instalment.agreement
    paid = agreement.instalments.filter(state=Instalment.State.PAID).aggregate(total=Sum("amount"))["total"]
    if (paid or Decimal("0")) + instalment.amount > agreement.amount_granted:
        raise GrantError(_("Ce paiement dépasserait le montant accordé par la convention."))
