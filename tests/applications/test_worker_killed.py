"""A worker killed in the middle of rendering a PDF loses nothing: the message comes back.

`render_submission_pdf_task` is acknowledged late (`CELERY_TASK_ACKS_LATE`): the Redis transport
keeps the delivered message in its `unacked` hash until the task ends. Worker A, a real
`celery -A cma_portal worker --pool=solo` subprocess, starts rendering a large dossier and is
killed with SIGKILL (no warm shutdown, no chance to requeue anything). Nothing is stored. Worker B
starts on the same queue once the visibility timeout (8 s here, `CELERY_VISIBILITY_TIMEOUT`;
1 hour in production) has passed since A received the message: at startup its transport moves
the expired unacknowledged message back to the queue, B renders the PDF and stores it.

Both workers use their own queue (`apply_async(queue=...)`), the test database, the same Redis
and MEDIA_ROOT, like `test_worker.py`.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from pypdf import PdfReader

from applications.models import Submission
from applications.tasks.rendering import render_submission_pdf_task
from cma_portal.celery import app as celery_app
from tests.applications.test_worker import test_database_url
from tests.factories import rich_dossier_application, submit_snapshot

VISIBILITY_TIMEOUT = 8  # seconds, for both workers of this test
STARTUP_TIMEOUT = 45  # a worker started on a loaded 2-core machine: imports, Django, Redis
REDELIVERY_TIMEOUT = 60  # from worker B's start to the PDF stored


def start_worker(name, queue, log_path):
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TESTING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
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
            "--concurrency=1",
            "-Q",
            queue,
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole
    )
    return process, log


def kill_worker(process, log):
    """SIGKILL the worker's whole process group: what the OOM killer or a lost host does."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(15)
    log.close()


def wait_for(predicate, timeout, what, *, details=lambda: "", interval=0.1):
    """Poll `predicate` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{details()}")


def unacked_since(client, task_id) -> float | None:
    """When the transport handed the message of `task_id` to a worker (its `unacked_index`
    score), None while it is not held unacknowledged."""
    for tag, payload in client.hgetall("unacked").items():
        message, _exchange, _routing_key = json.loads(payload)
        if message.get("headers", {}).get("id") == task_id:
            return client.zscore("unacked_index", tag)
    return None


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pdf_rendering_survives_a_worker_killed_mid_task(tmp_path):
    # Large enough that rendering takes several seconds: 47 pages, 6 to 12 s in a fresh worker
    # on a 2-core machine, so that a kill 1.5 s after the task started lands mid-render.
    application = rich_dossier_application(years=50, partners=80, milestones=200, documents=30)
    submission = submit_snapshot(application)
    assert submission.pdf_status == Submission.PdfStatus.PENDING
    reference = submission.snapshot["reference"]
    queue = f"test-killed-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(settings.REDIS_URL)
    logs = {name: tmp_path / f"worker-{name}.log" for name in ("a", "b")}

    def log_text(name):
        return logs[name].read_text(errors="replace") if logs[name].exists() else ""

    def tails():
        return "\n".join(f"--- worker {n} ---\n{log_text(n)[-3000:]}" for n in logs)

    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    workers = []
    task_id = None
    try:
        worker_a = start_worker(f"killed-a-{queue}", queue, logs["a"])
        workers.append(worker_a)
        wait_for(lambda: " ready." in log_text("a"), STARTUP_TIMEOUT, "worker A", details=tails)

        task_id = render_submission_pdf_task.apply_async((submission.pk,), queue=queue).id
        received = f"render_submission_pdf_task[{task_id}] received"
        wait_for(lambda: received in log_text("a"), 30, "the task received", details=tails)
        # The solo pool runs the task right after logging its receipt, in the same process; the
        # message is then held by the transport, unacknowledged, until the task returns.
        delivered_at = wait_for(lambda: unacked_since(broker, task_id), 10, "the message unacked")
        time.sleep(1.5)  # well inside a rendering that takes several seconds
        submission.refresh_from_db()
        assert submission.pdf_status == Submission.PdfStatus.PENDING, "rendered too fast: " + tails()
        kill_worker(*worker_a)
        killed_at = time.time()

        # Killed mid-render: nothing stored, the message is neither lost nor back in the queue.
        submission.refresh_from_db()
        assert "succeeded" not in log_text("a")
        assert submission.pdf_status == Submission.PdfStatus.PENDING
        assert not submission.pdf and not submission.pdf_sha256
        assert not list((settings.MEDIA_ROOT / "submissions").glob("*.pdf"))
        assert unacked_since(broker, task_id) == delivered_at
        assert broker.llen(queue) == 0

        # Worker B restores messages held unacknowledged for longer than the visibility timeout
        # when it starts (then every 100 s): start it once the timeout has passed.
        time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 1 - time.time()))
        started_b = time.monotonic()
        worker_b = start_worker(f"killed-b-{queue}", queue, logs["b"])
        workers.append(worker_b)

        def stored():
            submission.refresh_from_db()
            if worker_b[0].poll() is not None:
                raise AssertionError("worker B died\n" + tails())
            return submission.pdf_status == Submission.PdfStatus.READY

        wait_for(stored, REDELIVERY_TIMEOUT, "the PDF stored", details=tails, interval=0.5)
        redelivered_in = time.monotonic() - started_b
        acknowledged = wait_for(lambda: unacked_since(broker, task_id) is None, 10, "the ack")
    finally:
        celery_app.conf.task_always_eager = was_eager
        for worker in workers:
            kill_worker(*worker)
        broker.delete(queue)
        if task_id:  # a failed run leaves nothing for a later worker to restore
            for tag, payload in broker.hgetall("unacked").items():
                if task_id in payload.decode(errors="replace"):
                    broker.hdel("unacked", tag)
                    broker.zrem("unacked_index", tag)
        broker.close()

    log_b = log_text("b")
    assert received in log_b and f"render_submission_pdf_task[{task_id}] succeeded" in log_b, tails()
    assert submission.pdf_rendered_at.timestamp() > killed_at
    assert acknowledged
    reader = PdfReader(submission.pdf.path)
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reference in text
    print(f"PDF of {len(reader.pages)} pages stored {redelivered_in:.1f} s after worker B started")
