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


def requested_aid(applications, scope=None) -> dict[int, Decimal]:
    """Aid requested per application: the dossier's budget when it has lines, else the letter's
    estimate. One query for the budgets (over `scope`, a queryset of applications holding
    them all, when given: a subquery instead of thousands of ids)."""
    budget = dict(
        BudgetLine.objects.filter(
            application__in=scope if scope is not None else [a.pk for a in applications]
        )
        .values_list("application")
        .annotate(total=Sum("aid_requested"))
        .values_list("application", "total")
    )
    return {a.pk: budget.get(a.pk) or a.estimated_aid_requested for a in applications}


def funding_rows(rows, envelope: Decimal | None, scope=None) -> list[FundingRow]:
    requested = requested_aid([row.application for row in rows], scope)
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


def funding_for_page(ranked_rows, page, envelope: Decimal | None, wave=None):
    """The funding line computed over the whole ranking (`ranked_rows`, light rows in ranking
    order), returned for the rows of `page` only: (funding rows of the page, cumulative total of
    the wave, whether the line sits above the first dossier — drawn on the first page only).
    Two queries whatever the wave's size: the applications' amounts and the budgets."""
    from types import SimpleNamespace

    from applications.models import Application
    from reviews.standing import SELECTION_STATES

    pks = [row.application.pk for row in ranked_rows]
    # The wave's dossiers (a superset of the ranked rows when an action is chosen), read by
    # their wave rather than by thousands of ids.
    scope = (
        Application.objects.filter(wave=wave, state__in=SELECTION_STATES)
        if wave is not None
        else Application.objects.filter(pk__in=pks)
    )
    amounts = {a.pk: a for a in scope.only("pk", "state", "aid_granted", "estimated_aid_requested")}
    whole = funding_rows(
        [SimpleNamespace(application=amounts[pk]) for pk in pks if pk in amounts],
        envelope,
        scope.values("pk"),
    )
    by_pk = {f.row.application.pk: f for f in whole}
    shown = []
    for row in page.object_list:
        funded = by_pk.get(row.application.pk)
        if funded is not None:
            shown.append(
                FundingRow(
                    row, funded.requested, funded.counted, funded.cumulative, funded.within, funded.line_after
                )
            )
    total = whole[-1].cumulative if whole else None
    first_page = getattr(page, "number", 1) == 1
    line_on_top = first_page and bool(whole) and envelope is not None and not whole[0].within
    return shown, total, line_on_top
