"""Email sending task: retries transient failures with exponential backoff, fails fast on
permanent ones (a refused recipient, a 5xx answer, a missing template)."""

import random
import smtplib

from celery import shared_task

from cma_portal.emails import send_email_now

RETRY_BACKOFF = 30  # seconds before the first retry, doubled each time
# A retry waits in a worker as an unacknowledged ETA message; past the broker's visibility
# timeout (1 h) Redis would hand it to a second worker and the email would go twice. Half of it.
RETRY_BACKOFF_MAX = 1800
MAX_RETRIES = 8


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


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_email_task(self, *, to: str, template: str, context: dict, language: str = "fr"):
    try:
        send_email_now(to=to, template=template, context=context, language=language)
    except Exception as exc:
        if not is_transient(exc):
            raise
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
