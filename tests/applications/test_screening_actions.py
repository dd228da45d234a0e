"""The staff detail page of an application and the screening actions: correction, GO, NO GO,
deadline extension, private notes, document downloads; roles and double clicks."""

import html
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from actions.models import ActionComponent
from applications.models import Application, Message, StaffNote
from cma_portal.models import AuditEvent
from tests.factories import (
    CollaboratorFactory,
    SubmittedLetterFactory,
    UserFactory,
    administrator,
    attach_document,
    programme_manager,
    reviewer,
)
from waves.deadlines import PARIS

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def detail_url(application):
    return f"/instruction/candidatures/{application.pk}/"


def events(application, verb="transition"):
    return AuditEvent.objects.filter(
        object_type="applications.application", object_id=str(application.pk), verb=verb
    ).order_by("id")


@pytest.fixture
def manager():
    return programme_manager()


@pytest.fixture
def letter():
    application = SubmittedLetterFactory(title="Former les ingénieurs à la santé", acronym="INGESANTE")
    attach_document(application, kind="letter", name="lettre-intention.pdf", pages=2)
    return application


# --- detail page and roles ----------------------------------------------------------------------


def test_detail_anonymous_is_sent_to_login(client_for, letter):
    response = client_for(None).get(detail_url(letter))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_detail_owner_is_refused(client_for, letter):
    assert client_for(letter.owner).get(detail_url(letter)).status_code == 403


@pytest.mark.parametrize("make_user", [UserFactory, reviewer], ids=["other-applicant", "reviewer"])
def test_detail_strangers_get_404_or_403(client_for, letter, make_user):
    assert client_for(make_user()).get(detail_url(letter)).status_code in (403, 404)


@pytest.mark.parametrize("make_user", [programme_manager, administrator], ids=["manager", "administrator"])
def test_detail_shows_every_part_to_screeners(client_for, letter, make_user):
    StaffNote.objects.create(application=letter, author=programme_manager(), body="Note très privée")
    CollaboratorFactory(application=letter)
    response = client_for(make_user()).get(detail_url(letter))
    assert response.status_code == 200
    page = text(response)
    for expected in (
        letter.reference,
        "Former les ingénieurs à la santé",
        letter.lead_organisation.name,
        letter.summary,
        "lettre-intention.pdf",
        "Note très privée",
        "Enregistrer un GO",
        "Enregistrer un NO GO",
        "Demander une correction",
        "Historique",
    ):
        assert expected in page, expected


def test_detail_unknown_application_is_404(client_for, manager):
    assert client_for(manager).get("/instruction/candidatures/999999/").status_code == 404


def test_staff_document_download(client_for, letter, manager):
    document = letter.documents.get()
    url = f"/instruction/candidatures/{letter.pk}/documents/{document.pk}/"
    response = client_for(manager).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "lettre-intention.pdf" in response["Content-Disposition"]
    # Not a screener: refused whatever the ids, so nothing is learnt about what exists.
    assert client_for(UserFactory()).get(url).status_code == 403
    assert client_for(letter.owner).get(url).status_code == 403
    # A document of another application is not reachable through this one.
    other = SubmittedLetterFactory()
    assert (
        client_for(manager).get(f"/instruction/candidatures/{other.pk}/documents/{document.pk}/").status_code
        == 404
    )


def test_actions_are_post_only(client_for, letter, manager):
    client = client_for(manager)
    for action in ("go", "no-go", "correction", "prolongation", "note"):
        assert client.get(f"{detail_url(letter)}{action}/").status_code == 405


@pytest.mark.parametrize("make_user", ["owner", UserFactory, reviewer], ids=["owner", "other", "reviewer"])
def test_go_refused_to_non_screeners(client_for, letter, make_user):
    user = letter.owner if make_user == "owner" else make_user()
    response = client_for(user).post(f"{detail_url(letter)}go/", {})
    assert response.status_code in (403, 404)
    letter.refresh_from_db()
    assert letter.state == "li_submitted"


# --- correction round trip ----------------------------------------------------------------------


def test_correction_requires_a_message(client_for, letter, manager):
    response = client_for(manager).post(f"{detail_url(letter)}correction/", {"correction-message": "  "})
    assert response.status_code == 400
    assert "Indiquez ce que le porteur doit corriger." in text(response)
    letter.refresh_from_db()
    assert letter.state == "li_submitted"


