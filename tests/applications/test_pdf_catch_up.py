"""A worker SIGKILLed mid-render: the PDF is ready within minutes of a restart, not an hour.

`test_worker_killed.py` shows the message comes back once the visibility timeout has passed
(lowered to 8 s there). Here the workers run with the production settings (10-minute visibility
timeout): the killed task stays unacknowledged in the broker, and it is the catch-up
(`requeue_stale_pdfs_task`, beat every 5 minutes, PDFs pending for PDF_CATCH_UP_MINUTES) that
gets the PDF rendered by the restarted worker. Both workers use a private Redis.
"""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from pypdf import PdfReader

from applications.models import Submission
from applications.tasks.rendering import PDF_SOFT_TIME_LIMIT, PDF_TIME_LIMIT, render_submission_pdf_task
from cma_portal.celery import app as celery_app
from tests.applications.test_worker import test_database_url
from tests.applications.test_worker_killed import kill_worker, unacked_since, wait_for
from tests.factories import rich_dossier_application, submit_snapshot
from tests.redis_server import private_redis  # noqa: F401 — the fixture

STARTUP_TIMEOUT = 45
RESTART_BOUND = 60  # seconds from the restarted worker's start to the PDF stored


def start_worker(server, name, log_path, **extra_env):
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": server.url,
        "TESTING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "cma_portal.settings",
        **extra_env,
    }
    env.pop("CELERY_VISIBILITY_TIMEOUT", None)  # the production value
    log = open(log_path, "wb")  # noqa: SIM115 — closed with the worker
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cma_portal",
            "worker",
            "--pool=solo",
            "-Q",
            "celery",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def test_time_limits_and_visibility_timeout_are_sized_to_each_other():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility <= 15 * 60  # minutes, not an hour
    assert render_submission_pdf_task.soft_time_limit == PDF_SOFT_TIME_LIMIT < PDF_TIME_LIMIT
    assert render_submission_pdf_task.time_limit == PDF_TIME_LIMIT
    longest = max(settings.CELERY_TASK_TIME_LIMIT, PDF_TIME_LIMIT)
    # A message may wait its retry countdown in a worker, then run: still under the timeout.
    assert render_submission_pdf_task.retry_backoff_max + longest < visibility
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    assert (
        celery_app.conf.beat_schedule["requeue-stale-pdfs"]["task"]
        == "applications.tasks.rendering.requeue_stale_pdfs_task"
    )
    assert celery_app.conf.beat_schedule["outbox-catch-up"]["task"] == "cma_portal.tasks.outbox_catch_up_task"


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pdf_ready_soon_after_a_killed_worker_restarts(private_redis, tmp_path):  # noqa: F811
    application = rich_dossier_application(years=50, partners=80, milestones=200, documents=30)
    submission = submit_snapshot(application)
    logs = {name: tmp_path / f"worker-{name}.log" for name in ("a", "b")}

    def log_text(name):
        return logs[name].read_text(errors="replace") if logs[name].exists() else ""

    def tails():
        return "\n".join(f"--- worker {n} ---\n{log_text(n)[-3000:]}" for n in logs)

    broker = private_redis.client()
    workers = []
    try:
        worker_a = start_worker(private_redis, "pdf-a", logs["a"])
        workers.append(worker_a)
        wait_for(lambda: " ready." in log_text("a"), STARTUP_TIMEOUT, "worker A", details=tails)
        task_id = render_submission_pdf_task.delay(submission.pk).id
        delivered_at = wait_for(
            lambda: unacked_since(broker, task_id), 30, "the message unacked", details=tails
        )
        time.sleep(1.5)  # mid-render: 6 to 12 s for this dossier
        kill_worker(*worker_a)
        submission.refresh_from_db()
        assert submission.pdf_status == Submission.PdfStatus.PENDING, "rendered too fast: " + tails()

        started_b = time.monotonic()
        # The beat's catch-up, with PDFs pending for 0 minutes already stale (5 in production).
        worker_b = start_worker(private_redis, "pdf-b", logs["b"], PDF_CATCH_UP_MINUTES="0")
        workers.append(worker_b)
        wait_for(lambda: " ready." in log_text("b"), STARTUP_TIMEOUT, "worker B", details=tails)
        celery_app.send_task("applications.tasks.rendering.requeue_stale_pdfs_task")  # what beat sends

        def stored():
            submission.refresh_from_db()
            return submission.pdf_status == Submission.PdfStatus.READY

        wait_for(stored, RESTART_BOUND, "the PDF stored", details=tails, interval=0.5)
        ready_in = time.monotonic() - started_b
        # The killed message is still held by the broker: redelivery (10 minutes) did not do it.
        assert unacked_since(broker, task_id) == delivered_at
    finally:
        for worker in workers:
            kill_worker(*worker)
        broker.close()
    assert ready_in < RESTART_BOUND
    assert "requeue_stale_pdfs_task" in log_text("b") and "render_submission_pdf_task" in log_text("b")
    reader = PdfReader(submission.pdf.path)
    assert len(reader.pages) > 1
    print(f"PDF of {len(reader.pages)} pages stored {ready_in:.1f} s after the restarted worker started")
