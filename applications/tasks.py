"""Background work of applications: reminders, expiry, PDF rendering.

Tasks take ids, re-fetch and call a service; they are idempotent, so a redelivered message
(acks_late, a worker killed mid-task) or a beat that fires twice does no harm. The periodic
schedule is in `cma_portal/celery.py`.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cma_portal.tasks_dispatch import enqueue

from . import services
from .models import Submission

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_reminders_task() -> dict:
    from .reminders import reminders_sweep

    counts = reminders_sweep(now=timezone.now())
    logger.info("reminder sweep: %s", counts or "nothing due")
    return counts


@shared_task(acks_late=True)
def expire_dossiers_task() -> int:
    from .reminders import dossiers_expire

    return dossiers_expire(now=timezone.now())


# A 47-page dossier renders in 6 to 12 s on a loaded 2-core machine: two minutes is a render
# gone wrong. The hard limit kills the worker process (the message comes back); the soft one
# raises in the task, which marks the PDF failed and retries.
PDF_SOFT_TIME_LIMIT = 120
PDF_TIME_LIMIT = 150


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    # A submission that does not exist will not appear by retrying.
    dont_autoretry_for=(Submission.DoesNotExist,),
    retry_backoff=10,
    # A retry waits in the worker as an unacknowledged ETA message: keep it well under the
    # broker's visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS), or it would run twice.
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=PDF_SOFT_TIME_LIMIT,
    time_limit=PDF_TIME_LIMIT,
)
def render_submission_pdf_task(submission_id: int, force: bool = False) -> str:
    from .pdf import submission_render_pdf

    return submission_render_pdf(submission_id=submission_id, force=force).pdf_sha256


STALE_PDF_BATCH = 200


def submissions_requeue_stale_pdfs(
    *, older_than: timedelta, now=None, limit: int = STALE_PDF_BATCH
) -> list[int]:
    """Start rendering again the PDFs still pending `older_than` after their submission: the
    task was never published (broker down at commit) or its worker died mid-render. Rendering
    is idempotent (a PDF already ready is left alone), so a duplicate costs one lookup.
    Returns the submission ids it could queue."""
    now = now or timezone.now()
    stale = (
        Submission.objects.filter(pdf_status=Submission.PdfStatus.PENDING, submitted_at__lte=now - older_than)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    queued = [pk for pk in stale if enqueue(render_submission_pdf_task, pk)]
    if queued:
        logger.warning("re-queued %s pending PDFs older than %s: %s", len(queued), older_than, queued)
    return queued


@shared_task(acks_late=True)
def requeue_stale_pdfs_task(older_than_minutes: float | None = None) -> int:
    """Beat entry (every 5 minutes), and `manage.py catch_up`."""
    if older_than_minutes is None:
        older_than_minutes = settings.PDF_CATCH_UP_MINUTES
    return len(submissions_requeue_stale_pdfs(older_than=timedelta(minutes=older_than_minutes)))


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
    # The submission is committed: never fail the applicant's request for its PDF. If the task
    # cannot be started the status stays "pending" and `requeue_stale_pdfs_task` queues it again.
    enqueue(render_submission_pdf_task, submission.pk)


@services.on_transition("submit_letter")
def _render_letter_receipt(application, actor, note, data):
    schedule_submission_pdf(application, actor, note, data, kind=Submission.Kind.LETTER)


@services.on_transition("submit_dossier")
def _render_dossier_pdf(application, actor, note, data):
    schedule_submission_pdf(application, actor, note, data, kind=Submission.Kind.DOSSIER)
