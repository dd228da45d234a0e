"""Brute-force protection that an attacker cannot turn against a known address (issue 10,
point 8): wrong passwords lock the password login of an address, the person is then offered a
code sent by email (which the attacker's attempts cannot block), and each lockout is recorded
for administrators."""

import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cma_portal.models import LoginLockout
from tests.factories import PASSWORD, UserFactory, administrator, programme_manager

pytestmark = pytest.mark.django_db

ATTACKER_IP = "203.0.113.66"
VICTIM_IP = "198.51.100.7"


def _attack(email, attempts=8, ip=ATTACKER_IP):
    attacker = Client(REMOTE_ADDR=ip)
    for n in range(attempts):
        attacker.post(reverse("account_login"), {"login": email, "password": f"mauvais-{n}"})
    return attacker


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _code_from_last_email() -> str:
    body = mail.outbox[-1].body
    codes = re.findall(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]+)*)\s*$", body, flags=re.MULTILINE)
    assert codes, body
    return codes[0]


def _login_with_code(client, email):
    mail.outbox.clear()
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302, _text(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]
    return client.post(reverse("account_confirm_login_code"), {"code": _code_from_last_email()})


def test_wrong_passwords_lock_the_password_login_and_point_to_the_code_login():
    victim = UserFactory()
    _attack(victim.email)
    page = Client(REMOTE_ADDR=VICTIM_IP).post(
        reverse("account_login"), {"login": victim.email, "password": PASSWORD}
    )
    assert page.status_code == 200  # refused: the form again, with the message
    text = _text(page)
    assert "Trop de tentatives de connexion ont échoué pour cette adresse" in text
    assert "Envoyez-moi un code de connexion" in text
    assert reverse("account_request_login_code") in text


def test_a_locked_out_person_gets_in_with_a_code_the_attacker_cannot_block():
    victim = UserFactory()
    attacker = _attack(victim.email)
    # The attacker also asks for codes for the victim's address, again and again.
    for _ in range(6):
        attacker.post(reverse("account_request_login_code"), {"email": victim.email})
    victim_client = Client(REMOTE_ADDR=VICTIM_IP)
    response = _login_with_code(victim_client, victim.email)
    assert response.status_code == 302
    assert int(victim_client.session["_auth_user_id"]) == victim.pk


def test_staff_logging_in_with_a_code_still_give_their_second_factor():
    pm = programme_manager()
    _attack(pm.email)
    client = Client(REMOTE_ADDR=VICTIM_IP)
    response = _login_with_code(client, pm.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_lockouts_are_recorded_once_per_episode():
    victim = UserFactory()
    _attack(victim.email, attempts=9)
    lockout = LoginLockout.objects.get()
    assert lockout.email == victim.email
    assert lockout.user == victim
    assert lockout.ip_address == ATTACKER_IP
    # 5 failures are allowed in 5 minutes; the next 4 were refused without checking the password.
    assert lockout.refused_attempts == 4
    _attack("inconnu@exemple.fr", attempts=6, ip="203.0.113.67")
    unknown = LoginLockout.objects.get(email="inconnu@exemple.fr")
    assert unknown.user is None and unknown.refused_attempts == 1


def test_no_lockout_is_recorded_below_the_limit():
    victim = UserFactory()
    _attack(victim.email, attempts=4)
    response = Client(REMOTE_ADDR=VICTIM_IP).post(
        reverse("account_login"), {"login": victim.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not LoginLockout.objects.exists()


def test_administrators_see_the_lockouts_in_the_admin(client):
    victim = UserFactory()
    _attack(victim.email)
    admin_user = administrator(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get(reverse("admin:cma_portal_loginlockout_changelist"))
    assert page.status_code == 200
    assert victim.email in _text(page)
    assert ATTACKER_IP in _text(page)
    # Read-only: nobody adds or edits a lockout by hand.
    assert client.get(reverse("admin:cma_portal_loginlockout_add")).status_code == 403


def test_applicants_and_programme_managers_do_not_see_the_lockouts(client):
    for user in (UserFactory(), programme_manager()):
        client.force_login(user)
        response = client.get(reverse("admin:cma_portal_loginlockout_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# --- behind the reverse proxy ------------------------------------------------------------------
PROXY_IP = "10.0.0.2"


def _through_proxy(client_ip, claimed=None):
    """A client behind our TLS proxy: the proxy connects (REMOTE_ADDR) and appends the address it
    saw to whatever X-Forwarded-For the client sent."""
    forwarded = f"{claimed}, {client_ip}" if claimed else client_ip
    return Client(REMOTE_ADDR=PROXY_IP, HTTP_X_FORWARDED_FOR=forwarded)


def _spray(client, attempts=11):
    """Wrong passwords for many addresses: only the per-IP limit (10 a minute) binds."""
    for n in range(attempts):
        client.post(reverse("account_login"), {"login": f"cible{n}@exemple.fr", "password": "mauvais"})


def test_behind_the_proxy_one_clients_wrong_passwords_do_not_refuse_the_others(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    victim = UserFactory()
    _spray(_through_proxy(ATTACKER_IP))
    response = _through_proxy(VICTIM_IP).post(
        reverse("account_login"), {"login": victim.email, "password": PASSWORD}
    )
    assert response.status_code == 302, _text(response)


def test_with_the_proxy_not_counted_everyone_shares_the_proxys_address(settings):
    """Why TRUSTED_PROXY_COUNT must be set in production (check --deploy warns, cma_portal.W001):
    otherwise the same spray locks every user out of the password login."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    victim = UserFactory()
    _spray(_through_proxy(ATTACKER_IP))
    response = _through_proxy(VICTIM_IP).post(
        reverse("account_login"), {"login": victim.email, "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_client_cannot_choose_its_address_by_sending_x_forwarded_for(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    victim = UserFactory()
    # The attacker claims the victim's address; the proxy appends the real one, which is read.
    attacker = _through_proxy(ATTACKER_IP, claimed=VICTIM_IP)
    for n in range(6):
        attacker.post(reverse("account_login"), {"login": victim.email, "password": f"mauvais-{n}"})
    assert LoginLockout.objects.get(email=victim.email).ip_address == ATTACKER_IP
    # Without any proxy counted, the header is ignored: a direct client is its REMOTE_ADDR.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    direct = Client(REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=VICTIM_IP)
    direct.post(reverse("account_login"), {"login": victim.email, "password": "encore"})
    assert LoginLockout.objects.get(email=victim.email).ip_address == "192.0.2.9"
