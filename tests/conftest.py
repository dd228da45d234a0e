"""Shared fixtures. Tests that need a real PostgreSQL, Redis, Celery worker or Chromium carry a
marker; locally they skip when the service is absent, in CI (REQUIRE_ALL_TESTS=1) nothing skips
and .ci/run fails if anything did."""

import os
import shutil

os.environ.setdefault("TESTING", "true")

import pytest  # noqa: E402

REQUIRE_ALL = os.environ.get("REQUIRE_ALL_TESTS") == "1"
CHROMIUM = os.environ.get("CMA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _service_available(marker: str) -> str | None:
    """None when the service behind `marker` is there, else why not."""
    from django.conf import settings
    from django.db import connection

    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL (set DATABASE_URL)"
    if marker in ("redis", "worker") and not settings.REDIS_URL:
        return "needs Redis (set REDIS_URL)"
    if marker == "e2e" and not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return "needs Chromium"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "worker", "e2e"):
        if item.get_closest_marker(marker):
            reason = _service_available(marker)
            if reason:
                if REQUIRE_ALL:
                    pytest.fail(f"{reason}: required in CI")
                pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its rate-limit counters in the cache (Redis when REDIS_URL is set): without
    this, one test's logins and sign-ups would count against the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STAFF_REQUIRE_MFA = True


def _login_with_second_factor(self, user, backend=None):
    """Tests log staff in as after a TOTP code: the session records the second factor, as
    allauth does, when the user has an authenticator (`login_without_second_factor` skips it)."""
    _raw_force_login(self, user, backend)
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        session = self.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": 0}]
        session.save()


def login_without_second_factor(client, user):
    """A session that passed the password but not the second factor."""
    _raw_force_login(client, user)


from django.test import Client  # noqa: E402

_raw_force_login = Client.force_login
Client.force_login = _login_with_second_factor


@pytest.fixture
def client_for(client):
    """`client_for(user)` logs `user` in (None: anonymous) and returns the test client."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
