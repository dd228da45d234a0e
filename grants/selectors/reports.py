"""What a report page shows: figures beside the dossier's plan, expenditure beside the approved
budget, the agreement's money."""

from decimal import Decimal

from django.db.models import Sum

from applications.models import BudgetLine, TrainingTarget
from grants.models import Agreement, Instalment, Report

ZERO = Decimal("0")


def audiences() -> list[tuple[str, str]]:
    """The audiences of the dossier's training targets (the same vocabulary)."""
    return list(TrainingTarget.Audience.choices)


def categories() -> list[tuple[str, str]]:
    return list(BudgetLine.Category.choices)


def report_tables(report: Report) -> dict:
    """Training by audience (reported vs planned for the period's calendar years) and
    expenditure by category (reported vs approved aid), each from one grouped query."""
    application = report.agreement.application
    years = range(report.period_start.year, report.period_end.year + 1)
    planned = dict(
        TrainingTarget.objects.filter(application=application, year__in=years)
        .values_list("audience")
        .annotate(n=Sum("people_trained"))
    )
    reported = {t.audience: t.people_trained for t in report.training.all()}
    approved = dict(
        BudgetLine.objects.filter(application=application)
        .values_list("category")
        .annotate(n=Sum("eligible_cost"))
    )
    spent = {e.category: e.amount for e in report.expenses.all()}
    return {
        "training": [
            {"code": c, "label": label, "reported": reported.get(c, 0), "planned": planned.get(c, 0)}
            for c, label in audiences()
        ],
        "training_total": sum(reported.values()),
        "expenses": [
            {"code": c, "label": label, "reported": spent.get(c, ZERO), "approved": approved.get(c, ZERO)}
            for c, label in categories()
        ],
    }


def agreement_money(agreement: Agreement) -> dict:
    """Committed (the agreement in force), released, paid and remaining, from one query."""
    rows = dict(agreement.instalments.values_list("state").annotate(total=Sum("amount")))
    paid = rows.get(Instalment.State.PAID, ZERO)
    released = rows.get(Instalment.State.RELEASED, ZERO)
    committed = agreement.amount_granted if agreement.state in Agreement.IN_FORCE else ZERO
    return {
        "granted": agreement.amount_granted,
        "committed": committed,
        "released": released,
        "paid": paid,
        "remaining": agreement.amount_granted - paid,
    }


def people_trained_to_date(agreement: Agreement) -> int:
    """People trained according to the accepted reports (each declares its own period)."""
    return (
        agreement.reports.filter(state=Report.State.ACCEPTED).aggregate(n=Sum("training__people_trained"))[
            "n"
        ]
        or 0
    )
