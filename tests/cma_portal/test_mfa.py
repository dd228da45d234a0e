"""Staff reach no staff page before setting up TOTP, through allauth's real activation flow."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from tests.factories import PASSWORD, programme_manager

pytestmark = pytest.mark.django_db

STAFF_PAGES = ("/pilotage/", "/pilotage/vagues/", "/instruction/", "/evaluation/", "/admin/")


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def password_login(client: Client, user) -> None:
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_programme_manager_without_totp_reaches_no_staff_page_until_set_up():
    manager = programme_manager(mfa=False)
    client = Client()
    password_login(client, manager)
    for path in STAFF_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/compte/2fa/totp/activate/"), (path, response["Location"])
    # The applicant pages stay reachable.
    assert client.get("/").status_code == 200

    # allauth's own activation page: it keeps the secret in the session; the code is computed
    # as an authenticator app would.
    # allauth asks for the password again before adding an authenticator.
    response = client.get("/compte/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/compte/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in response.content.decode()
    response = client.post(
        "/compte/2fa/totp/activate/", {"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200  # wrong code refused
    assert not Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    assert client.get("/pilotage/").status_code == 302

    response = client.post("/compte/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it.
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.RECOVERY_CODES).exists()
    response = client.get("/pilotage/")
    assert response.status_code == 200
    assert "Pilotage du programme" in response.content.decode()


def test_applicants_are_never_sent_to_two_factor_setup(client_for):
    from tests.factories import UserFactory

    client = client_for(UserFactory())
    response = client.get("/pilotage/")
    assert response.status_code == 403
