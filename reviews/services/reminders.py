"""Reviewer reminders: D-7 and D-1 before an assignment's due date, on the machinery of
`applications.services.reminders` (claimed once per target, kind and due date)."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from applications.services.reminders import (
    BATCH_SIZE,
    REVIEW_OFFSETS,
    Planned,
    batched,
    deadline_context,
    nearest_due,
    send_planned,
)
from reviews.models import Assignment


def review_assignment_reminders(now: datetime, batch_size: int) -> Iterable[list[Planned]]:
    """REVIEW_D7 / REVIEW_D1 to reviewers of active assignments (interests to declare or
    accepted) whose review is not submitted yet, before `Assignment.due_at`."""
    horizon = now + max(REVIEW_OFFSETS.values())
    queryset = (
        Assignment.objects.filter(
            state__in=Assignment.ACTIVE_STATES, due_at__gt=now, due_at__lte=horizon, reviewer__is_active=True
        )
        .exclude(review__state="submitted")
        .select_related("reviewer", "application")
    )
    for batch in batched(queryset, batch_size):
        planned = []
        for assignment in batch:
            due = nearest_due(assignment.due_at, REVIEW_OFFSETS, now)
            if due is None:
                continue
            kind, due_at = due
            application = assignment.application
            planned.append(
                Planned(
                    kind=kind,
                    target_type=Assignment._meta.label_lower,
                    target_id=str(assignment.pk),
                    due_at=due_at,
                    deadline=assignment.due_at,
                    recipients=[assignment.reviewer],
                    application=application,
                    template="reminder_review",
                    context={
                        **deadline_context(application, assignment.due_at, now),
                        "kind": kind,
                        "url": _review_url(assignment),
                    },
                )
            )
        yield planned


def _review_url(assignment) -> str:
    return reverse("evaluation:assignment", args=[assignment.pk])


def review_reminders_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Send the reviewer reminders due at `now` (once each, like every reminder); return the
    count per kind."""
    now = now or timezone.now()
    counts: Counter = Counter()
    for planned in review_assignment_reminders(now, batch_size):
        send_planned(planned, now, counts)
    return dict(counts)
