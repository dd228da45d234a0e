"""Settings read from the environment: each case runs in a fresh process, as a deployment would."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20,
    "ALLOWED_HOSTS": "cma.example.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.fr:587",
    "TRUSTED_PROXY_COUNT": "1",
}


def run(args, extra_env, drop=("DATABASE_URL", "REDIS_URL", "TESTING", "DEBUG")):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra_env)
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_variables():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_the_proxy_is_not_counted():
    env = {k: v for k, v in PRODUCTION.items() if k != "TRUSTED_PROXY_COUNT"}
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env,
        drop=("DATABASE_URL", "REDIS_URL", "TESTING", "DEBUG", "TRUSTED_PROXY_COUNT"),
    )
    assert result.returncode != 0
    assert "cma_portal.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(
        [sys.executable, "manage.py", "check"],
        env,
        drop=("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TESTING"),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


SHOW = """
import django, json
django.setup()
from django.conf import settings
from cma_portal.celery import app
print(json.dumps({"engine": settings.DATABASES["default"]["ENGINE"], "eager": app.conf.task_always_eager,
                  "broker": app.conf.broker_url, "cache": settings.CACHES["default"]["BACKEND"]}))
"""


def test_embedded_default_is_sqlite_with_eager_tasks():
    result = run([sys.executable, "-c", SHOW], {"DJANGO_SETTINGS_MODULE": "cma_portal.settings"})
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["eager"] is True and shown["broker"] == "memory://"


def test_full_stack_uses_postgresql_and_redis():
    env = {
        "DJANGO_SETTINGS_MODULE": "cma_portal.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cma",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = run([sys.executable, "-c", SHOW], env)
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["eager"] is False and shown["broker"] == "redis://127.0.0.1:6379/0"
    assert shown["cache"] == "cma_portal.metrics.TimedDegradingRedisCache"  # errors are misses; timed
