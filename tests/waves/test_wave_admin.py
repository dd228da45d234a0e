"""Administrators open, extend and close waves through /pilotage/vagues/; letters are accepted
from the opening instant (included) to the closing instant (excluded); the announcement goes
once, to opted-in active users only."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from actions.models import Action
from applications.errors import TransitionError
from applications.services.letters import letter_submit
from cma_portal.models import AuditEvent
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    WaveFactory,
    administrator,
    attach_document,
    user_in_role,
)
from waves import announcements, services, tasks
from waves.deadlines import PARIS
from waves.models import Wave

pytestmark = pytest.mark.django_db


def local(dt: datetime) -> str:
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def wave_post(**overrides):
    opens = timezone.now() + timedelta(days=2)
    data = {
        "name_fr": "Vague de printemps",
        "name_en": "Spring wave",
        "mode": "scheduled",
        "opens_at": local(opens),
        "closes_at": local(opens + timedelta(days=30)),
        "actions": [a.pk for a in Action.objects.filter(number__in=[1, 3])],
        "budget_envelope": "5000000",
        "committee_date": "",
    }
    data.update(overrides)
    return data


def complete_letter(wave, owner=None):
    application = ApplicationFactory(wave=wave, **({"owner": owner} if owner else {}))
    action = application.actions.get()
    application.components.set(action.components.all()[:1])
    attach_document(application, kind="letter", name="lettre.pdf", pages=2)
    return application


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("applicant", 403), ("reviewer", 403), ("manager", 403), ("admin", 200)],
)
def test_wave_pages_are_for_administrators_only(client_for, who, status):
    user = user_in_role(who)
    client = client_for(user)
    wave = WaveFactory()
    for url in ("/pilotage/vagues/", "/pilotage/vagues/nouvelle/", f"/pilotage/vagues/{wave.pk}/"):
        assert client.get(url).status_code == status
    response = client.post(f"/pilotage/vagues/{wave.pk}/clore/", {"reason": "x"})
    assert response.status_code == (302 if who in (None, "admin") else 403)


def test_admin_creates_a_wave_in_paris_time_and_letters_are_accepted_from_its_opening(client_for):
    admin = administrator()
    client = client_for(admin)
    response = client.post(
        "/pilotage/vagues/nouvelle/",
        wave_post(opens_at="2099-03-30T09:00", closes_at="2099-06-20T12:00"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    wave = Wave.objects.get(name_fr="Vague de printemps")
    # 30 March 2099 is after the DST change: 09:00 Paris is 07:00 UTC.
    assert wave.opens_at == datetime(2099, 3, 30, 7, 0, tzinfo=UTC)
    assert wave.closes_at == datetime(2099, 6, 20, 10, 0, tzinfo=UTC)
    assert sorted(wave.actions.values_list("number", flat=True)) == [1, 3]
    assert wave.budget_envelope == Decimal("5000000")
    assert AuditEvent.objects.filter(verb="wave_created", object_id=str(wave.pk), actor=admin).exists()
    assert not wave.accepts_letters(wave.opens_at - timedelta(seconds=1))
    assert wave.accepts_letters(wave.opens_at)
    assert wave.accepts_letters(wave.closes_at - timedelta(microseconds=1))
    assert not wave.accepts_letters(wave.closes_at)


def test_letter_submission_starts_at_the_opening_instant_not_one_second_before(client_for):
    admin = administrator()
    client = client_for(admin)
    client.post("/pilotage/vagues/nouvelle/", wave_post(name_fr="Vague exacte"))
    wave = Wave.objects.get(name_fr="Vague exacte")
    application = complete_letter(wave)
    with pytest.raises(TransitionError):
        letter_submit(
            application=application, user=application.owner, at=wave.opens_at - timedelta(seconds=1)
        )
    application.refresh_from_db()
    assert application.state == "li_draft"
    letter_submit(application=application, user=application.owner, at=wave.opens_at)
    application.refresh_from_db()
    assert application.state == "li_submitted"
    assert application.letter_submitted_at == wave.opens_at


def test_open_now_opens_the_wave_and_announces_once_to_opted_in_users(
    client_for, django_capture_on_commit_callbacks
):
    admin = administrator()
    opted_in = UserFactory(notify_announcements=True)
    opted_out = UserFactory(notify_announcements=False)
    inactive = UserFactory(notify_announcements=True, is_active=False)
    client = client_for(admin)
    client.post("/pilotage/vagues/nouvelle/", wave_post(name_fr="Vague annoncée"))
    wave = Wave.objects.get(name_fr="Vague annoncée")
    assert wave.status() == "upcoming"
    mail.outbox.clear()
    with_before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pilotage/vagues/{wave.pk}/ouvrir/")
    assert response.status_code == 302
    wave.refresh_from_db()
    assert with_before <= wave.opens_at <= timezone.now()
    assert wave.accepts_letters()
    assert wave.announced_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox if "Vague annoncée" in m.subject)
    assert opted_in.email in recipients
    assert opted_out.email not in recipients and inactive.email not in recipients
    count = len(recipients)
    # A second task, or the beat, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.announce_wave_task.delay(wave.pk)
        tasks.announce_due_waves_task.delay()
    assert len([m for m in mail.outbox if "Vague annoncée" in m.subject]) == count
    assert AuditEvent.objects.filter(verb="wave_announced", object_id=str(wave.pk)).count() == 1
    assert AuditEvent.objects.filter(verb="wave_opened", object_id=str(wave.pk), actor=admin).exists()


def test_a_wave_opening_later_is_announced_by_the_beat_after_its_opening_only():
    admin = administrator()
    opted_in = UserFactory(notify_announcements=True)
    opens = timezone.now() + timedelta(hours=1)
    wave = services.wave_create(
        actor=admin,
        name_fr="Vague future",
        mode="scheduled",
        opens_at=opens,
        closes_at=opens + timedelta(days=10),
        actions=list(Action.objects.all()),
    )
    mail.outbox.clear()
    assert announcements.waves_due_for_announcement() == []
    assert not announcements.wave_claim_announcement(wave_id=wave.pk)
    assert announcements.waves_due_for_announcement(at=opens) == [wave.pk]
    assert announcements.wave_claim_announcement(wave_id=wave.pk, at=opens)
    assert not announcements.wave_claim_announcement(wave_id=wave.pk, at=opens)
    assert announcements.waves_due_for_announcement(at=opens) == []
    # Historical waves from the data migration are never announced.
    assert Wave.objects.filter(announced_at__isnull=True, opens_at__lt=timezone.now()).count() == 0
    assert opted_in.email not in [m.to[0] for m in mail.outbox]


def test_close_early_stops_letters_at_that_instant_with_an_audited_reason(client_for):
    admin = administrator()
    wave = WaveFactory()
    application = complete_letter(wave)
    client = client_for(admin)
    response = client.post(f"/pilotage/vagues/{wave.pk}/clore/", {"reason": ""})
    assert response.status_code == 200
    assert "Indiquez le motif" in response.content.decode() or "obligatoire" in response.content.decode()
    before = timezone.now()
    response = client.post(f"/pilotage/vagues/{wave.pk}/clore/", {"reason": "Enveloppe réaffectée"})
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.closed_early_at is not None and wave.closes_at == wave.closed_early_at >= before
    assert not wave.accepts_letters()
    assert wave.accepts_letters(wave.closes_at - timedelta(seconds=1))
    event = AuditEvent.objects.get(verb="wave_closed_early", object_id=str(wave.pk))
    assert event.note == "Enveloppe réaffectée" and event.actor == admin
    with pytest.raises(TransitionError):
        letter_submit(application=application, user=application.owner)


def test_extension_moves_the_closing_and_reopens_letters(client_for):
    admin = administrator()
    closes = timezone.now() + timedelta(days=2)
    wave = WaveFactory(closes_at=closes)
    client = client_for(admin)
    # Not later than the current closing: refused with a French message, input kept.
    response = client.post(
        f"/pilotage/vagues/{wave.pk}/prolonger/",
        {"closes_at": local(closes - timedelta(days=1)), "reason": "Demande des établissements"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Une prolongation doit repousser la clôture actuelle." in page
    assert "Demande des établissements" in page
    new_close = (closes + timedelta(days=7)).astimezone(PARIS).replace(second=0, microsecond=0)
    response = client.post(
        f"/pilotage/vagues/{wave.pk}/prolonger/",
        {"closes_at": local(new_close), "reason": "Demande des établissements"},
    )
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.closes_at == new_close
    assert wave.accepts_letters(closes + timedelta(days=1))
    assert not wave.accepts_letters(new_close)
    assert (
        AuditEvent.objects.get(verb="wave_extended", object_id=str(wave.pk)).note
        == "Demande des établissements"
    )
    # A closed-early wave reopens when extended.
    services.wave_close_early(wave=wave, actor=admin, reason="erreur")
    wave.refresh_from_db()
    assert not wave.accepts_letters()
    application = complete_letter(wave)
    services.wave_extend(
        wave=wave, actor=admin, closes_at=timezone.now() + timedelta(days=3), reason="réouverture"
    )
    letter_submit(application=application, user=application.owner)
    application.refresh_from_db()
    assert application.state == "li_submitted"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"closes_at": "2099-01-01T10:00", "opens_at": "2099-01-02T10:00"},
            "La clôture doit être postérieure à l'ouverture.",
        ),
        (
            {"opens_at": "2020-01-01T10:00", "closes_at": "2020-02-01T10:00"},
            "La date de clôture est déjà passée.",
        ),
        ({"actions": []}, "Cochez au moins une action ouverte à cette vague."),
        ({"closes_at": ""}, "Une vague à date fixe doit avoir une date de clôture."),
        ({"opens_at": "pas une date"}, "Saisissez une date et une heure valides"),
        ({"budget_envelope": "-5"}, "supérieure ou égale à 0"),
    ],
)
def test_wave_form_errors_are_clear_and_keep_the_input(client_for, overrides, message):
    client = client_for(administrator())
    response = client.post("/pilotage/vagues/nouvelle/", wave_post(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page or message in page
    assert "Vague de printemps" in page
    assert not Wave.objects.filter(name_fr="Vague de printemps").exists()


def test_envelope_cannot_go_below_what_is_granted(client_for):
    wave = WaveFactory(budget_envelope=Decimal("3000000"))
    ApplicationFactory(wave=wave, state="selected", aid_granted=Decimal("1200000"))
    client = client_for(administrator())
    data = wave_post(
        name_fr=wave.name_fr,
        opens_at=local(wave.opens_at),
        closes_at=local(wave.closes_at),
        budget_envelope="1000000",
    )
    response = client.post(f"/pilotage/vagues/{wave.pk}/", data)
    assert response.status_code == 200
    assert "inférieure à l&#x27;aide déjà accordée" in response.content.decode()
    wave.refresh_from_db()
    assert wave.budget_envelope == Decimal("3000000")
    response = client.post(f"/pilotage/vagues/{wave.pk}/", {**data, "budget_envelope": "1200000"})
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.budget_envelope == Decimal("1200000")


def test_rolling_wave_stops_when_its_envelope_is_spent():
    wave = WaveFactory(mode="rolling", closes_at=None, budget_envelope=Decimal("1000000"))
    assert wave.accepts_letters()
    ApplicationFactory(wave=wave, state="selected", aid_granted=Decimal("1000000"))
    assert not wave.accepts_letters()


def test_wave_list_query_count_is_constant(client_for, django_assert_max_num_queries):
    client = client_for(administrator())
    client.get("/pilotage/vagues/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/pilotage/vagues/")
    for _ in range(5):
        ApplicationFactory(wave=WaveFactory(mode="rolling", closes_at=None, budget_envelope=Decimal("10")))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/pilotage/vagues/")
    assert response.status_code == 200
    assert len(many) == len(few)
