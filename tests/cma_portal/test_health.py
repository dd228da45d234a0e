import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_touching_the_database():
    # No django_db mark: pytest-django raises if the view touches the database.
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_ok_when_database_answers():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


READYZ_IN_A_FRESH_PROCESS = """
import django, json
django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get("/readyz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:////nonexistent-directory/for/sure/db.sqlite3", "postgres://postgres@127.0.0.1:1/unreachable"],
)
def test_readyz_fails_cleanly_when_database_is_unreachable(database_url):
    """A whole process configured with a database nobody answers for: 503, not a crash."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "cma_portal.settings"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", READYZ_IN_A_FRESH_PROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert outcome["body"]["status"] == "unavailable"
    assert outcome["body"]["checks"]["database"] in {"OperationalError"}


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_redis_when_configured(settings):
    assert Client().get("/readyz").json()["checks"]["redis"] == "ok"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["redis"] != "ok"
