"""Background work of applications: reminders, expiry, PDF rendering.

Tasks take ids, re-fetch and call a service; they are idempotent, so a redelivered message
(acks_late, a worker killed mid-task) or a beat that fires twice does no harm. The periodic
schedule is in `cma_portal/celery.py`.
"""

import logging

from celery import shared_task
from django.utils import timezone

from applications import services
from applications.models import Submission

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_reminders_task() -> dict:
    from applications.reminders import reminders_sweep

    counts = reminders_sweep(now=timezone.now())
    logger.info("reminder sweep: %s", counts or "nothing due")
    return counts


@shared_task(acks_late=True)
def expire_dossiers_task() -> int:
    from applications.reminders import dossiers_expire

    return dossiers_expire(now=timezone.now())


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    # A submission that does not exist will not appear by retrying.
    dont_autoretry_for=(Submission.DoesNotExist,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def render_submission_pdf_task(submission_id: int, force: bool = False) -> str:
    from applications.pdf import submission_render_pdf

    return submission_render_pdf(submission_id=submission_id, force=force).pdf_sha256


def schedule_submission_pdf(application, actor, note: str, data: dict, *, kind: str) -> None:
    """Start rendering the PDF of the latest submission of `kind` (called on commit)."""
    submission = (
        Submission.objects.filter(application_id=application.pk, kind=kind)
        .order_by("-submitted_at", "-id")
        .only("pk")
        .first()
    )
    if submission is None:
        return
    try:
        render_submission_pdf_task.delay(submission.pk)
    except Exception:
        # The submission is committed: never fail the applicant's request for its PDF. The
        # status stays "pending"; `manage.py render_pdf` renders it again.
        logger.exception("could not start rendering the PDF of submission %s", submission.pk)


@services.on_transition("submit_letter")
def _render_letter_receipt(application, actor, note, data):
    schedule_submission_pdf(application, actor, note, data, kind=Submission.Kind.LETTER)


@services.on_transition("submit_dossier")
def _render_dossier_pdf(application, actor, note, data):
    schedule_submission_pdf(application, actor, note, data, kind=Submission.Kind.DOSSIER)
