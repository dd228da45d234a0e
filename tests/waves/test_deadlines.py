from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from waves.deadlines import add_months, dossier_deadline

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # leap year
        (date(2026, 10, 31), 3, date(2027, 1, 31)),
        (date(2026, 11, 29), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_dossier_deadline_is_end_of_day_paris_three_months_after_go():
    go = datetime(2026, 11, 30, 15, 30, tzinfo=PARIS)
    deadline = dossier_deadline(go, 3)
    assert deadline == datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)


def test_dossier_deadline_uses_the_paris_date_of_the_go():
    # 23:30 UTC on 30/04 is already 01:30 on 01/05 in Paris (summer time).
    go = datetime(2026, 4, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert dossier_deadline(go, 3).date() == date(2026, 8, 1)


def test_dossier_deadline_across_dst_keeps_local_end_of_day():
    # GO in summer time, deadline in winter time: still 23:59:59 in Paris, +01:00.
    deadline = dossier_deadline(datetime(2026, 9, 10, 9, tzinfo=PARIS), 3)
    assert deadline.utcoffset().total_seconds() == 3600
    assert (deadline.hour, deadline.minute) == (23, 59)
