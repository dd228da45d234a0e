"""The embedded mode runs the periodic jobs on their own: `make run` starts, next to the web
server, the worker line of Procfile.embedded — a Celery worker with beat (-B) on kombu's
filesystem transport, on a SQLite file, without Redis.

This test runs that very line on a fresh SQLite database with the schedule of
cma_portal/celery.py shortened to a few seconds (CELERY_BEAT_EVERY_SECONDS, the same entries), then
creates a dossier whose deadline is 20 seconds away. Nobody calls a task: beat sends the
reminder sweep (the D-1 reminder is due at once) and, once the deadline has passed, the expiry
sweep expires the dossier. Emails go to the console, i.e. the worker's log.
"""

import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time

from django.conf import settings

from tests.applications.test_worker_killed import wait_for

STARTUP_TIMEOUT = 60
SEED = """
from datetime import timedelta
from django.utils import timezone
from tests.factories import ApplicationFactory
application = ApplicationFactory(
    state="dossier_draft",
    reference="CMA-SN-2026-0042",
    dossier_deadline=timezone.now() + timedelta(seconds=20),
    owner__email="porteuse.embarquee@example.org",
)
print("seeded", application.pk)
"""


def procfile_command(name: str) -> list[str]:
    for line in (settings.BASE_DIR / "Procfile.embedded").read_text().splitlines():
        if line.startswith(f"{name}:"):
            command = shlex.split(line.split(":", 1)[1])
            return [sys.executable if part == ".venv/bin/python" else part for part in command]
    raise AssertionError(f"no {name} line in Procfile.embedded")


def test_embedded_worker_with_beat_sends_a_reminder_and_expires_a_dossier_on_schedule(tmp_path):
    database = tmp_path / "embedded.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "CELERY_TASK_ALWAYS_EAGER", "MEDIA_STORAGE")
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "EMBEDDED_BROKER_DIR": str(tmp_path / "broker"),
            "CELERY_BEAT_EVERY_SECONDS": "2",
            "EMAIL_URL": "consolemail://",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_SETTINGS_MODULE": "cma_portal.settings",
            "LOG_FORMAT": "text",
        }
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, check=True, timeout=180)

    command = procfile_command("worker") + ["--schedule", str(tmp_path / "celerybeat-schedule")]
    assert "-B" in command and "cma_portal" in command
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 — closed below
    worker = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )

    def log_text():
        return log_path.read_text(errors="replace")

    def row(sql):
        with sqlite3.connect(database, timeout=10) as connection:
            return connection.execute(sql).fetchone()

    try:
        wait_for(lambda: " ready." in log_text(), STARTUP_TIMEOUT, "the worker", details=log_text)
        wait_for(lambda: "beat: Starting" in log_text(), 20, "beat", details=log_text)
        seeded_at = time.monotonic()  # the deadline is 20 s after an instant later than this
        seeded = subprocess.run(
            [*manage, "shell", "-c", SEED],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert seeded.returncode == 0, seeded.stderr

        reminder = wait_for(
            lambda: row("SELECT kind FROM applications_reminder"), 40, "the D-1 reminder", details=log_text
        )
        reminded_in = time.monotonic() - seeded_at
        assert reminder == ("dossier_d1",)
        state = row("SELECT state FROM applications_application WHERE reference = 'CMA-SN-2026-0042'")
        assert state == ("dossier_draft",)  # the deadline has not passed yet

        wait_for(
            lambda: row(
                "SELECT 1 FROM applications_application "
                "WHERE reference = 'CMA-SN-2026-0042' AND state = 'dossier_expired'"
            ),
            60,
            "the dossier expired",
            details=log_text,
        )
        expired_in = time.monotonic() - seeded_at
        # Beat sent both; nothing else did.
        wait_for(
            lambda: log_text().count("To: porteuse.embarquee@example.org") >= 2,
            20,
            "both emails",
            details=log_text,
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
        log.close()

    text = log_text()
    assert "Scheduler: Sending due task reminder-sweep" in text
    assert "Scheduler: Sending due task expire-dossiers" in text
    assert reminded_in < expired_in and expired_in >= 20, (reminded_in, expired_in)
    assert row("SELECT COUNT(*) FROM applications_reminder") == (1,)  # sent once, not every sweep
    print(f"reminder {reminded_in:.1f} s after seeding, expiry {expired_in:.1f} s (deadline at 20 s)")
