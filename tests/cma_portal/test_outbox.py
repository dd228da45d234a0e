"""The transactional outbox: rows written with the change, delivered exactly once, retried,
caught up; starting tasks never fails the caller."""

import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from cma_portal.celery import app as celery_app
from cma_portal.emails import queue_email
from cma_portal.models import OutboxEmail
from cma_portal.outbox import SENDING_LEASE, outbox_catch_up, outbox_deliver
from cma_portal.tasks_dispatch import enqueue, enqueue_on_commit
from tests.cma_portal import test_email_smtp
from tests.cma_portal.test_email_smtp import CONTEXT, Sink, free_port
from tests.factories import UserFactory, administrator
from tests.redis_server import point_celery_at

pytestmark = pytest.mark.django_db
smtp_sink = test_email_smtp.smtp_sink  # the fixture: a local aiosmtpd server

State = OutboxEmail.State


def test_queue_email_writes_rows_in_the_callers_transaction(django_capture_on_commit_callbacks):
    english = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_email(
            recipients=[
                english,
                "Porteuse@univ-exemple.fr",
                "porteuse@univ-exemple.fr",
                UserFactory(is_active=False),
            ],
            template="reminder_dossier",
            context=CONTEXT,
        )
    rows = OutboxEmail.objects.order_by("pk")
    assert [(r.to, r.language, r.state) for r in rows] == [
        (english.email, "en", State.PENDING),
        ("Porteuse@univ-exemple.fr", "fr", State.PENDING),
    ]
    assert rows[0].context == CONTEXT and rows[0].template == "reminder_dossier"
    assert not mail.outbox and len(callbacks) == 1  # sent after commit, by one task
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.to for r in rows)
    assert "days left" in mail.outbox[0].body or "days left" in mail.outbox[1].body  # in English
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {State.SENT}


def test_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(recipients=["a@exemple.fr"], template="expired", context=CONTEXT)
        raise RuntimeError("the change fails")
    assert not OutboxEmail.objects.exists()
    assert not mail.outbox


