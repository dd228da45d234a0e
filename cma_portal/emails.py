"""Email sending. Each email is a template triple under `templates/emails/`:
`<name>_subject.txt`, `<name>.txt` and `<name>.html`, rendered in the recipient's language.

Services call `queue_email`, which writes one `OutboxEmail` row per recipient in the caller's
transaction and, once it commits, starts a task that sends them (eager in the embedded default).
A broker outage only delays them: the periodic catch-up sends what is still pending
(`cma_portal/outbox.py`, which also retries transient SMTP errors with backoff).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.utils import timezone

from cma_portal.mail import render_email, send_email_now
from cma_portal.models import OutboxEmail
from cma_portal.outbox import outbox_first_attempt_at
from cma_portal.tasks import deliver_outbox_emails_task
from cma_portal.tasks_dispatch import enqueue_on_commit

__all__ = ["queue_email", "queue_emails_batch", "render_email", "send_email_now"]


def queue_email(*, recipients, template: str, context: dict) -> None:
    """Send `template` to each recipient (users or email strings), once the caller's transaction
    commits: one outbox row per recipient, written in that transaction (or at once outside
    one), rendered when sent in the recipient's language. Never raises for the broker.

    `context` must be JSON-serialisable: it is stored with the row.
    """
    User = get_user_model()
    targets: list[tuple[str, str]] = []
    seen: set[str] = set()
    for recipient in recipients:
        if isinstance(recipient, User):
            if not recipient.is_active:
                continue
            email, language = recipient.email, recipient.preferred_language
        else:
            email, language = str(recipient), "fr"
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        targets.append((email, language or "fr"))
    if not targets:
        return
    now = timezone.now()
    rows = [
        OutboxEmail(
            to=email,
            language=language,
            template=template,
            context=context,
            created_at=now,
            next_attempt_at=outbox_first_attempt_at(now),
        )
        for email, language in targets
    ]
    batch = _batch.get()
    if batch is not None:
        batch.extend(rows)
        return
    _write(rows)


def _write(rows: list[OutboxEmail]) -> None:
    if rows:
        created = OutboxEmail.objects.bulk_create(rows)
        enqueue_on_commit(deliver_outbox_emails_task, [row.pk for row in created])


_batch: ContextVar[list | None] = ContextVar("queue_email_batch", default=None)


@contextmanager
def queue_emails_batch():
    """Inside this block, `queue_email` collects its rows; they are written with one INSERT
    (and one task started on commit) when the block ends without error. For loops that queue
    many emails in one transaction (the reminder sweep): a fixed number of queries per batch."""
    if _batch.get() is not None:  # already batching: the outer block writes
        yield
        return
    rows: list[OutboxEmail] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    _write(rows)
