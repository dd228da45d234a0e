"""Celery tasks of the review app: thin, take ids, re-fetch, call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from applications.models import Application
from reviews.selectors import REVIEWABLE_STATES
from reviews.services.assignments import assignments_auto
from reviews.services.reminders import review_reminders_sweep


@shared_task
def assign_reviewers_task(
    *, wave_id: int, actor_id: int | None = None, per_dossier: int | None = None
) -> int:
    """Automatic assignment for a whole wave (large waves from the command line or beat).
    Idempotent: dossiers that already have their reviewers get none more. Returns how many
    assignments were made."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    applications = Application.objects.filter(wave_id=wave_id, state__in=REVIEWABLE_STATES)
    made, _short = assignments_auto(applications=applications, actor=actor, per_dossier=per_dossier)
    return len(made)


@shared_task(acks_late=True)
def send_review_reminders_task() -> dict:
    """Reviewer reminders (D-7, D-1 before due dates); idempotent like every reminder."""
    return review_reminders_sweep()
