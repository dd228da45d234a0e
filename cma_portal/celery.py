"""Celery application. The periodic schedule lives here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cma_portal.settings")

app = Celery("cma_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules that are not an app's `tasks.py`.
app.conf.imports = ("applications.tasks.rendering", "applications.tasks.periodic")

# Every periodic job of the portal. Tasks are idempotent, so a beat that fires twice
# (two beat processes, a restart) does no harm.
app.conf.beat_schedule = {
    "reminder-sweep": {
        "task": "applications.tasks.periodic.send_reminders_task",
        "schedule": crontab(minute="*/15"),
    },
    "review-reminder-sweep": {
        "task": "reviews.tasks.send_review_reminders_task",
        "schedule": crontab(minute="*/15"),
    },
    "expire-dossiers": {
        "task": "applications.tasks.periodic.expire_dossiers_task",
        "schedule": crontab(minute="*/5"),
    },
    # Waves created to open later are announced by this sweep once their opening has passed.
    "announce-opened-waves": {
        "task": "waves.tasks.announce_due_waves_task",
        "schedule": crontab(minute="*"),
    },
}
