"""Django-side steps of `bench/run.py`, run in a subprocess with the benchmark's environment
(its own database, DEBUG=false). Prints one JSON object on its last line.

    setup_bench.py sessions          one signed-in session per role (staff: TOTP set up and the
                                     session marked as having passed it, as allauth does), and
                                     the ids of the detail pages to load
    setup_bench.py queries URL...    queries and bytes of each URL (JSON list of [role, url])
    setup_bench.py profile ROLE URL [N]
                                     cProfile of N requests (default 50) of URL, the 35 costliest
                                     functions by own time (printed before the JSON line)
    setup_bench.py grow N            bring the applications up to N for the export check
                                     (dossiers under review: they are in every export)
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cma_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

USERS = {
    "applicant": "porteuse@demo.cma.fr",
    "manager": "charge@demo.cma.fr",
    "reviewer": "evaluateur@demo.cma.fr",
    "admin": "admin@demo.cma.fr",
}
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 — the published demo secret, benchmark database only
BACKEND = "cma_portal.auth_backends.AuthenticationBackend"


def _user(role):
    from cma_portal.models import User

    return User.objects.get(email=USERS[role])


def _session_for(user, staff: bool) -> str:
    from importlib import import_module

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    now = time.time()
    methods = [{"method": "password", "at": now, "email": user.email}]
    if staff:
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            authenticator = TOTP.activate(user, TOTP_SECRET).instance
        methods.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"})
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["account_authentication_methods"] = methods
    store.set_expiry(86400)
    store.save()
    return store.session_key


def sessions() -> dict:
    from applications.models import Application
    from applications.workflow import State
    from reviews.models import Assignment
    from waves.models import Wave

    cookies = {role: _session_for(_user(role), staff=role != "applicant") for role in USERS}
    applicant = _user("applicant")
    wave = Wave.objects.get(name_fr="Vague de démonstration")
    staff_detail = Application.objects.filter(
        acronym__startswith="BENCH-", state=State.UNDER_REVIEW
    ).order_by("id")
    own = Application.objects.filter(owner=applicant, acronym__startswith="BENCH-")
    assignment = (
        Assignment.objects.filter(reviewer=_user("reviewer"), state=Assignment.State.ACCEPTED)
        .order_by("id")
        .first()
    )
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "sessions": cookies,
        "wave": wave.pk,
        "staff_application": staff_detail.first().pk,
        "applicant_application": own.filter(state=State.DOSSIER_DRAFT).order_by("id").first().pk,
        "assignment": assignment.pk,
    }


def queries(pairs) -> dict:
    """Queries and bytes of each page, with the test client (same settings as gunicorn)."""
    from allauth.mfa.models import Authenticator  # noqa: F401 — loads the app's models

    out = {}
    clients = {}
    for role, url in pairs:
        if role not in clients:
            client = Client(HTTP_X_FORWARDED_PROTO="https")
            if role != "anonymous":
                client.cookies[settings.SESSION_COOKIE_NAME] = _session_for(
                    _user(role), staff=role != "applicant"
                )
            clients[role] = client
        client = clients[role]
        client.get(url, secure=True)  # warm-up: caches, first-request imports
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, secure=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out[url] = {"status": response.status_code, "queries": len(ctx), "bytes": len(body)}
    return out


def profile(role: str, url: str, count: int) -> dict:
    """Where the time of one page goes: N requests with the test client under cProfile."""
    import cProfile
    import pstats

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.cookies[settings.SESSION_COOKIE_NAME] = _session_for(_user(role), staff=role != "applicant")
    client.get(url, secure=True)  # warm-up
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        client.get(url, secure=True)
    profiler.disable()
    per_request = (time.perf_counter() - start) / count * 1000
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(45)
    return {"url": url, "requests": count, "ms_per_request_profiled": round(per_request, 1)}


def grow(count: int) -> dict:
    from applications.demo_bulk import seed_bulk
    from applications.workflow import State
    from cma_portal.models import User
    from waves.models import Wave

    start = time.perf_counter()
    added = seed_bulk(
        count,
        wave=Wave.objects.get(name_fr="Vague de démonstration"),
        applicant=User.objects.get(email=USERS["applicant"]),
        states=[State.UNDER_REVIEW],
        applicant_every=10**9,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"added": added, "seconds": round(time.perf_counter() - start, 1)}


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "sessions":
        result = sessions()
    elif command == "queries":
        result = queries(json.loads(sys.argv[2]))
    elif command == "profile":
        result = profile(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 50)
    elif command == "grow":
        result = grow(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))
