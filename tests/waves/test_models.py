from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from applications.states import State
from tests.factories import ApplicationFactory, WaveFactory
from waves.models import Call, Wave

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def test_historical_waves_and_rolling_procedure_present_after_migrate():
    call = Call.current()
    assert call.opens_at == datetime(2021, 12, 16, 0, 0, tzinfo=PARIS)
    assert call.planned_end.date().isoformat() == "2025-12-31"
    assert (call.letter_page_limit, call.dossier_page_limit, call.dossier_delay_months) == (2, 15, 3)
    assert call.max_aid_rate == Decimal("70") and call.max_duration_months == 60
    waves = list(Wave.objects.order_by("opens_at"))
    assert [w.name_fr for w in waves[:5]] == [f"Vague {n}" for n in range(1, 6)]
    closing_days = [w.closes_at.astimezone(PARIS).date().isoformat() for w in waves[:5]]
    assert closing_days == ["2022-02-24", "2022-07-05", "2022-10-31", "2023-03-30", "2023-06-20"]
    rolling = waves[5]
    assert rolling.mode == Wave.Mode.ROLLING and rolling.closes_at is None
    assert all(w.actions.count() == 5 for w in waves)
    now = datetime(2026, 11, 22, 10, tzinfo=PARIS)
    assert [w.accepts_letters(now) for w in waves] == [False] * 5 + [True]


@pytest.mark.parametrize(
    "opens_at, closes_at",
    [
        # Closing on the night summer time starts (02:00 → 03:00, 29/03/2026).
        (datetime(2026, 3, 1, 9, tzinfo=PARIS), datetime(2026, 3, 29, 12, tzinfo=PARIS)),
        # Opening before and closing after the return to winter time (25/10/2026).
        (datetime(2026, 10, 20, 12, tzinfo=PARIS), datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)),
    ],
)
def test_scheduled_wave_accepts_letters_between_exact_instants(opens_at, closes_at):
    wave = WaveFactory(opens_at=opens_at, closes_at=closes_at)
    second = timedelta(seconds=1)
    assert not wave.accepts_letters(opens_at - second)
    assert wave.accepts_letters(opens_at)
    assert wave.accepts_letters(closes_at - second)
    assert not wave.accepts_letters(closes_at)
    assert not wave.accepts_letters(closes_at + second)


def test_closing_instant_is_paris_wall_clock_across_dst():
    # 12:00 in Paris is 11:00 UTC in winter and 10:00 UTC in summer.
    winter = WaveFactory(
        opens_at=datetime(2026, 1, 5, 12, tzinfo=PARIS), closes_at=datetime(2026, 3, 30, 12, tzinfo=PARIS)
    )
    closes_utc = winter.closes_at.astimezone(ZoneInfo("UTC"))
    assert closes_utc.hour == 10
    assert winter.accepts_letters(datetime(2026, 3, 30, 9, 59, 59, tzinfo=ZoneInfo("UTC")))
    assert not winter.accepts_letters(datetime(2026, 3, 30, 10, 0, 0, tzinfo=ZoneInfo("UTC")))


def test_rolling_wave_closes_with_the_call():
    call = Call.current()
    wave = WaveFactory(mode=Wave.Mode.ROLLING, closes_at=None, opens_at=datetime(2026, 1, 1, tzinfo=PARIS))
    call.closes_at = datetime(2026, 12, 31, 12, tzinfo=PARIS)
    call.save()
    wave.refresh_from_db()
    assert wave.accepts_letters(datetime(2026, 12, 31, 11, 59, 59, tzinfo=PARIS))
    assert not wave.accepts_letters(datetime(2026, 12, 31, 12, tzinfo=PARIS))


def test_rolling_wave_stops_when_its_envelope_is_spent():
    wave = WaveFactory(mode=Wave.Mode.ROLLING, closes_at=None, budget_envelope=Decimal("1000000"))
    at = wave.opens_at + timedelta(days=1)
    assert wave.accepts_letters(at)
    ApplicationFactory(wave=wave, state=State.SELECTED, aid_granted=Decimal("600000"))
    assert wave.accepts_letters(at)
    ApplicationFactory(wave=wave, state=State.SELECTED, aid_granted=Decimal("400000"))
    assert not wave.accepts_letters(at)
