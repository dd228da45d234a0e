"""The private iCalendar feed of a user's deadlines."""

from datetime import UTC, datetime

import pytest

from accounts.calendar_feed import fold
from tests.factories import ApplicationFactory, CollaboratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_feed_is_rfc5545_with_stable_uids_and_utc_instants(client):
    owner = UserFactory()
    deadline = datetime(2026, 2, 28, 22, 59, 59, tzinfo=UTC)
    dossier = ApplicationFactory(
        owner=owner,
        state="dossier_draft",
        dossier_deadline=deadline,
        acronym="",
        title="TRÈS-LONG-" + "é" * 40,
    )
    draft = ApplicationFactory(owner=owner)
    ApplicationFactory(state="dossier_draft", dossier_deadline=deadline)  # someone else's
    shared = CollaboratorFactory(user=owner).application
    response = client.get(f"/compte/profil/agenda/{owner.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
    text = raw.decode("utf-8").replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 3
    assert f"UID:dossier-{dossier.pk}@" in text
    assert f"UID:wave-{draft.wave_id}-letter-{draft.pk}@" in text
    assert f"-letter-{shared.pk}@" in text
    assert "DTSTART:20260228T225959Z" in text
    assert "TRÈS-LONG-" + "é" * 40 in text
    # Same request again: same UIDs.
    again = (
        client.get(f"/compte/profil/agenda/{owner.calendar_token}.ics").content.decode().replace("\r\n ", "")
    )
    assert [ln for ln in again.split("\r\n") if ln.startswith("UID:")] == [
        ln for ln in text.split("\r\n") if ln.startswith("UID:")
    ]


def test_fold_never_splits_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_regenerating_the_token_kills_the_old_url(client_for):
    user = UserFactory()
    old = user.calendar_token
    client = client_for(user)
    assert client.post("/compte/profil/agenda/renouveler/").status_code == 302
    user.refresh_from_db()
    assert user.calendar_token != old
    assert client.get(f"/compte/profil/agenda/{old}.ics").status_code == 404
    assert client.get(f"/compte/profil/agenda/{user.calendar_token}.ics").status_code == 200
    assert client.get("/compte/profil/agenda/renouveler/").status_code == 405


def test_inactive_user_feed_is_gone(client):
    user = UserFactory(is_active=False)
    assert client.get(f"/compte/profil/agenda/{user.calendar_token}.ics").status_code == 404


def _unfold(raw: bytes) -> list[str]:
    """Content lines of a feed (RFC 5545 §3.1): CRLF only, continuation lines unfolded."""
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF or CR in the feed"
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
    return raw.decode("utf-8").replace("\r\n ", "").split("\r\n")


def _components(lines: list[str], name: str) -> list[list[str]]:
    """The lines of each `name` component (BEGIN:name … END:name, nested ones included)."""
    found, current, depth = [], None, 0
    for line in lines:
        if line == f"BEGIN:{name}":
            current, depth = [], depth + 1
        elif line == f"END:{name}":
            found.append(current)
            current, depth = None, depth - 1
        elif current is not None:
            current.append(line)
    return found


@pytest.mark.parametrize(
    ("language", "seven", "one", "summary"),
    [
        ("fr", "Dans 7 jours : ", "Dans 1 jour : ", "Date limite du dossier complet — TELE"),
        ("en", "In 7 days: ", "In 1 day: ", "Full dossier deadline — TELE"),
    ],
)
def test_every_deadline_has_reminders_seven_days_and_one_day_before(client, language, seven, one, summary):
    owner = UserFactory(preferred_language=language)
    deadline = datetime(2027, 2, 28, 22, 59, 59, tzinfo=UTC)
    ApplicationFactory(owner=owner, state="dossier_draft", dossier_deadline=deadline, acronym="TELE")
    ApplicationFactory(owner=owner, acronym="LETTRE")  # a letter draft: the wave's closing
    lines = _unfold(client.get(f"/compte/profil/agenda/{owner.calendar_token}.ics").content)
    events = _components(lines, "VEVENT")
    assert len(events) == 2
    for event in events:
        alarms = _components(event, "VALARM")
        assert [a for a in alarms if "TRIGGER:-P7D" in a] and [a for a in alarms if "TRIGGER:-P1D" in a]
        assert len(alarms) == 2
        for alarm in alarms:
            assert "ACTION:DISPLAY" in alarm
            assert len([line for line in alarm if line.startswith("DESCRIPTION:")]) == 1
    dossier = next(e for e in events if f"SUMMARY:{summary}" in e)
    descriptions = {
        next(line for line in alarm if line.startswith("TRIGGER:")): next(
            line for line in alarm if line.startswith("DESCRIPTION:")
        )
        for alarm in _components(dossier, "VALARM")
    }
    assert descriptions == {
        "TRIGGER:-P7D": f"DESCRIPTION:{seven}{summary}",
        "TRIGGER:-P1D": f"DESCRIPTION:{one}{summary}",
    }
    # The alarms sit inside their event, after its own properties.
    assert dossier.index("BEGIN:VALARM") > dossier.index(f"SUMMARY:{summary}")
    name = (
        "X-WR-CALNAME:Portail CMA — mes échéances"
        if language == "fr"
        else "X-WR-CALNAME:CMA Portal — my deadlines"
    )
    assert name in lines