def test_correction_round_trip(client_for, letter, manager, django_capture_on_commit_callbacks):
    co_editor = CollaboratorFactory(application=letter).user
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{detail_url(letter)}correction/",
            {"correction-message": "Précisez le public de la formation continue."},
        )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == "li_draft"
    event = events(letter).get()
    assert (event.from_state, event.to_state, event.actor) == ("li_submitted", "li_draft", manager)
    assert event.note == "Précisez le public de la formation continue."
    # Both editors are told, with the message.
    correction_mails = [m for m in mail.outbox if "Correction demandée" in m.subject]
    assert sorted(m.to[0] for m in correction_mails) == sorted([letter.owner.email, co_editor.email])
    assert "Précisez le public de la formation continue." in correction_mails[0].body
    # The applicant reads the request in the portal.
    message = Message.objects.get(application=letter)
    assert message.from_staff and "Précisez le public" in message.body
    page = text(client_for(letter.owner).get(f"/candidatures/{letter.pk}/"))
    assert "Lettre d'intention en brouillon" in page

    # The applicant edits and resubmits through the letter flow; it is back in the list.
    from applications.services.letters import letter_submit

    Application.objects.filter(pk=letter.pk).update(summary="Résumé corrigé, public précisé.")
    letter.components.set(ActionComponent.objects.filter(action__number=3)[:1])
    letter.refresh_from_db()
    letter_submit(application=letter, user=letter.owner)
    letter.refresh_from_db()
    assert letter.state == "li_submitted"
    assert letter.submissions.filter(kind="letter").count() == 1
    list_page = client_for(manager).get("/instruction/", {"state": "li_submitted"}).content.decode()
    assert detail_url(letter) in list_page


# --- GO -----------------------------------------------------------------------------------------


def test_go_sets_the_dossier_deadline_three_months_later(
    client_for, manager, django_capture_on_commit_callbacks
):
    go_at = datetime(2026, 11, 30, 14, 0, tzinfo=PARIS)
    with time_machine.travel(go_at, tick=False):
        letter = SubmittedLetterFactory()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(manager).post(f"{detail_url(letter)}go/", {"go-note": "Bravo."})
        assert response.status_code == 302
        follow = client_for(manager).get(detail_url(letter)).content.decode()
    letter.refresh_from_db()
    assert letter.state == "dossier_draft"
    assert letter.go_decided_at == go_at
    assert letter.dossier_deadline == datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    assert "28/02/2027 à 23:59 (heure de Paris)" in follow
    go_mail = next(m for m in mail.outbox if m.subject.startswith("[Portail CMA] GO"))
    assert go_mail.to == [letter.owner.email]
    assert "28/02/2027 à 23:59 (heure de Paris)" in go_mail.body
    assert "Bravo." in go_mail.body
    event = events(letter).get()
    assert event.data["transition"] == "go" and event.data["dossier_deadline"].startswith(
        "2027-02-28T23:59:59"
    )


def test_go_in_leap_year_and_across_dst(manager):
    from applications.services.screening import letter_go

    letter = SubmittedLetterFactory()
    # 30/11/2027 late evening in Paris is already 01/12 in no timezone we care about: Paris date counts.
    letter_go(application=letter, actor=manager, at=datetime(2027, 11, 30, 23, 30, tzinfo=PARIS))
    letter.refresh_from_db()
    assert letter.dossier_deadline == datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=PARIS)
    assert letter.dossier_deadline.astimezone(PARIS).utcoffset() == timedelta(hours=1)
    summer = SubmittedLetterFactory()
    letter_go(application=summer, actor=manager, at=datetime(2027, 1, 15, 9, 0, tzinfo=PARIS))
    summer.refresh_from_db()
    # 15/04 is summer time: 23:59:59 Paris is 21:59:59 UTC.
    assert summer.dossier_deadline.astimezone(PARIS).utcoffset() == timedelta(hours=2)
    assert summer.dossier_deadline.astimezone(PARIS).date() == date(2027, 4, 15)


def test_double_go_is_refused_cleanly(client_for, letter, manager, django_capture_on_commit_callbacks):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"{detail_url(letter)}go/", {})
        second = client.post(f"{detail_url(letter)}go/", {}, follow=True)
    assert first.status_code == 302
    assert second.status_code == 409  # the page again, with the reason
    assert "a changé d'état entre-temps" in text(second)
    assert events(letter).count() == 1
    assert len([m for m in mail.outbox if "GO pour" in m.subject]) == 1
    assert Message.objects.filter(application=letter).count() == 1


# --- NO GO --------------------------------------------------------------------------------------


def test_no_go_requires_reasons_and_keeps_input(client_for, letter, manager):
    response = client_for(manager).post(f"{detail_url(letter)}no-go/", {"nogo-reasons": ""})
    assert response.status_code == 400
    assert "Les motifs et recommandations sont obligatoires pour un NO GO." in text(response)
    letter.refresh_from_db()
    assert letter.state == "li_submitted"


def test_no_go_with_reasons_shown_to_the_applicant(
    client_for, letter, manager, django_capture_on_commit_callbacks
):
    reasons = "Le consortium manque d'un établissement de santé ; renforcez-le avant de redéposer."
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(f"{detail_url(letter)}no-go/", {"nogo-reasons": reasons})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == "li_rejected"
    assert letter.decision_note == reasons
    no_go_mail = next(m for m in mail.outbox if "NO GO" in m.subject)
    assert no_go_mail.to == [letter.owner.email]
    assert reasons in no_go_mail.body
    assert "nouvelle lettre d'intention" in no_go_mail.body
    # The applicant sees the reasons on their application page.
    page = text(client_for(letter.owner).get(f"/candidatures/{letter.pk}/"))
    assert reasons in page
    assert reasons in Message.objects.get(application=letter, from_staff=True).body


