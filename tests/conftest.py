"""Shared fixtures. Tests that need a real PostgreSQL, Redis, Celery worker or Chromium carry a
marker; locally they skip when the service is absent, in CI (REQUIRE_ALL_TESTS=1) nothing skips
and .ci/run fails if anything did."""

import os
import shutil
import sys
from types import SimpleNamespace

os.environ.setdefault("TESTING", "true")

import pytest  # noqa: E402

from tests.s3_server import s3_endpoint, s3_media  # noqa: E402, F401 — fixtures

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
    if marker == "clamav" and not (_clamd_binary() and shutil.which("sigtool")):
        return "needs ClamAV (apt-get install clamav clamav-daemon)"
    return None


def _clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if os.path.exists(p)), None)


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "worker", "e2e", "clamav"):
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
def _media_root(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STAFF_REQUIRE_MFA = True
    if request.node.get_closest_marker("s3"):
        # Storage tests: files in a bucket of the local S3 server (tests/s3_server.py).
        request.getfixturevalue("s3_media")


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


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """A private clamd (ClamAV's daemon) for the session, whose only signature is a local one
    built from the EICAR test file (`sigtool --md5`: no download). Yields its unix socket."""
    import subprocess
    import time

    from cma_portal.uploads import clamav
    from tests.hostile_files import EICAR

    binary = _clamd_binary()
    if not binary:
        pytest.fail("clamd is not installed")
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    (root / "eicar.com").write_bytes(EICAR)
    signature = subprocess.run(
        ["sigtool", "--md5", str(root / "eicar.com")], check=True, capture_output=True, cwd=root
    ).stdout
    (database / "local.hdb").write_bytes(signature)
    socket_path = root / "clamd.sock"
    (root / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {database}\nForeground yes\n"
        f"LogFile {root / 'clamd.log'}\nStreamMaxLength 64M\n"
    )
    process = subprocess.Popen([binary, "-c", str(root / "clamd.conf")], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not clamav.ping(socket_path=str(socket_path)):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {log[-2000:]}")
            time.sleep(0.1)
        yield str(socket_path)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def clamav_on(settings, clamd_socket):
    """The virus scanner switched on for one test (CLAMAV_SOCKET pointing at the private clamd)."""
    settings.CLAMAV_SOCKET = clamd_socket
    return clamd_socket


def _reload_reference_data():
    """Re-run our data migrations (all idempotent update_or_create) with the current models."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    base = str(settings.BASE_DIR)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        for node in loader.graph.forwards_plan(leaf):
            if node not in plan:
                plan.append(node)
    from django.apps import apps

    editor = SimpleNamespace(connection=connection)
    for node in plan:
        migration = loader.graph.nodes[node]
        module = sys.modules.get(type(migration).__module__)
        path = getattr(module, "__file__", "") or ""
        if not path.startswith(base) or "/.venv/" in path:
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                operation.code(apps, editor)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test flushes the database when it ends, data-migration rows included
    (actions, call and waves, roles, site pages, default grid). Put them back before each
    transactional test that finds them gone (e2e, fault and multi-node tests)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from actions.models import Action

    if not Action.objects.exists():
        _reload_reference_data()
