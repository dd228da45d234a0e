"""The email of a GO or a NO GO, previewed by the programme manager before it is recorded
(issue 12, "Build also"): rendered in the applicants' languages, the form kept, nothing sent."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from applications.states import State
from cma_portal.models import AuditEvent, OutboxEmail
from tests.factories import CollaboratorFactory, SubmittedLetterFactory, UserFactory, programme_manager

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_go_preview_shows_the_email_and_the_deadline_without_recording_anything(client):
    letter = SubmittedLetterFactory()
    english = UserFactory(preferred_language="en")
    CollaboratorFactory(application=letter, user=english)
    client.force_login(programme_manager())
    response = client.post(
        reverse("instruction:go", args=[letter.pk]), {"go-note": "Consortium solide.", "preview": "1"}
    )
    assert response.status_code == 200
    page = _page(response)
    assert f"GO pour votre lettre d'intention {letter.reference} : dossier complet à déposer" in page
    assert "Déposez votre dossier complet au plus tard le" in page and "Consortium solide." in page
    assert "Courriel en anglais" in page and english.email in page
    letter.refresh_from_db()
    assert letter.state == State.LI_SUBMITTED and letter.dossier_deadline is None
    assert not OutboxEmail.objects.exists() and not mail.outbox and not AuditEvent.objects.exists()


def test_no_go_preview_shows_the_reasons_then_the_decision_sends_the_same_email(
    client, django_capture_on_commit_callbacks
):
    letter = SubmittedLetterFactory()
    client.force_login(programme_manager())
    url = reverse("instruction:no_go", args=[letter.pk])
    data = {"nogo-reasons": "Hors du périmètre de l'action 3."}
    page = _page(client.post(url, {**data, "preview": "1"}))
    assert f"Décision sur votre lettre d'intention {letter.reference} : NO GO" in page
    assert "Hors du périmètre de l'action 3." in page
    assert not OutboxEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    letter.refresh_from_db()
    assert letter.state == State.LI_REJECTED
    assert mail.outbox[0].subject.endswith(
        f"Décision sur votre lettre d'intention {letter.reference} : NO GO"
    )