def test_no_go_does_not_block_a_new_letter(manager):
    from applications.services.screening import letter_no_go

    letter = SubmittedLetterFactory()
    letter_no_go(application=letter, actor=manager, reasons="Trop tôt.")
    again = SubmittedLetterFactory(
        owner=letter.owner, lead_organisation=letter.lead_organisation, wave=letter.wave
    )
    assert again.state == "li_submitted"


# --- deadline extension -------------------------------------------------------------------------


@pytest.fixture
def waiting_dossier():
    return SubmittedLetterFactory(
        state="dossier_draft",
        go_decided_at=timezone.now() - timedelta(days=60),
        dossier_deadline=datetime(2099, 3, 31, 23, 59, 59, 999999, tzinfo=PARIS),
    )


def test_extension_must_be_later_and_motivated(client_for, waiting_dossier, manager):
    client = client_for(manager)
    response = client.post(
        f"{detail_url(waiting_dossier)}prolongation/",
        {"extension-new_date": "2099-03-31", "extension-reason": "Grève des imprimeurs"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "La nouvelle date doit être postérieure à la date limite actuelle (31/03/2099)." in page
    assert "Grève des imprimeurs" in page  # input kept
    response = client.post(
        f"{detail_url(waiting_dossier)}prolongation/",
        {"extension-new_date": "2099-04-30", "extension-reason": ""},
    )
    assert response.status_code == 400
    assert "Indiquez le motif de la prolongation." in text(response)
    response = client.post(
        f"{detail_url(waiting_dossier)}prolongation/",
        {"extension-new_date": "31/02/2099", "extension-reason": "x"},
    )
    assert response.status_code == 400
    assert "Saisissez une date valide" in text(response)
    waiting_dossier.refresh_from_db()
    assert waiting_dossier.dossier_deadline == datetime(2099, 3, 31, 23, 59, 59, 999999, tzinfo=PARIS)


def test_extension_is_audited_and_emailed(
    client_for, waiting_dossier, manager, django_capture_on_commit_callbacks
):
    version = waiting_dossier.version
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            f"{detail_url(waiting_dossier)}prolongation/",
            {"extension-new_date": "2099-04-30", "extension-reason": "Comité de l'établissement reporté"},
            follow=True,
        )
    assert "30/04/2099 à 23:59 (heure de Paris)" in text(response)
    waiting_dossier.refresh_from_db()
    assert waiting_dossier.dossier_deadline == datetime(2099, 4, 30, 23, 59, 59, 999999, tzinfo=PARIS)
    assert waiting_dossier.version == version + 1
    assert "Date limite prolongée</strong><br>Nouvelle date limite : 30 avril 2099 23:59" in html.unescape(
        response.content.decode()
    )
    event = events(waiting_dossier, "deadline_extended").get()
    assert event.actor == manager
    assert event.note == "Comité de l'établissement reporté"
    assert event.data["old_deadline"].startswith("2099-03-31T23:59:59")
    assert event.data["new_deadline"].startswith("2099-04-30T23:59:59")
    extension_mail = next(m for m in mail.outbox if "Délai prolongé" in m.subject)
    assert extension_mail.to == [waiting_dossier.owner.email]
    assert "30/04/2099 à 23:59 (heure de Paris)" in extension_mail.body
    assert "Comité de l'établissement reporté" in extension_mail.body


def test_extension_refused_before_go(client_for, letter, manager):
    response = client_for(manager).post(
        f"{detail_url(letter)}prolongation/",
        {"extension-new_date": "2099-04-30", "extension-reason": "Pourquoi pas"},
    )
    assert response.status_code == 409
    assert "Seul un dossier complet en attente de dépôt" in text(response)
    letter.refresh_from_db()
    assert letter.dossier_deadline is None
    assert not events(letter, "deadline_extended").exists()


def test_extension_refused_to_reviewers(client_for, waiting_dossier):
    response = client_for(reviewer()).post(
        f"{detail_url(waiting_dossier)}prolongation/",
        {"extension-new_date": "2099-04-30", "extension-reason": "x"},
    )
    assert response.status_code in (403, 404)


# --- private notes ------------------------------------------------------------------------------


def test_staff_note_is_private(client_for, letter, manager):
    response = client_for(manager).post(
        f"{detail_url(letter)}note/", {"note-body": "Porteur à rappeler lundi"}
    )
    assert response.status_code == 302
    assert StaffNote.objects.get(application=letter).body == "Porteur à rappeler lundi"
    event = events(letter, "staff_note_added").get()
    assert "rappeler" not in event.note and "rappeler" not in str(event.data)
    for path in (f"/candidatures/{letter.pk}/", f"/candidatures/{letter.pk}/historique/"):
        assert "Porteur à rappeler lundi" not in client_for(letter.owner).get(path).content.decode()
