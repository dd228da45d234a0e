"""Expiry of dossiers whose deadline has passed (beat runs it every five minutes)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from applications.errors import TransitionError
from applications.models import Application
from applications.services.transitions import application_apply_transition
from applications.states import State

BATCH_SIZE = 500


def dossiers_expire(*, now: datetime | None = None) -> int:
    """Move every `dossier_draft` whose deadline has passed (`deadline < now`) to
    `dossier_expired` through the workflow service (actor: the system), and tell the owner.

    The deadline instant itself still belongs to the applicant: an application expires at the
    first instant after it. Idempotent: an application already moved (by a concurrent sweep, a
    last-second submission) is refused by the service under its row lock and skipped.

    Side effects per application: those of the `expire` row of `workflow.TRANSITIONS` (the email
    "expired" to the owner). Returns how many applications expired.
    """
    now = now or timezone.now()
    expired = 0
    candidates = Application.objects.filter(state=State.DOSSIER_DRAFT, dossier_deadline__lt=now).order_by(
        "pk"
    )
    for application in candidates.select_related("owner").iterator(chunk_size=BATCH_SIZE):
        try:
            with transaction.atomic():
                application_apply_transition(application=application, name="expire", actor=None, at=now)
        except TransitionError:
            continue
        expired += 1
    return expired
