import smtplib

from celery import shared_task

from .emails import send_email_now


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_email_task(self, *, to: str, template: str, context: dict, language: str = "fr"):
    send_email_now(to=to, template=template, context=context, language=language)
