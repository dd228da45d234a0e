"""PDF rendering of submissions, started on commit by the workflow's effects, and the catch-up
that starts it again for PDFs still pending (broker down at commit, worker killed mid-render).

Tasks take ids, re-fetch and call a service; they are idempotent, so a redelivered message
(acks_late, a worker killed mid-task), a re-queued one or a beat that fires twice does no harm.
The periodic schedule is in `cma_portal/celery.py`.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from applications.models import Submission
from cma_portal.tasks_dispatch import enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)

# A 47-page dossier renders in 6 to 12 s on a loaded 2-core machine: two minutes is a render
# gone wrong. The soft limit raises in the task (the PDF is marked failed, the task retries);
# the hard one kills the worker process (the message comes back, or the catch-up re-queues it).
PDF_SOFT_TIME_LIMIT = 120
PDF_TIME_LIMIT = 150
STALE_PDF_BATCH = 200


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
    from applications.pdf import submission_render_pdf

    return submission_render_pdf(submission_id=submission_id, force=force).pdf_sha256


def schedule_submission_pdf(submission_id: int) -> None:
    """Start rendering the PDF of a submission once the current transaction commits.

    The submission is saved whatever happens here: a broker that is down must never turn the
    applicant's request into an error. The status stays "pending" and `requeue_stale_pdfs_task`
    (or `manage.py catch_up`, `manage.py render_pdf`) renders it later."""
    enqueue_on_commit(render_submission_pdf_task, submission_id)


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
