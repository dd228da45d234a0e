"""Co-editors: invitation by email, acceptance, rights, removal, and concurrent saves."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from applications.models import Collaborator
from applications.states import State
from cma_portal.audit import audit_events_for
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.factories import CollaboratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, application, email, capture):
    client.force_login(application.owner)
    with capture(execute=True):
        return client.post(f"/candidatures/{application.pk}/coediteurs/", {"email": email})


def test_owner_invites_and_invited_user_accepts(client, django_capture_on_commit_callbacks):
    application = draft_ready_to_submit()
    invitee = UserFactory(email="co-editrice@univ-exemple.fr")
    response = _invite(client, application, "Co-Editrice@univ-exemple.fr", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Collaborator.objects.get(application=application)
    assert invitation.email == "co-editrice@univ-exemple.fr" and invitation.accepted_at is None
    sent = [m for m in mail.outbox if m.to == ["co-editrice@univ-exemple.fr"]]
    assert len(sent) == 1
    path = re.search(r"/candidatures/invitations/[^\s/]+/", sent[0].body).group(0)
    # Not accepted yet: the invitee cannot open the application.
    client.force_login(invitee)
    assert client.get(f"/candidatures/{application.pk}/").status_code == 404
    assert "Accepter l'invitation" in client.get(path).content.decode()
    response = client.post(path)
    assert response["Location"] == f"/candidatures/{application.pk}/"
    invitation.refresh_from_db()
    assert invitation.user == invitee and invitation.accepted_at is not None
    assert client.get(f"/candidatures/{application.pk}/lettre/").status_code == 200
    verbs = set(audit_events_for(application).values_list("verb", flat=True))
    assert {"collaborator_invited", "collaborator_accepted"} <= verbs


def test_invitation_for_another_address_is_refused(client, django_capture_on_commit_callbacks):
    application = draft_ready_to_submit()
    _invite(client, application, "quelquun@univ-exemple.fr", django_capture_on_commit_callbacks)
    invitation = Collaborator.objects.get()
    intruder = UserFactory()
    client.force_login(intruder)
    response = client.post(f"/candidatures/invitations/{invitation.token}/", follow=True)
    assert "envoyée à une autre adresse" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_page_offers_signup_and_login_and_accepting_requires_login(client):
    invitation = CollaboratorFactory(user=None, email="x@exemple.fr", accepted_at=None)
    response = client.get(f"/candidatures/invitations/{invitation.token}/")
    assert response.status_code == 200 and "/compte/login/?next=" in response.content.decode()
    response = client.post(f"/candidatures/invitations/{invitation.token}/")
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_inviting_a_pending_address_again_sends_a_fresh_link(client, django_capture_on_commit_callbacks):
    application = draft_ready_to_submit()
    _invite(client, application, "double@exemple.fr", django_capture_on_commit_callbacks)
    old_token = Collaborator.objects.get(application=application).token
    response = _invite(client, application, "double@exemple.fr", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Collaborator.objects.get(application=application)
    assert invitation.token != old_token
    assert [m.to for m in mail.outbox] == [["double@exemple.fr"], ["double@exemple.fr"]]
    assert invitation.token in mail.outbox[-1].body
    invitee = UserFactory(email="double@exemple.fr")
    client.force_login(invitee)
    assert client.get(f"/candidatures/invitations/{old_token}/").status_code == 404


def test_inviting_an_accepted_coeditor_again_gives_french_error(client, django_capture_on_commit_callbacks):
    collaborator = CollaboratorFactory(application=draft_ready_to_submit())
    response = _invite(
        client, collaborator.application, collaborator.email, django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "co-édite déjà" in html.unescape(response.content.decode())


def test_invitation_expires_after_the_configured_days(client, django_capture_on_commit_callbacks, settings):
    settings.COLLABORATOR_INVITATION_DAYS = 30
    application = draft_ready_to_submit()
    _invite(client, application, "tardive@exemple.fr", django_capture_on_commit_callbacks)
    invitation = Collaborator.objects.get(application=application)
    invitee = UserFactory(email="tardive@exemple.fr")
    with time_machine.travel(invitation.invited_at + timedelta(days=30, seconds=1)):
        client.force_login(invitee)  # a fresh session: the earlier one would have expired
        response = client.post(f"/candidatures/invitations/{invitation.token}/", follow=True)
    assert "Cette invitation a expiré le" in html.unescape(response.content.decode())
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    with time_machine.travel(invitation.invited_at + timedelta(days=29, hours=23)):
        client.force_login(invitee)
        client.post(f"/candidatures/invitations/{invitation.token}/")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_coeditor_cannot_withdraw_invite_or_remove(client):
    application = draft_ready_to_submit()
    coeditor = CollaboratorFactory(application=application)
    other = CollaboratorFactory(application=application)
    client.force_login(coeditor.user)
    assert client.get(f"/candidatures/{application.pk}/retirer/").status_code == 403
    assert client.post(f"/candidatures/{application.pk}/retirer/").status_code == 403
    assert (
        client.post(f"/candidatures/{application.pk}/coediteurs/", {"email": "z@exemple.fr"}).status_code
        == 403
    )
    client.post(f"/candidatures/{application.pk}/coediteurs/{other.pk}/retirer/")
    assert Collaborator.objects.filter(pk=other.pk).exists()
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT and application.owner_id != coeditor.user_id


def test_owner_removes_coeditor_who_then_gets_404(client):
    application = draft_ready_to_submit()
    coeditor = CollaboratorFactory(application=application)
    client.force_login(application.owner)
    client.post(f"/candidatures/{application.pk}/coediteurs/{coeditor.pk}/retirer/")
    assert not Collaborator.objects.filter(pk=coeditor.pk).exists()
    assert audit_events_for(application).filter(verb="collaborator_removed").exists()
    client.force_login(coeditor.user)
    assert client.get(f"/candidatures/{application.pk}/").status_code == 404


def test_coeditor_conflict_keeps_second_input_and_overwrites_nothing(client):
    application = draft_ready_to_submit()
    coeditor = CollaboratorFactory(application=application).user
    # Both open the form at version 1.
    stale = letter_data(application, title="Titre de la porteuse, saisi en parallèle")
    fresh = letter_data(application, title="Titre du co-éditeur, enregistré d'abord")
    client.force_login(coeditor)
    assert client.post(f"/candidatures/{application.pk}/lettre/", fresh).status_code == 302
    client.force_login(application.owner)
    response = client.post(f"/candidatures/{application.pk}/lettre/", stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Un autre membre a enregistré cette candidature pendant que vous la modifiiez" in page
    assert "Titre de la porteuse, saisi en parallèle" in page
    application.refresh_from_db()
    assert application.title == "Titre du co-éditeur, enregistré d&#x27;abord".replace("&#x27;", "'")
    assert application.version == 2


def test_stale_version_is_refused_by_the_service_itself():
    from applications.services.letters import ConflictError, letter_save

    application = draft_ready_to_submit()
    letter_save(application=application, user=application.owner, version=1, fields={"title": "A"})
    with pytest.raises(ConflictError):
        letter_save(application=application, user=application.owner, version=1, fields={"title": "B"})
    application.refresh_from_db()
    assert application.title == "A" and application.version == 2


def test_owner_withdraws_with_confirmation_and_editors_are_emailed(
    client, django_capture_on_commit_callbacks
):
    application = draft_ready_to_submit(state=State.LI_SUBMITTED)
    coeditor = CollaboratorFactory(application=application).user
    client.force_login(application.owner)
    page = client.get(f"/candidatures/{application.pk}/retirer/").content.decode()
    assert "Confirmer le retrait" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/candidatures/{application.pk}/retirer/", {"note": "Projet reporté"})
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    recipients = sorted(m.to[0] for m in mail.outbox if "retirée" in m.subject)
    assert recipients == sorted([application.owner.email, coeditor.email])
    event = audit_events_for(application).get(verb="transition")
    assert event.to_state == State.WITHDRAWN and event.note == "Projet reporté"


def test_withdrawal_of_closed_application_is_refused_politely(client):
    application = draft_ready_to_submit(state=State.LI_REJECTED)
    client.force_login(application.owner)
    response = client.post(f"/candidatures/{application.pk}/retirer/", follow=True)
    assert response.status_code == 200
    assert "Action impossible" in response.content.decode()
