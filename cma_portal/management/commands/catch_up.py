"""`manage.py catch_up`: run the periodic catch-ups once, here, without the broker.

Sends the outbox emails that are due and queues again the submission PDFs still pending (with
`--render-here`, renders them in this process: for when no worker is running)."""

from django.core.management.base import BaseCommand

from cma_portal.celery import CATCH_UP_TASKS
from cma_portal.celery import app as celery_app


class Command(BaseCommand):
    help = "Envoie les courriels en attente et relance les PDF de dépôt encore en attente."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pdf-after",
            type=float,
            default=None,
            help="Minutes after which a pending PDF is queued again (default PDF_CATCH_UP_MINUTES).",
        )
        parser.add_argument(
            "--render-here", action="store_true", help="Render the PDFs in this process, not in a worker."
        )

    def handle(self, *args, pdf_after=None, render_here=False, **options):
        was_eager = celery_app.conf.task_always_eager
        if render_here:
            celery_app.conf.task_always_eager = True
        try:
            for name in CATCH_UP_TASKS:
                task = celery_app.tasks[name]
                kwargs = {"older_than_minutes": pdf_after} if "pdf" in name else {}
                # `.result` of the eager run, not `.get()`: `get` refuses to run wherever Celery
                # believes it is inside a worker (after a worker was started in this process).
                result = task.apply(kwargs=kwargs, throw=True).result
                self.stdout.write(f"{name}: {result}")
        finally:
            celery_app.conf.task_always_eager = was_eager
