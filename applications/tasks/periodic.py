"""Periodic work of applications: the reminder sweep and the expiry of dossiers.

Tasks take ids (or nothing), call a service and are idempotent, so a beat that fires twice
does no harm. The schedule is in `cma_portal/celery.py`.
"""

import logging

from celery import shared_task
from django.utils import timezone

from applications.services.expiry import dossiers_expire
from applications.services.reminders import reminders_sweep

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_reminders_task() -> dict:
    counts = reminders_sweep(now=timezone.now())
    logger.info("reminder sweep: %s", counts or "nothing due")
    return counts


@shared_task(acks_late=True)
def expire_dossiers_task() -> int:
    return dossiers_expire(now=timezone.now())
