"""Redis stopped for real (a private `redis-server`, SIGKILLed): saving still works.

With the broker and the cache down, a letter submit, a dossier submit and a message post
answer their normal confirmation page, their rows are saved and their emails wait in the outbox.
Login works too (the rate-limit cache degrades to misses). Once Redis is back, the catch-up —
by hand here, from a real worker in `test_worker_delivers_after_redis_returns` — delivers every
email exactly once and renders the pending PDFs.
"""

import html
import os
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client

from applications.models import Message, Submission
from applications.workflow import State
from cma_portal.models import OutboxEmail
from tests import fixtures_files as ff
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.applications.test_dossier_views import dossier_application, fill_dossier, url
from tests.applications.test_worker import test_database_url
from tests.cma_portal.test_email_smtp import Sink
from tests.factories import PASSWORD, SubmittedLetterFactory, UserFactory, programme_manager
from tests.redis_server import free_port, private_redis  # noqa: F401 — the fixture

WORKER_TIMEOUT = 90  # a worker started on a loaded 2-core machine, then a PDF and the emails


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def submit_everything_with_redis_down(server) -> dict:
    """Stop Redis, then submit a letter, a dossier and a message through the views; check each
    answers its normal page and is saved. Returns what was submitted."""
    manager = programme_manager()
    letter = draft_ready_to_submit()
    dossier = dossier_application()
    thread = SubmittedLetterFactory(title="Juristes du numérique en santé")
    letter_client, dossier_client, thread_client = Client(), Client(), Client()
    letter_client.force_login(letter.owner)
    dossier_client.force_login(dossier.owner)
    thread_client.force_login(thread.owner)
    fill_dossier(dossier_client, dossier)  # uploads and sections, while Redis is up

    server.stop()  # SIGKILL: no goodbye to the clients
    started = time.monotonic()

    data = letter_data(letter, submit="1", letter=ff.pdf_upload(2))
    response = letter_client.post(f"/candidatures/{letter.pk}/lettre/", data, follow=True)
    letter.refresh_from_db()
    assert letter.state == State.LI_SUBMITTED
    submission = Submission.objects.get(application=letter, kind=Submission.Kind.LETTER)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/candidatures/{letter.pk}/depots/{submission.pk}/"
    assert "Accusé de dépôt" in page_text(response) and letter.reference in page_text(response)

    response = dossier_client.post(url("dossier_submit", dossier), follow=True)
    dossier.refresh_from_db()
    assert dossier.state == State.DOSSIER_SUBMITTED
    assert response.status_code == 200
    assert "Votre dossier complet a été déposé le" in page_text(response)

    response = thread_client.post(
        f"/candidatures/{thread.pk}/messages/", {"message-body": "Redis est-il tombé ?"}, follow=True
    )
    assert response.status_code == 200
    assert "Votre message a été envoyé aux chargés de programme." in page_text(response)
    assert Message.objects.filter(application=thread, body="Redis est-il tombé ?").exists()
    elapsed = time.monotonic() - started

    pending = OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING)
    by_template = {
        t: sorted(pending.filter(template=t).values_list("to", flat=True))
        for t in set(pending.values_list("template", flat=True))
    }
    assert by_template["letter_submitted"] == [letter.owner.email]
    assert sorted(by_template["dossier_submitted"]) == sorted([dossier.owner.email, manager.email])
    assert by_template["message_to_staff"] == [manager.email]
    pdfs = Submission.objects.filter(application__in=[letter, dossier])
    assert {s.pdf_status for s in pdfs} == {Submission.PdfStatus.PENDING}
    return {"letter": letter, "dossier": dossier, "pdfs": list(pdfs), "seconds": elapsed}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_submits_with_redis_down_then_catch_up_delivers_once(private_redis, settings):  # noqa: F811
    settings.OUTBOX_CATCH_UP_DELAY = 0  # the catch-up may take the rows at once
    submitted = submit_everything_with_redis_down(private_redis)
    assert submitted["seconds"] < 20, submitted["seconds"]  # three requests, each failing fast
    assert not mail.outbox
    expected = Counter(OutboxEmail.objects.values_list("to", "template"))

    private_redis.start()
    assert private_redis.client().ping()
    call_command("catch_up", "--pdf-after", "0", "--render-here")
    call_command("catch_up", "--pdf-after", "0", "--render-here")  # twice: nothing more

    assert len(mail.outbox) == sum(expected.values()) == 4
    assert Counter(m.to[0] for m in mail.outbox) == Counter(to for to, _template in expected)
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxEmail.State.SENT}
    subjects = " ".join(m.subject for m in mail.outbox)
    assert submitted["letter"].reference in subjects and submitted["dossier"].reference in subjects
    for submission in submitted["pdfs"]:
        submission.refresh_from_db()
        assert submission.pdf_status == Submission.PdfStatus.READY
        assert submission.pdf.storage.exists(submission.pdf.name)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_login_works_with_redis_down(private_redis):  # noqa: F811
    user = UserFactory()
    client = Client()
    private_redis.stop()
    started = time.monotonic()
    response = client.post("/compte/login/", {"login": user.email, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert client.get("/candidatures/").status_code == 200
    assert client.get("/").status_code == 200
    assert time.monotonic() - started < 10
    # Back up: the rate-limit counters are kept in Redis again.
    private_redis.start()
    Client().post("/compte/login/", {"login": user.email, "password": "mauvais mot de passe"})
    assert any(b"login_failed" in key for key in private_redis.client().keys("*"))


def start_worker(server, log_path, smtp_port):
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": server.url,
        "TESTING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "OUTBOX_CATCH_UP_DELAY": "0",
        "PDF_CATCH_UP_MINUTES": "0",
        "DJANGO_SETTINGS_MODULE": "cma_portal.settings",
    }
    env.pop("CELERY_VISIBILITY_TIMEOUT", None)
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
            f"outage-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_delivers_after_redis_returns(private_redis, settings, tmp_path):  # noqa: F811
    """The same outage; then Redis and a real worker come back and the beat's two catch-up
    tasks run (published here as beat would): each email reaches the SMTP server once, and both
    PDFs are rendered by the worker."""
    from tests.applications.test_worker import stop_worker

    settings.OUTBOX_CATCH_UP_DELAY = 0
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    submitted = submit_everything_with_redis_down(private_redis)
    expected = Counter(OutboxEmail.objects.values_list("to", flat=True))

    private_redis.start()
    worker, log = start_worker(private_redis, tmp_path / "worker.log", smtp.port)
    try:
        from applications.tasks.rendering import requeue_stale_pdfs_task
        from cma_portal.tasks import outbox_catch_up_task

        outbox_catch_up_task.delay()
        requeue_stale_pdfs_task.delay(0)
        outbox_catch_up_task.delay()  # a beat that fires twice does no harm
        deadline = time.monotonic() + WORKER_TIMEOUT
        while time.monotonic() < deadline and worker.poll() is None:
            done = not OutboxEmail.objects.exclude(state=OutboxEmail.State.SENT).exists()
            rendered = all(
                Submission.objects.get(pk=s.pk).pdf_status == Submission.PdfStatus.READY
                for s in submitted["pdfs"]
            )
            if done and rendered:
                break
            time.sleep(0.5)
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        stop_worker(worker, log)
        smtp.stop()
    worker_log = (tmp_path / "worker.log").read_text(errors="replace")[-4000:]
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxEmail.State.SENT}, worker_log
    assert Counter(envelope.rcpt_tos[0] for envelope in sink.envelopes) == expected, worker_log
    for submission in submitted["pdfs"]:
        submission.refresh_from_db()
        assert submission.pdf_status == Submission.PdfStatus.READY, worker_log
