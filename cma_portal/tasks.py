"""Email tasks. The outbox (`cma_portal/outbox.py`) does the work: these only call it.

- `deliver_outbox_emails_task`: started on commit by `emails.queue_email` for the rows it wrote;
- `outbox_catch_up_task`: every minute (beat, `cma_portal/celery.py`), sends what is still
  pending — the broker was down at commit, or a transient SMTP error put a row back;
- `send_email_task`: the pre-outbox task, kept so that messages still queued when the outbox
  was deployed are delivered; nothing queues it any more.
"""

from celery import shared_task

from cma_portal.mail import send_email_now
from cma_portal.outbox import is_transient, outbox_catch_up, outbox_deliver_many, retry_countdown

__all__ = ["is_transient", "retry_countdown"]

MAX_RETRIES = 8
LEGACY_RETRY_MAX = 120  # below the broker's visibility timeout: an ETA message is held unacked


@shared_task(acks_late=True)  # time limits: CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT
def deliver_outbox_emails_task(email_ids: list[int]) -> dict:
    return outbox_deliver_many(email_ids=email_ids)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def outbox_catch_up_task() -> dict:
    return outbox_catch_up()


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_email_task(self, *, to: str, template: str, context: dict, language: str = "fr"):
    try:
        send_email_now(to=to, template=template, context=context, language=language)
    except Exception as exc:
        if not is_transient(exc):
            raise
        countdown = min(retry_countdown(self.request.retries), LEGACY_RETRY_MAX)
        raise self.retry(exc=exc, countdown=countdown) from exc
