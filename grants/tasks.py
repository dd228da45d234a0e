"""Periodic work of the grant phase: report reminders, and projects whose start date came.

Tasks call a service and are idempotent; the schedule is in `cma_portal/celery.py`."""

import logging

from celery import shared_task
from django.utils import timezone

from grants.services.reminders import report_reminders_sweep
from grants.services.starts import agreements_start_due

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_report_reminders_task() -> dict:
    counts = report_reminders_sweep(now=timezone.now())
    counts["started"] = agreements_start_due(now=timezone.now())
    logger.info("grant sweep: %s", counts)
    return counts
