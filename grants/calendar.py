"""Dates and amounts of an agreement's plan: reporting calendar and default payment schedule.

Pure functions (no database): the preparation service writes what they return.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
# The final report is due two months after the project ends; a yearly report two months after
# its period (time to gather the figures).
REPORT_DELAY_MONTHS = 2
ADVANCE_PERCENT = Decimal("30")
BALANCE_PERCENT = Decimal("20")


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlannedReport:
    kind: str  # "yearly" or "final"
    number: int
    period_start: date
    period_end: date
    due_date: date


def reporting_calendar(start: date, duration_months: int) -> list[PlannedReport]:
    """One yearly report per full project year that ends before the project does, then the
    final report over the last period (from the last yearly report to the end): each report
    declares what happened in its own period, so the figures add up without double counting."""
    end = add_months(start, duration_months)
    reports = []
    year = 1
    while add_months(start, 12 * year) < end:
        period_start = add_months(start, 12 * (year - 1))
        period_end = add_months(start, 12 * year) - timedelta(days=1)
        reports.append(
            PlannedReport(
                "yearly", year, period_start, period_end, add_months(period_end, REPORT_DELAY_MONTHS)
            )
        )
        year += 1
    reports.append(
        PlannedReport(
            "final",
            year,
            add_months(start, 12 * (year - 1)),
            end - timedelta(days=1),
            add_months(end, REPORT_DELAY_MONTHS),
        )
    )
    return reports


def default_percentages(yearly_reports: int) -> list[Decimal]:
    """Advance 30 %, balance 20 %, the rest split over the yearly reports (the last one takes
    the rounding), always summing to exactly 100."""
    if yearly_reports == 0:
        return [HUNDRED - BALANCE_PERCENT, BALANCE_PERCENT]
    middle = HUNDRED - ADVANCE_PERCENT - BALANCE_PERCENT
    share = (middle / yearly_reports).quantize(CENT, rounding=ROUND_HALF_UP)
    intermediate = [share] * (yearly_reports - 1) + [middle - share * (yearly_reports - 1)]
    return [ADVANCE_PERCENT, *intermediate, BALANCE_PERCENT]


def split_amount(total: Decimal, percentages: list[Decimal]) -> list[Decimal]:
    """Amounts for `percentages` of `total`, rounded to the cent, the last one taking the
    remainder: they sum to `total` exactly, never a cent more."""
    amounts = [(total * p / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for p in percentages[:-1]]
    return [*amounts, total - sum(amounts, Decimal("0"))]