def test_a_row_is_sent_once_whoever_asks(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(recipients=["a@exemple.fr"], template="expired", context=CONTEXT)
    row = OutboxEmail.objects.get()
    assert outbox_deliver(email_id=row.pk) == "skipped"  # a redelivered task
    later = timezone.now() + timedelta(hours=1)
    assert outbox_catch_up(now=later) == {}
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 1 and row.sent_at


def test_catch_up_waits_for_the_task_then_sends(settings):
    settings.OUTBOX_CATCH_UP_DELAY = 60
    # Outside any transaction: the task would start at once; with no broker it cannot.
    celery_app.conf.task_always_eager = False
    point_celery_at(celery_app, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        queue_email(recipients=["a@exemple.fr", "b@exemple.fr"], template="expired", context=CONTEXT)
    finally:
        point_celery_at(celery_app, settings.CELERY_BROKER_URL)
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert OutboxEmail.objects.filter(state=State.PENDING).count() == 2
    assert outbox_catch_up() == {}  # too early: the task sent on commit goes first
    assert outbox_catch_up(now=timezone.now() + timedelta(seconds=61)) == {"sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.fr", "b@exemple.fr"]


def test_enqueue_swallows_a_dead_broker(caplog, settings):
    from cma_portal.tasks import outbox_catch_up_task

    celery_app.conf.task_always_eager = False
    point_celery_at(celery_app, f"redis://127.0.0.1:{free_port()}/0")
    try:
        started = timezone.now()
        assert enqueue(outbox_catch_up_task) is False
        enqueue_on_commit(outbox_catch_up_task)  # outside a transaction: at once, no raise
        assert (timezone.now() - started).total_seconds() < 10
    finally:
        point_celery_at(celery_app, settings.CELERY_BROKER_URL)
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert "could not start cma_portal.tasks.outbox_catch_up_task" in caplog.text


@pytest.mark.smtp
def test_transient_smtp_error_retries_with_backoff_then_delivers(
    smtp_sink, django_capture_on_commit_callbacks
):
    sink = smtp_sink(busy=1)  # 451 to the first attempt
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(recipients=["a@exemple.fr"], template="expired", context=CONTEXT)
    row = OutboxEmail.objects.get()
    assert row.state == State.PENDING and row.attempts == 1 and "451" in row.last_error
    assert 10 <= (row.next_attempt_at - timezone.now()).total_seconds() <= 31  # 15-30 s, jittered
    assert outbox_catch_up() == {}  # not due yet
    assert outbox_catch_up(now=timezone.now() + timedelta(seconds=31)) == {"sent": 1}
    assert len(sink.messages) == 1
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 2 and row.last_error == ""


@pytest.mark.smtp
def test_permanent_smtp_error_marks_failed_without_retry(smtp_sink, django_capture_on_commit_callbacks):
    class Refusing(Sink):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 Destinataire inconnu"

    smtp_sink()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        from django.conf import settings

        settings.EMAIL_PORT = controller.port
        with django_capture_on_commit_callbacks(execute=True):
            queue_email(recipients=["inconnu@exemple.fr"], template="expired", context=CONTEXT)
    finally:
        controller.stop()
    row = OutboxEmail.objects.get()
    assert row.state == State.FAILED and row.attempts == 1 and "550" in row.last_error
    assert outbox_catch_up(now=timezone.now() + timedelta(days=1)) == {}


def test_template_bug_is_permanent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(recipients=["a@exemple.fr"], template="no_such_template", context={})
    assert OutboxEmail.objects.get().state == State.FAILED


def test_sender_that_died_is_replaced_after_the_lease():
    row = OutboxEmail.objects.create(
        to="a@exemple.fr",
        template="expired",
        context=CONTEXT,
        state=State.SENDING,
        attempts=1,
        claimed_at=timezone.now(),
    )
    assert outbox_catch_up(now=timezone.now() + SENDING_LEASE - timedelta(seconds=5)) == {}
    assert outbox_catch_up(now=timezone.now() + SENDING_LEASE + timedelta(seconds=5)) == {
        "sent": 1,
        "released": 1,
    }
    row.refresh_from_db()
    assert row.state == State.SENT and row.attempts == 2 and len(mail.outbox) == 1


def test_catch_up_command_prints_counts(capsys, settings):
    settings.OUTBOX_CATCH_UP_DELAY = 0
    OutboxEmail.objects.create(to="a@exemple.fr", template="expired", context=CONTEXT)
    call_command("catch_up")
    out = capsys.readouterr().out
    assert "cma_portal.tasks.outbox_catch_up_task: {'sent': 1}" in out
    assert "applications.tasks.rendering.requeue_stale_pdfs_task: 0" in out
    assert len(mail.outbox) == 1


def test_administrators_see_the_backlog(rf):
    """The admin changelist (behind the second factor in the portal, called directly here)."""
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    OutboxEmail.objects.create(to="en-attente@exemple.fr", template="expired", state=State.PENDING)
    OutboxEmail.objects.create(
        to="echec@exemple.fr", template="expired", state=State.FAILED, last_error="550"
    )
    model_admin = admin.site._registry[OutboxEmail]

    def request(method, path, data=None):
        made = getattr(rf, method)(path, data or {})
        made.user = administrator(is_superuser=True, is_staff=True)
        made.session = {}
        made._messages = FallbackStorage(made)
        made._dont_enforce_csrf_checks = True
        return made

    response = model_admin.changelist_view(
        request("get", "/admin/cma_portal/outboxemail/", {"state__exact": "failed"})
    )
    page = response.render().content.decode()
    assert response.status_code == 200 and "echec@exemple.fr" in page and "en-attente@exemple.fr" not in page
    ids = list(OutboxEmail.objects.values_list("pk", flat=True))
    post = request(
        "post", "/admin/cma_portal/outboxemail/", {"action": "send_again", "_selected_action": ids}
    )
    assert model_admin.changelist_view(post).status_code == 302
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {State.PENDING}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_once():
    """Eight threads (own connections) deliver the same forty rows at once: forty emails."""
    rows = OutboxEmail.objects.bulk_create(
        OutboxEmail(to=f"p{n}@exemple.fr", template="expired", context=CONTEXT) for n in range(40)
    )
    ids = [row.pk for row in rows]
    barrier = threading.Barrier(8)
    outcomes = []

    def deliver():
        barrier.wait(10)
        try:
            outcomes.extend(outbox_deliver(email_id=pk) for pk in ids)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("sent") == 40 and outcomes.count("skipped") == 7 * 40
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@exemple.fr" for n in range(40))


def test_batch_writes_its_rows_at_once_and_nothing_on_error(django_assert_num_queries):
    from cma_portal.emails import queue_emails_batch

    with queue_emails_batch():
        with django_assert_num_queries(0):
            queue_email(recipients=["a@exemple.fr"], template="expired", context=CONTEXT)
            queue_email(recipients=["b@exemple.fr", "c@exemple.fr"], template="expired", context=CONTEXT)
    assert OutboxEmail.objects.count() == 3
    with pytest.raises(RuntimeError), queue_emails_batch():
        queue_email(recipients=["d@exemple.fr"], template="expired", context=CONTEXT)
        raise RuntimeError("the batch fails")
    assert not OutboxEmail.objects.filter(to="d@exemple.fr").exists()
