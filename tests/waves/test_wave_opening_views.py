"""Issue 6's acceptance through the pages: an administrator schedules a wave at /pilotage/vagues/,
and applicants can submit a letter to it through the letter pages from its opening instant
(included) to its closing instant (excluded), Paris time; an extension reopens it, an early
closing stops it at once; the opening is announced once, to opted-in users only."""

import html
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from actions.models import Action, ActionComponent
from applications.models import Application
from applications.states import State
from tests import fixtures_files as ff
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, administrator
from waves import tasks
from waves.deadlines import PARIS
from waves.models import Wave

pytestmark = pytest.mark.django_db

# An apostrophe on purpose: the announcement's subject and text must carry it as typed.
WAVE_NAME = "Vague d'automne ouverte à la minute"


def text(response) -> str:
    return html.unescape(response.content.decode())


def local(dt: datetime) -> str:
    """The value of a `datetime-local` input, Paris wall-clock time."""
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


class People:
    """The administrator's and the applicant's browsers, logged in again at each instant
    (a session opened weeks earlier in travelled time may have expired)."""

    def __init__(self):
        self.admin_user = administrator(notify_announcements=False)
        self.applicant_user = UserFactory(notify_announcements=True)
        self.organisation = OrganisationFactory(kind="university", name="Université de l'Ouverture")
        MembershipFactory(user=self.applicant_user, organisation=self.organisation)
        self.admin = Client()
        self.applicant = Client()

    @contextmanager
    def at(self, instant: datetime):
        with time_machine.travel(instant, tick=False):
            self.admin.force_login(self.admin_user)
            self.applicant.force_login(self.applicant_user)
            yield


def letter_fields(application: Application, **extra) -> dict:
    return {
        "version": Application.objects.values_list("version", flat=True).get(pk=application.pk),
        "actions": [Action.objects.get(number=3).pk],
        "components": [ActionComponent.objects.get(code="3b").pk],
        "lead_organisation": application.lead_organisation_id,
        "title": "Former les soignants aux outils numériques",
        "acronym": f"OUVERT{application.pk}",
        "summary": "Un module commun aux instituts de formation.",
        "estimated_total_cost": "1 000 000",
        "estimated_aid_requested": "600 000",
        "planned_duration_months": "36",
        "people_trained_per_year": "120",
        "audience": "Étudiants infirmiers",
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "30",
        "partners-0-name": "CHU de l'Ouverture",
        "partners-0-kind": "hospital",
        "partners-0-region": "IDF",
        "partners-0-role": "hospital",
        **extra,
    }


def new_draft(people: People, wave: Wave) -> Application:
    """Create a letter draft in `wave` through the new-letter page and save it with its PDF."""
    response = people.applicant.post("/candidatures/nouvelle/", {"wave": wave.pk})
    assert response.status_code == 302, text(response)[:2000]
    application = Application.objects.filter(owner=people.applicant_user).latest("id")
    assert application.wave == wave
    response = people.applicant.post(
        f"/candidatures/{application.pk}/lettre/",
        letter_fields(application, letter=ff.pdf_upload(2), save="1"),
    )
    assert response.status_code == 302, text(response)[:2000]
    return application


def submit(people: People, application: Application):
    """Submit the letter through its page; return the page the applicant lands on."""
    response = people.applicant.post(
        f"/candidatures/{application.pk}/lettre/", letter_fields(application, submit="1"), follow=True
    )
    application.refresh_from_db()
    return text(response)


def refused(page: str, application: Application) -> bool:
    return (
        application.state == State.LI_DRAFT
        and f"La vague « {WAVE_NAME} » n'accepte plus de lettre d'intention" in page
        and "Votre brouillon est conservé." in page
    )


def announced_to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if WAVE_NAME in m.subject)


