"""Delivery of the transactional outbox (`OutboxEmail` rows written by `emails.queue_email`).

A row is delivered by the task started on commit (`deliver_outbox_emails_task`) or, when that
task could not be started (broker down) or a transient SMTP error put the row back, by the
periodic catch-up (`outbox_catch_up_task`, every minute; `manage.py catch_up` by hand).

Exactly once: whoever sends a row first claims it with a conditional UPDATE
(`… SET state='sending' WHERE id=… AND state='pending'`); a second task, a redelivered message or
a concurrent catch-up finds nothing to claim. A sender that dies between the claim and the mark
leaves the row "sending": after `SENDING_LEASE` the catch-up puts it back (that email may then go
twice — the one window where "at least once" wins over "at most once").
"""

import logging
import random
import smtplib
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from cma_portal.models import OutboxEmail

logger = logging.getLogger(__name__)

RETRY_BACKOFF = 30  # seconds before the first retry, doubled each time
RETRY_BACKOFF_MAX = 1800
MAX_ATTEMPTS = 8
# Longer than any send (EMAIL_TIMEOUT is 30 s per SMTP step) and than the catch-up task's hard
# time limit: a row "sending" for longer has lost its sender.
SENDING_LEASE = timedelta(minutes=10)
CATCH_UP_BATCH = 200  # rows per catch-up run; the next run (a minute later) takes the rest

State = OutboxEmail.State


def is_transient(exc: BaseException) -> bool:
    """Whether sending again later may succeed.

    Transient: the server went away or could not be reached, timeouts, and 4xx answers
    ("try again later"). Permanent: SMTPRecipientsRefused (every recipient refused), 5xx answers,
    authentication failures, and any non-network error (a template bug does not heal itself).
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, ConnectionError | TimeoutError)


def retry_countdown(retries: int) -> int:
    """30 s, 60 s, 120 s … capped at half an hour, with full jitter so that a burst of failures does
    not come back all at once."""
    ceiling = min(RETRY_BACKOFF_MAX, RETRY_BACKOFF * 2**retries)
    return random.randint(ceiling // 2, ceiling)  # noqa: S311 — jitter, not a secret


def outbox_first_attempt_at(now: datetime) -> datetime:
    """When the catch-up may take a row written at `now`."""
    return now + timedelta(seconds=settings.OUTBOX_CATCH_UP_DELAY)


def outbox_deliver(*, email_id: int, due_only: bool = False, now: datetime | None = None) -> str:
    """Send outbox row `email_id` if this caller claims it; returns what became of it:
    "sent", "retry" (transient error, back to pending with a backoff), "failed" (permanent), or
    "skipped" (someone else has it, it is done, or it is not due).

    `due_only` (the catch-up): only a row whose `next_attempt_at` has passed. Otherwise (the
    task sent on commit) also a row never tried yet, whatever its `next_attempt_at`.
    """
    from cma_portal.mail import send_email_now

    now = now or timezone.now()
    claimable = OutboxEmail.objects.filter(pk=email_id, state=State.PENDING)
    due = Q(next_attempt_at__lte=now)
    claimable = claimable.filter(due if due_only else due | Q(attempts=0))
    if not claimable.update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1):
        return "skipped"
    row = OutboxEmail.objects.get(pk=email_id)
    mine = OutboxEmail.objects.filter(pk=email_id, state=State.SENDING, claimed_at=now)
    try:
        send_email_now(to=row.to, template=row.template, context=row.context, language=row.language)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_transient(exc) and row.attempts < MAX_ATTEMPTS:
            retry_at = timezone.now() + timedelta(seconds=retry_countdown(row.attempts - 1))
            mine.update(state=State.PENDING, next_attempt_at=retry_at, last_error=error)
            logger.warning("email %s to %s: %s; retry at %s", row.pk, row.to, error, retry_at)
            return "retry"
        mine.update(state=State.FAILED, last_error=error)
        logger.exception("email %s to %s failed for good after %s attempts", row.pk, row.to, row.attempts)
        return "failed"
    mine.update(state=State.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def outbox_deliver_many(*, email_ids: list[int]) -> dict[str, int]:
    return dict(Counter(outbox_deliver(email_id=email_id) for email_id in email_ids))


def outbox_catch_up(*, now: datetime | None = None, limit: int = CATCH_UP_BATCH) -> dict[str, int]:
    """Send what is due: pending rows past their `next_attempt_at`, and rows whose sender died
    (claimed longer than `SENDING_LEASE` ago). Returns counts per outcome."""
    now = now or timezone.now()
    released = OutboxEmail.objects.filter(state=State.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        state=State.PENDING, next_attempt_at=now
    )
    if released:
        logger.warning("outbox: %s emails claimed over %s ago put back", released, SENDING_LEASE)
    due = (
        OutboxEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = Counter(outbox_deliver(email_id=email_id, due_only=True, now=now) for email_id in list(due))
    if released:
        counts["released"] = released
    return dict(counts)


def outbox_backlog() -> dict[str, int]:
    """Rows per state that are not sent yet (what staff watch in the admin)."""
    rows = OutboxEmail.objects.exclude(state=State.SENT).values_list("state").annotate(n=Count("pk"))
    return dict(rows.order_by())
