"""Profile: preferences, personal data export, account deletion, purge of old drafts."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application, Message
from cma_portal.models import AuditEvent, User
from tests.factories import ApplicationFactory, CollaboratorFactory, UserFactory, programme_manager

pytestmark = pytest.mark.django_db


def test_profile_requires_login_and_saves_preferences(client_for):
    assert client_for(None).get("/compte/profil/").status_code == 302
    user = UserFactory()
    client = client_for(user)
    page = client.get("/compte/profil/").content.decode()
    assert "ne peuvent pas être désactivés" in page
    assert user.calendar_token in page
    response = client.post("/compte/profil/", {"preferred_language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notify_announcements is False and user.preferred_language == "en"
    assert AuditEvent.objects.filter(verb="preferences_changed", object_id=str(user.pk)).exists()
    response = client.post("/compte/profil/", {"preferred_language": "xx", "notify_announcements": "on"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_data_export_holds_what_the_portal_knows(client_for):
    user = UserFactory(first_name="Alice")
    owned = ApplicationFactory(owner=user, title="Mon projet")
    shared = CollaboratorFactory(user=user).application
    ApplicationFactory(title="Projet d'un autre")
    Message.objects.create(application=shared, author=user, body="Bonjour l'équipe")
    from accounts.services import user_update_preferences

    user_update_preferences(user=user, notify_announcements=False, preferred_language="fr")
    client = client_for(user)
    response = client.get("/compte/profil/donnees.json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["user"]["email"] == user.email and data["user"]["first_name"] == "Alice"
    titles = {a["title"]: a["role"] for a in data["applications"]}
    assert titles == {"Mon projet": "owner", shared.title: "co-editor"}
    assert data["messages"][0]["body"] == "Bonjour l'équipe"
    assert data["memberships"][0]["organisation"] == owned.lead_organisation.name
    assert [e["verb"] for e in data["audit_events"]] == ["preferences_changed"]
    assert "Projet d'un autre" not in response.content.decode()


def test_account_deletion_refused_while_a_submitted_application_is_owned(client_for):
    user = UserFactory()
    ApplicationFactory(
        owner=user, state="li_submitted", letter_submitted_at=timezone.now(), reference="CMA-SN-2026-0009"
    )
    client = client_for(user)
    page = client.get("/compte/profil/supprimer/").content.decode()
    assert "ne peut pas être supprimé" in page and "CMA-SN-2026-0009" in page
    response = client.post("/compte/profil/supprimer/", {"confirm": user.email})
    assert response.status_code == 409
    assert User.objects.get(pk=user.pk).is_active


def test_account_deletion_anonymises_and_deletes_drafts(client_for):
    user = UserFactory()
    draft = ApplicationFactory(owner=user)
    shared = CollaboratorFactory(user=user).application
    Message.objects.create(application=shared, author=user, body="message")
    client = client_for(user)
    response = client.post("/compte/profil/supprimer/", {"confirm": "autre@exemple.fr"})
    assert response.status_code == 200 and "pas celle de votre compte" in response.content.decode()
    response = client.post("/compte/profil/supprimer/", {"confirm": user.email.upper()})
    assert response.status_code == 302
    gone = User.objects.get(pk=user.pk)
    assert not gone.is_active and gone.email.endswith("@invalid") and gone.first_name == ""
    assert not gone.has_usable_password()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert Application.objects.filter(pk=shared.pk).exists()
    assert not shared.collaborators.filter(user=gone).exists()
    assert AuditEvent.objects.filter(verb="account_deleted", object_id=str(user.pk)).exists()
    assert client.get("/compte/profil/").status_code == 302  # logged out


def test_purge_drafts_deletes_only_old_untouched_drafts():
    now = timezone.now()
    old = ApplicationFactory(updated_at=now - timedelta(days=400))
    recent = ApplicationFactory(updated_at=now - timedelta(days=10))
    submitted = ApplicationFactory(
        state="li_submitted",
        updated_at=now - timedelta(days=400),
        letter_submitted_at=now - timedelta(days=400),
    )
    out = StringIO()
    call_command("purge_drafts", "--days", "365", "--dry-run", stdout=out)
    assert out.getvalue().startswith("1 draft(s) would be deleted")
    assert Application.objects.filter(pk=old.pk).exists()
    out = StringIO()
    call_command("purge_drafts", "--days", "365", stdout=out)
    assert out.getvalue().startswith("1 draft(s) deleted")
    assert not Application.objects.filter(pk=old.pk).exists()
    assert Application.objects.filter(pk__in=[recent.pk, submitted.pk]).count() == 2
    assert AuditEvent.objects.filter(verb="draft_purged", object_id=str(old.pk)).exists()


def test_staff_profile_page_is_reachable(client_for):
    assert client_for(programme_manager()).get("/compte/profil/").status_code == 200
