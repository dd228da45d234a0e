"""Users and roles under /pilotage/utilisateurs/: invitations, role changes, deactivation."""

import re
import time
from urllib.parse import quote

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.test import Client

from actions.models import Action
from cma_portal import roles
from cma_portal.models import AuditEvent, Invitation, User
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    UserFactory,
    administrator,
    reviewer,
    user_in_role,
)

pytestmark = pytest.mark.django_db


def code_for(secret, offset=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD + offset))


def local_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("applicant", 403), ("reviewer", 403), ("manager", 403), ("admin", 200)],
)
def test_user_pages_per_role(client_for, who, status):
    user = user_in_role(who)
    client = client_for(user)
    target = UserFactory()
    for url in (
        "/pilotage/utilisateurs/",
        "/pilotage/utilisateurs/inviter/",
        f"/pilotage/utilisateurs/{target.pk}/roles/",
        "/pilotage/pages/",
    ):
        assert client.get(url).status_code == status, url
    client.post(f"/pilotage/utilisateurs/{target.pk}/activation/", {"active": "0"})
    target.refresh_from_db()
    assert target.is_active == (who != "admin")


def test_reviewer_invitation_ends_with_a_reviewer_logging_in_with_totp(
    client_for, django_capture_on_commit_callbacks
):
    # allauth's rate limits (one confirmation email per address every 3 minutes) live in the
    # cache, which is Redis (shared between runs) when REDIS_URL is set: a fresh address per run.
    import uuid

    email = f"evaluatrice-{uuid.uuid4().hex[:8]}@exemple.fr"
    admin = administrator()
    client = client_for(admin)
    actions = list(Action.objects.filter(number__in=[2, 4]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/pilotage/utilisateurs/inviter/",
            {
                "email": email.replace("evaluatrice", "Evaluatrice"),
                "role": "reviewer",
                "actions": [a.pk for a in actions],
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == email
    assert AuditEvent.objects.filter(verb="invitation_created", actor=admin).exists()
    message = mail.outbox[-1]
    assert message.to == [email]
    link = local_path(re.search(r"http\S+/compte/profil/invitation/\S+/", message.body).group(0))

    # The invitee has no account: the link offers to sign up or log in, and remembers the
    # invitation. They sign up (without any ?next=) and confirm their address: allauth logs
    # them in and the account adapter brings them back to the invitation.
    browser = Client()
    response = browser.get(link)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/compte/signup/?next={quote(link, safe="")}"' in page
    assert f'href="/compte/login/?next={quote(link, safe="")}"' in page
    assert "Accepter l" not in page
    session_key = browser.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            "/compte/signup/",
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    confirm = local_path(re.search(r"http\S+/compte/confirm-email/\S+/", mail.outbox[-1].body).group(0))
    response = browser.post(confirm)
    person = User.objects.get(email=email)
    assert browser.session.get("_auth_user_id") == str(person.pk)
    # Logging in rotated the session key, the pending invitation survived it.
    assert browser.session.session_key != session_key
    assert response.status_code == 302 and response["Location"] == link

    response = browser.get(response["Location"])
    assert response.status_code == 200 and "Accepter l" in response.content.decode()
    response = browser.post(link)
    assert response.status_code == 302 and response["Location"] == "/compte/2fa/totp/activate/"
    person = User.objects.get(pk=person.pk)
    assert roles.has_role(person, roles.REVIEWER)
    from reviews.models import ReviewerProfile

    assert sorted(ReviewerProfile.objects.get(user=person).actions.values_list("number", flat=True)) == [2, 4]
    assert AuditEvent.objects.filter(verb="role_granted", object_id=str(person.pk)).exists()
    # The link works once.
    assert browser.post(link).status_code == 400

    # No staff page before TOTP.
    assert browser.get("/evaluation/")["Location"].startswith("/compte/2fa/totp/activate/")
    reauth = browser.get("/compte/2fa/totp/activate/")["Location"]
    assert reauth.startswith("/compte/reauthenticate/")
    browser.post(reauth, {"password": PASSWORD})
    assert browser.get("/compte/2fa/totp/activate/").status_code == 200
    secret = browser.session[SECRET_SESSION_KEY]
    assert browser.post("/compte/2fa/totp/activate/", {"code": code_for(secret)}).status_code == 302

    # Logging in again: password, then allauth's TOTP stage.
    browser.post("/compte/logout/")
    response = browser.post("/compte/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/compte/2fa/authenticate/"
    assert "_auth_user_id" not in browser.session
    response = browser.post("/compte/2fa/authenticate/", {"code": "12345"})
    assert "_auth_user_id" not in browser.session
    response = browser.post("/compte/2fa/authenticate/", {"code": code_for(secret)})
    assert response.status_code == 302
    assert browser.session.get("_auth_user_id") == str(person.pk)
    response = browser.get("/evaluation/")
    assert not (response.status_code == 302 and "/2fa/" in response["Location"])


def test_invitation_for_another_address_is_refused(client_for):
    invitation = Invitation.objects.create(
        email="x@exemple.fr", role="programme_manager", expires_at="2099-01-01T00:00Z"
    )
    client = client_for(UserFactory())
    response = client.post(f"/compte/profil/invitation/{invitation.token}/")
    assert response.status_code == 400
    assert "une autre adresse" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def _invitation(email="invite@exemple.fr", **kwargs):
    return Invitation.objects.create(
        email=email,
        role="programme_manager",
        expires_at=kwargs.pop("expires_at", "2099-01-01T00:00Z"),
        **kwargs,
    )


def test_existing_account_logging_in_is_brought_back_to_the_invitation():
    person = UserFactory(email="invite@exemple.fr")
    invitation = _invitation()
    link = f"/compte/profil/invitation/{invitation.token}/"
    browser = Client()
    assert browser.get(link).status_code == 200
    response = browser.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == link
    # Nothing is accepted until the person posts the form.
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and not roles.has_role(person, roles.PROGRAMME_MANAGER)
    assert browser.post(link)["Location"] == "/compte/2fa/totp/activate/"
    assert roles.has_role(User.objects.get(pk=person.pk), roles.PROGRAMME_MANAGER)
    # The pending invitation is forgotten once accepted.
    browser.post("/compte/logout/")
    response = browser.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    assert response["Location"] != link


def test_other_account_logging_in_is_not_sent_to_the_invitation():
    other = UserFactory()
    invitation = _invitation()
    browser = Client()
    browser.get(f"/compte/profil/invitation/{invitation.token}/")
    response = browser.post("/compte/login/", {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302 and "invitation" not in response["Location"]


def test_expired_or_used_invitation_is_neither_offered_nor_remembered():
    person = UserFactory(email="invite@exemple.fr")
    expired = _invitation(expires_at="2000-01-01T00:00Z")
    browser = Client()
    response = browser.get(f"/compte/profil/invitation/{expired.token}/")
    page = response.content.decode()
    assert response.status_code == 200 and "déjà été utilisée ou a expiré" in page
    assert "signup/?next=" not in page
    response = browser.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    assert "invitation" not in response["Location"]

    # Remembered while usable, used meanwhile (e.g. from another browser): not sent back to it.
    invitation = _invitation()
    browser = Client()
    browser.get(f"/compte/profil/invitation/{invitation.token}/")
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at="2024-01-01T00:00Z")
    response = browser.post("/compte/login/", {"login": person.email, "password": PASSWORD})
    assert "invitation" not in response["Location"]


def test_anonymous_cannot_accept_and_unknown_token_is_404():
    invitation = _invitation()
    browser = Client()
    response = browser.post(f"/compte/profil/invitation/{invitation.token}/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/?next=")
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert browser.get("/compte/profil/invitation/pas-un-jeton/").status_code == 404


def test_invitation_needs_a_confirmed_address(client_for):
    from allauth.account.models import EmailAddress

    person = UserFactory(email="invite@exemple.fr")
    EmailAddress.objects.filter(user=person).update(verified=False)
    invitation = _invitation()
    client = client_for(person)
    link = f"/compte/profil/invitation/{invitation.token}/"
    assert "pas encore confirmée" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 400 and "pas encore confirmée" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_form_errors(client_for):
    client = client_for(administrator())
    response = client.post(
        "/pilotage/utilisateurs/inviter/", {"email": "pas-une-adresse", "role": "reviewer"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide." in page
    assert "Cochez au moins une action couverte" in page
    assert "pas-une-adresse" in page
    assert not Invitation.objects.exists()


def test_admin_changes_and_removes_roles_audited(client_for):
    admin = administrator()
    person = UserFactory()
    client = client_for(admin)
    response = client.post(
        f"/pilotage/utilisateurs/{person.pk}/roles/", {"staff_roles": ["programme_manager", "reviewer"]}
    )
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert roles.has_role(person, roles.PROGRAMME_MANAGER) and roles.has_role(person, roles.REVIEWER)
    client.post(f"/pilotage/utilisateurs/{person.pk}/roles/", {})
    person = User.objects.get(pk=person.pk)
    assert roles.user_roles(person) == frozenset({roles.APPLICANT})
    assert AuditEvent.objects.filter(verb="roles_changed", object_id=str(person.pk)).count() == 2
    # An administrator cannot remove their own role.
    response = client.post(f"/pilotage/utilisateurs/{admin.pk}/roles/", {"staff_roles": ["reviewer"]})
    assert response.status_code == 200
    assert "propre rôle" in response.content.decode()
    assert roles.has_role(User.objects.get(pk=admin.pk), roles.ADMINISTRATOR)


def test_deactivating_a_user_keeps_their_submissions(client_for):
    admin = administrator()
    application = ApplicationFactory(state="li_submitted", reference="CMA-SN-2026-0001")
    client = client_for(admin)
    response = client.post(f"/pilotage/utilisateurs/{application.owner.pk}/activation/", {"active": "0"})
    assert response.status_code == 302
    owner = User.objects.get(pk=application.owner.pk)
    assert not owner.is_active
    application.refresh_from_db()
    assert application.state == "li_submitted"
    assert AuditEvent.objects.filter(verb="user_deactivated", object_id=str(owner.pk), actor=admin).exists()
    # They can no longer log in.
    browser = Client()
    browser.post("/compte/login/", {"login": owner.email, "password": PASSWORD})
    assert "_auth_user_id" not in browser.session


def _user_list_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/pilotage/utilisateurs/")  # warm caches (session, sites)
    with CaptureQueriesContext(connection) as queries:
        client.get("/pilotage/utilisateurs/")
    return len(queries)


def test_user_list_query_count_is_constant(client_for, django_assert_num_queries):
    client = client_for(administrator())
    Invitation.objects.create(email="a@b.fr", role="reviewer", expires_at="2099-01-01T00:00Z").actions.set(
        Action.objects.all()
    )
    reviewer()
    # The administrator and a reviewer: compare against 30 users with roles and invitations.
    few = _user_list_queries(client)
    for _ in range(14):
        reviewer()
        UserFactory()
        Invitation.objects.create(
            email="a@b.fr", role="reviewer", expires_at="2099-01-01T00:00Z"
        ).actions.set(Action.objects.all())
    assert User.objects.count() == 30
    with django_assert_num_queries(few):
        response = client.get("/pilotage/utilisateurs/")
    assert response.content.decode().count('name="active"') == 30


def test_user_list_is_paginated_and_keeps_the_search(client_for):
    client = client_for(administrator())
    for i in range(55):
        UserFactory(email=f"cherche-{i:02d}@exemple.fr")
    UserFactory(email="autre@exemple.fr")

    response = client.get("/pilotage/utilisateurs/?q=cherche")
    page = response.content.decode()
    assert response.status_code == 200
    assert "55 comptes" in page
    assert "cherche-49@exemple.fr" in page and "cherche-50@exemple.fr" not in page
    assert "autre@exemple.fr" not in page
    assert 'class="fr-pagination"' in page
    assert "?q=cherche&amp;page=2" in page

    page = client.get("/pilotage/utilisateurs/?q=cherche&page=2").content.decode()
    assert "cherche-50@exemple.fr" in page and "cherche-54@exemple.fr" in page
    assert "cherche-49@exemple.fr" not in page
    # A page out of range or not a number shows the last / first page, never an error.
    assert "cherche-54@exemple.fr" in client.get("/pilotage/utilisateurs/?q=cherche&page=99").content.decode()
    assert "cherche-00@exemple.fr" in client.get("/pilotage/utilisateurs/?q=cherche&page=x").content.decode()

    page = client.get("/pilotage/utilisateurs/?q=introuvable").content.decode()
    assert "Aucun compte ne correspond" in page and 'class="fr-pagination"' not in page


def test_site_pages_are_editable_by_administrators_and_rendered_escaped(client_for):
    client = client_for(administrator())
    assert "Défenseur des droits" in client.get("/accessibilite/").content.decode()
    response = client.post(
        "/pilotage/pages/accessibilite/",
        {
            "title_fr": "Accessibilité",
            "title_en": "Accessibility",
            "body_fr": "Premier paragraphe <script>alert(1)</script>\n\n## Contact\n\nÉcrivez-nous.",
            "body_en": "",
        },
    )
    assert response.status_code == 302
    page = client.get("/accessibilite/").content.decode()
    assert "<h2>Contact</h2>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert AuditEvent.objects.filter(verb="site_page_updated").exists()
    assert "Mentions légales" in client.get("/mentions-legales/").content.decode()
