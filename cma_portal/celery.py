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

# The catch-ups that make up for a broker outage or a killed worker; `manage.py catch_up` runs
# them by hand, in this order, without the broker.
CATCH_UP_TASKS = [
    "cma_portal.tasks.outbox_catch_up_task",
    "applications.tasks.rendering.requeue_stale_pdfs_task",
]

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
    "grant-report-reminder-sweep": {
        "task": "grants.tasks.send_report_reminders_task",
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
    # Transactional outbox: emails still pending (broker down at commit, transient SMTP error).
    "outbox-catch-up": {
        "task": "cma_portal.tasks.outbox_catch_up_task",
        "schedule": crontab(minute="*"),
    },
    # Submission PDFs still pending PDF_CATCH_UP_MINUTES after submission (broker down at
    # commit, worker killed mid-render) are queued again; every 5 minutes, so that a backlog
    # gets one extra message per PDF at most every 5 minutes.
    "requeue-stale-pdfs": {
        "task": "applications.tasks.rendering.requeue_stale_pdfs_task",
        "schedule": crontab(minute="*/5"),
    },
}

# Request ids into task headers, task outcomes counted for /metrics.
from cma_portal import observability  # noqa: E402, F401

# Tests only (tests/cma_portal/test_embedded_scheduler.py): every entry above runs every
# CELERY_BEAT_EVERY_SECONDS seconds. The same jobs from the same table, a shorter period.
if os.environ.get("CELERY_BEAT_EVERY_SECONDS"):
    for _entry in app.conf.beat_schedule.values():
        _entry["schedule"] = float(os.environ["CELERY_BEAT_EVERY_SECONDS"])
