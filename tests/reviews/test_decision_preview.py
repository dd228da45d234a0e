"""The email of a decision, previewed by the programme manager before it is recorded (issue 12,
"Build also"): in the applicants' languages, with the form as typed, nothing recorded or sent."""

import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from applications.workflow import State
from cma_portal.formats import number
from cma_portal.models import AuditEvent, OutboxEmail
from pilotage.services import email_template_save
from reviews.models import Decision
from tests.factories import CollaboratorFactory, UserFactory, administrator, programme_manager

from .helpers import reviewed_dossier

pytestmark = pytest.mark.django_db

DATA = {"outcome": "selected", "aid_granted": "420000", "rationale": "Projet solide, à financer."}


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_preview_shows_the_email_in_each_recipients_language_and_records_nothing(client):
    dossier = reviewed_dossier()
    english = UserFactory(preferred_language="en")
    CollaboratorFactory(application=dossier, user=english)
    client.force_login(programme_manager())
    before = (AuditEvent.objects.count(), OutboxEmail.objects.count(), len(mail.outbox))
    response = client.post(reverse("selection:decide", args=[dossier.pk]), {**DATA, "preview": "1"})
    assert response.status_code == 200
    page = _text(response)
    assert f"Décision sur votre dossier {dossier.reference}" in page
    with translation.override("fr"):
        aid = number(Decimal("420000"), 2)
    assert (
        f"Le comité a retenu votre projet « {dossier.title} » comme lauréat, avec une aide de {aid} €" in page
    )
    assert "Courriel en anglais" in page and english.email in page and dossier.owner.email in page
    assert "Projet solide, à financer." in page  # the form keeps what was typed
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_REVIEW and not Decision.objects.exists()
    assert (AuditEvent.objects.count(), OutboxEmail.objects.count(), len(mail.outbox)) == before


def test_preview_uses_the_edited_email_and_matches_what_is_sent(client, django_capture_on_commit_callbacks):
    email_template_save(
        name="decision_notice",
        language="fr",
        subject="Résultat du comité pour {{ reference }}",
        body="Bonjour,\n\n{{ outcome_sentence }}\n",
        actor=administrator(),
    )
    dossier = reviewed_dossier()
    client.force_login(programme_manager())
    url = reverse("selection:decide", args=[dossier.pk])
    data = {"outcome": "waitlisted", "aid_granted": "", "rationale": "En attente de crédits."}
    page = _text(client.post(url, {**data, "preview": "1"}))
    assert f"Résultat du comité pour {dossier.reference}" in page
    assert "en liste complémentaire" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert Decision.objects.get().outcome == "waitlisted"
    assert mail.outbox[-1].subject.endswith(f"Résultat du comité pour {dossier.reference}")


def test_preview_of_an_invalid_form_shows_the_errors_not_an_email(client):
    dossier = reviewed_dossier()
    client.force_login(programme_manager())
    response = client.post(
        reverse("selection:decide", args=[dossier.pk]),
        {"outcome": "selected", "rationale": "x", "preview": "1"},
    )
    assert response.status_code == 400
    assert "Courriel en français" not in _text(response)
    assert not Decision.objects.exists()
