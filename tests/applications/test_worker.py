"""A real Celery worker on the local Redis renders the PDF of a submitted dossier.

The worker is a subprocess (`celery -A cma_portal worker --pool=solo`) pointed at the *test*
database, the same Redis and the same MEDIA_ROOT, with eager execution turned off; the test
process publishes to Redis too. In CI (`.ci/run`) PostgreSQL and Redis are there.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from pypdf import PdfReader

from applications.effects import render_dossier_pdf
from applications.models import Submission
from applications.pdf import format_eur
from cma_portal.celery import app as celery_app
from tests.factories import rich_dossier_application, submit_snapshot

TIMEOUT = 60


def test_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def start_worker(log_path):
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TESTING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "cma_portal.settings",
    }
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
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def stop_worker(process, log):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    log.close()


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_dossier_pdf(tmp_path):
    application = rich_dossier_application(documents=4)
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # leftovers of an earlier interrupted run
    worker, log = start_worker(tmp_path / "worker.log")
    try:
        # What the submit service does: freeze the snapshot, hooks run on commit.
        with transaction.atomic():
            submission = submit_snapshot(application)
            transaction.on_commit(lambda: render_dossier_pdf(application, application.owner, "", {}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            submission.refresh_from_db()
            if submission.pdf_status == Submission.PdfStatus.READY or worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        celery_app.conf.task_always_eager = was_eager
        stop_worker(worker, log)
    worker_log = (tmp_path / "worker.log").read_text(errors="replace")
    assert submission.pdf_status == Submission.PdfStatus.READY, worker_log[-3000:]
    assert "render_submission_pdf_task" in worker_log and "succeeded" in worker_log

    reader = PdfReader(submission.pdf.path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    squashed = "".join(text.split())
    snapshot = submission.snapshot
    assert len(reader.pages) > 1
    assert snapshot["reference"] in text
    total = (
        format_eur(snapshot["budget"]["totals"]["eligible_cost"]).replace("\u202f", " ").replace("\xa0", " ")
    )
    assert total in text
    assert len(snapshot["documents"]) == 5
    for document in snapshot["documents"]:
        assert document["sha256"] in squashed