def test_wave_opening_and_closing_through_the_pages(django_capture_on_commit_callbacks):
    people = People()
    opted_in = UserFactory(notify_announcements=True)
    opted_out = UserFactory(notify_announcements=False)
    inactive = UserFactory(notify_announcements=True, is_active=False)

    # T: in three days at 09:30 Paris time; closing 30 days later at the same wall-clock time.
    day = (timezone.now() + timedelta(days=3)).astimezone(PARIS).date()
    opens = datetime(day.year, day.month, day.day, 9, 30, tzinfo=PARIS)
    closes = opens + timedelta(days=30)
    second = timedelta(seconds=1)

    # --- The administrator schedules the wave -------------------------------------------------
    with people.at(timezone.now()):
        response = people.admin.post(
            "/pilotage/vagues/nouvelle/",
            {
                "name_fr": WAVE_NAME,
                "name_en": "Autumn wave",
                "mode": "scheduled",
                "opens_at": local(opens),
                "closes_at": local(closes),
                "actions": [a.pk for a in Action.objects.filter(number__in=[1, 3])],
                "budget_envelope": "8000000",
                "committee_date": "",
            },
        )
        assert response.status_code == 302, text(response)[:3000]
        wave = Wave.objects.get(name_fr=WAVE_NAME)
        assert (wave.opens_at, wave.closes_at) == (opens, closes)
        assert WAVE_NAME in text(people.admin.get("/pilotage/vagues/"))

    # --- One second before the opening: not offered, and naming it is refused ----------------
    with people.at(opens - second):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.announce_due_waves_task.delay()
        assert announced_to() == []
        page = text(people.applicant.get("/candidatures/nouvelle/"))
        assert WAVE_NAME not in page
        response = people.applicant.post("/candidatures/nouvelle/", {"wave": wave.pk})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in text(response)
        assert not Application.objects.filter(wave=wave).exists()

    # --- At the opening instant exactly: offered, a letter is submitted -----------------------
    with people.at(opens):
        assert WAVE_NAME in text(people.applicant.get("/candidatures/nouvelle/"))
        first = new_draft(people, wave)
        page = submit(people, first)
        assert first.state == State.LI_SUBMITTED, page[:3000]
        assert first.letter_submitted_at == opens
        assert f"Lettre d'intention déposée sous la référence {first.reference}." in page
        # Drafts for the closing checks, started while the wave is open.
        before_close, at_close, after_early_close = (new_draft(people, wave) for _ in range(3))

        # The beat announces the opening once, to active opted-in users only, however often it runs.
        mail.outbox.clear()
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.announce_due_waves_task.delay()
                tasks.announce_wave_task.delay(wave.pk)
        assert announced_to() == sorted([people.applicant_user.email, opted_in.email])
        for user in (opted_out, inactive, people.admin_user):
            assert user.email not in announced_to()

    # --- One second before the closing: accepted ---------------------------------------------
    with people.at(closes - second):
        submit(people, before_close)
        assert before_close.state == State.LI_SUBMITTED
        assert before_close.letter_submitted_at == closes - second

    # --- At the closing instant: refused, draft kept, no longer offered ----------------------
    with people.at(closes):
        page = submit(people, at_close)
        assert refused(page, at_close), page[:3000]
        assert WAVE_NAME not in text(people.applicant.get("/candidatures/nouvelle/"))
        assert at_close.submissions.count() == 0

    # --- An extension through the admin page (with its reason) reopens it --------------------
    later = closes + timedelta(hours=2)
    with people.at(later):
        page = text(people.applicant.get("/candidatures/nouvelle/"))
        assert WAVE_NAME not in page
        new_close = closes + timedelta(days=7)
        response = people.admin.post(
            f"/pilotage/vagues/{wave.pk}/prolonger/", {"closes_at": local(new_close), "reason": ""}
        )
        assert response.status_code == 200
        assert "Indiquez le motif" in text(response) or "Ce champ est obligatoire" in text(response)
        response = people.admin.post(
            f"/pilotage/vagues/{wave.pk}/prolonger/",
            {"closes_at": local(new_close), "reason": "Report demandé par les universités"},
        )
        assert response.status_code == 302, text(response)[:3000]
        assert WAVE_NAME in text(people.applicant.get("/candidatures/nouvelle/"))
        submit(people, at_close)
        assert at_close.state == State.LI_SUBMITTED
        assert at_close.letter_submitted_at == later

        # --- Closing early through the admin page stops submissions at once ------------------
        response = people.admin.post(
            f"/pilotage/vagues/{wave.pk}/clore/", {"reason": "Enveloppe entièrement engagée"}
        )
        assert response.status_code == 302, text(response)[:3000]
        page = submit(people, after_early_close)
        assert refused(page, after_early_close), page[:3000]
        assert WAVE_NAME not in text(people.applicant.get("/candidatures/nouvelle/"))

    # The announcement never went out again.
    assert announced_to() == sorted([people.applicant_user.email, opted_in.email])
    assert Application.objects.filter(wave=wave, state=State.LI_SUBMITTED).count() == 3
