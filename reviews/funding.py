"""Money on the ranking: each dossier's aid requested, the cumulative aid in ranking order, and
the funding line — where the cumulative aid passes the wave's envelope."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from applications.models import BudgetLine
from applications.states import State

ZERO = Decimal("0")
# Dossiers that no longer claim money from the envelope.
OUT_OF_THE_RUNNING = (State.NOT_SELECTED, State.WITHDRAWN)


@dataclass
class FundingRow:
    row: object  # the RankingRow
    requested: Decimal | None
    counted: Decimal  # what the row takes from the envelope (granted if laureate, else requested)
    cumulative: Decimal
    within: bool | None  # None when the wave has no envelope
    line_after: bool = False  # draw the funding line under this row


def requested_aid(applications) -> dict[int, Decimal]:
    """Aid requested per application: the dossier's budget when it has lines, else the letter's
    estimate. One query for the budgets."""
    budget = dict(
        BudgetLine.objects.filter(application__in=[a.pk for a in applications])
        .values_list("application")
        .annotate(total=Sum("aid_requested"))
        .values_list("application", "total")
    )
    return {a.pk: budget.get(a.pk) or a.estimated_aid_requested for a in applications}


def funding_rows(rows, envelope: Decimal | None) -> list[FundingRow]:
    requested = requested_aid([row.application for row in rows])
    cumulative = ZERO
    result = []
    for row in rows:
        application = row.application
        asked = requested.get(application.pk)
        if application.state in OUT_OF_THE_RUNNING:
            counted = ZERO
        elif application.state == State.SELECTED and application.aid_granted is not None:
            counted = application.aid_granted
        else:
            counted = asked or ZERO
        cumulative += counted
        within = None if envelope is None else cumulative <= envelope
        result.append(FundingRow(row, asked, counted, cumulative, within))
    if envelope is not None:
        fitting = [i for i, f in enumerate(result) if f.within]
        if fitting and fitting[-1] < len(result) - 1:
            result[fitting[-1]].line_after = True
        elif not fitting and result:
            # Even the first dossier exceeds the envelope: the line sits above everything.
            pass
    return result
