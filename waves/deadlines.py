"""Calendar arithmetic for the call's deadlines. All instants are aware, Europe/Paris."""

import calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
END_OF_DAY = time(23, 59, 59, 999999)


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the month's last day (30 Nov + 3 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in Paris, whatever the UTC offset that day (DST)."""
    return datetime.combine(day, END_OF_DAY, tzinfo=PARIS)


def dossier_deadline(go_at: datetime, months: int) -> datetime:
    """The full dossier is due by the end of the day, Paris time, `months` after the GO."""
    return end_of_day(add_months(go_at.astimezone(PARIS).date(), months))


def paris_date(at: datetime) -> date:
    return at.astimezone(PARIS).date()
