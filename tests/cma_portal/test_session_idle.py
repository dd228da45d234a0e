"""Staff sessions end after 30 minutes without a request (issue 10, point 7); applicants keep
Django's 14-day session."""

import html
from datetime import timedelta

import pytest
import time_machine
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, administrator, programme_manager, reviewer

pytestmark = pytest.mark.django_db

LOGIN = "/compte/login/"


def _get(client, name):
    return client.get(reverse(name))


@pytest.mark.parametrize(
    ("make_user", "page"),
    [
        (programme_manager, "instruction:letters"),
        (reviewer, "evaluation:queue"),
        (administrator, "pilotage:waves"),
    ],
)
def test_staff_session_ends_after_thirty_idle_minutes(client, make_user, page):
    user = make_user()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(user)
        assert _get(client, page).status_code == 200
        # Activity keeps the session alive: 29 minutes, twice.
        clock.shift(timedelta(minutes=29))
        assert _get(client, page).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert _get(client, page).status_code == 200
        # 31 minutes without a request: logged out, sent to the login page.
        clock.shift(timedelta(minutes=31))
        response = _get(client, page)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session


def test_staff_session_cookie_and_row_expire_with_the_idle_timeout(client):
    from django.contrib.sessions.models import Session

    client.force_login(programme_manager())
    response = _get(client, "instruction:letters")
    assert response.status_code == 200
    # Set at login (which starts the idle period) and renewed by activity, once a minute at most;
    # the session middleware gives the cookie this age whenever it sends it.
    assert client.session.get_expiry_age() == 30 * 60
    row = Session.objects.get(session_key=client.session.session_key)
    assert row.expire_date <= timezone.now() + timedelta(minutes=30, seconds=5)


def test_staff_idle_timeout_is_configurable(client, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 5 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(programme_manager())
        assert _get(client, "instruction:letters").status_code == 200
        clock.shift(timedelta(minutes=4))
        assert _get(client, "instruction:letters").status_code == 200
        clock.shift(timedelta(minutes=6))
        assert _get(client, "instruction:letters").status_code == 302


def test_an_idle_staff_session_kept_by_its_backend_is_ended_with_a_french_message(client, settings):
    """Signed-cookie sessions cannot be expired on the server: the recorded activity time ends
    them, with a message on the login page."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(programme_manager())
        # A cookie-held session changes its key when saved: give the client the new cookie, with
        # the second factor recorded as conftest's force_login does for the database backend.
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": 0}]
        session.save()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
        assert _get(client, "instruction:letters").status_code == 200
        clock.shift(timedelta(minutes=31))
        # The signed cookie's own max-age is enforced by the browser, not by the test client.
        response = client.get(reverse("instruction:letters"), follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "Votre session a pris fin après 30 minutes d'inactivité" in html.unescape(
        response.content.decode()
    )


def test_applicant_session_keeps_its_fourteen_days(client):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(user)
        assert _get(client, "applications:dashboard").status_code == 200
        clock.shift(timedelta(hours=3))
        assert _get(client, "applications:dashboard").status_code == 200
        clock.shift(timedelta(days=13))
        response = _get(client, "applications:dashboard")
        assert response.status_code == 200
        assert "cma_staff_last_activity" not in client.session
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
