"""A letter draft left in a closed wave moves to a wave still open (audited), and no page shows
a passed deadline as open (issue 12, point 5)."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.workflow import State
from cma_portal.models import AuditEvent
from tests.factories import ApplicationFactory, CollaboratorFactory, UserFactory, WaveFactory

pytestmark = pytest.mark.django_db


def _closed_draft():
    now = timezone.now()
    closed = WaveFactory(opens_at=now - timedelta(days=90), closes_at=now - timedelta(hours=2))
    return ApplicationFactory(wave=closed)


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_closed_wave_draft_is_offered_the_open_wave_and_moves(client):
    draft = _closed_draft()
    open_wave = WaveFactory()
    client.force_login(draft.owner)
    letter = _text(client.get(reverse("applications:letter_edit", args=[draft.pk])))
    assert "Dépôt possible jusqu'au" not in letter
    assert "n'accepte plus de lettre d'intention" in letter and open_wave.name in letter
    dashboard = _text(client.get(reverse("applications:dashboard")))
    assert "jours restants" not in dashboard and "0 jour restant" not in dashboard
    assert "déplacez ce brouillon vers une vague ouverte" in dashboard

    response = client.post(reverse("applications:letter_move", args=[draft.pk]), {"move-wave": open_wave.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.wave == open_wave and draft.state == State.LI_DRAFT
    event = AuditEvent.objects.get(verb="wave_changed", object_id=str(draft.pk))
    assert event.actor == draft.owner and event.data["to_id"] == open_wave.pk
    history = _text(client.get(reverse("applications:history", args=[draft.pk])))
    assert "Candidature déplacée vers une autre vague" in history and open_wave.name in history


def test_move_refuses_a_closed_wave_and_other_users(client):
    draft = _closed_draft()
    other_closed = WaveFactory(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(draft.owner)
    client.post(reverse("applications:letter_move", args=[draft.pk]), {"move-wave": other_closed.pk})
    assert Application.objects.get(pk=draft.pk).wave_id == draft.wave_id

    open_wave = WaveFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("applications:letter_move", args=[draft.pk]), {"move-wave": open_wave.pk})
    assert response.status_code == 404
    coeditor = CollaboratorFactory(application=draft).user
    client.force_login(coeditor)
    client.post(reverse("applications:letter_move", args=[draft.pk]), {"move-wave": open_wave.pk})
    assert Application.objects.get(pk=draft.pk).wave_id == open_wave.pk


def test_move_is_post_only(client):
    draft = _closed_draft()
    client.force_login(draft.owner)
    assert client.get(reverse("applications:letter_move", args=[draft.pk])).status_code == 405


def test_logged_out_coeditor_invitee_lands_on_the_invitation(client):
    # Issue 12, point 10: like staff invitations, a landing page with sign-up and log-in.
    collaborator = CollaboratorFactory(
        application=_closed_draft(), user=None, accepted_at=None, email="co@univ.example"
    )
    page = client.get(reverse("applications:invitation", args=[collaborator.token]))
    assert page.status_code == 200
    body = _text(page)
    assert "co@univ.example" in body and "Créer mon compte" in body and "J'ai déjà un compte" in body
    assert f"next=/candidatures/invitations/{collaborator.token}/" in body
    assert client.post(reverse("applications:invitation", args=[collaborator.token])).status_code == 302
