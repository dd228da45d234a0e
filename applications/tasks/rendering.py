"""PDF rendering of submissions, started on commit by the workflow's effects.

Tasks take ids, re-fetch and call a service; they are idempotent, so a redelivered message
(acks_late, a worker killed mid-task) or a beat that fires twice does no harm. The periodic
schedule is in `cma_portal/celery.py`.
"""

import logging

from celery import shared_task
from django.db import transaction

from applications.models import Submission

logger = logging.getLogger(__name__)


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


def schedule_submission_pdf(submission_id: int) -> None:
    """Start rendering the PDF of a submission once the current transaction commits.

    The submission is saved whatever happens here: a broker that is down must never turn the
    applicant's request into an error. The status stays "pending" and the catch-up (or
    `manage.py render_pdf`) renders it later."""

    def start():
        try:
            render_submission_pdf_task.delay(submission_id)
        except Exception:
            logger.exception("could not start rendering the PDF of submission %s", submission_id)

    transaction.on_commit(start)
