"""Announcing an opened wave to the users who opted in: claimed once, sent in batches."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cma_portal.audit import audit_record
from cma_portal.emails import queue_email
from waves.deadlines import PARIS
from waves.models import Wave

ANNOUNCEMENT_BATCH_SIZE = 200


# The beat only announces waves that opened recently: a wave forgotten for weeks is no news.
ANNOUNCEMENT_WINDOW = timedelta(days=7)


def wave_claim_announcement(*, wave_id: int, at: datetime | None = None) -> bool:
    """Claim the right to announce `wave_id`: True for exactly one caller, once the wave has
    opened. A conditional UPDATE, so concurrent tasks and beats cannot both win."""
    at = at or timezone.now()
    claimed = Wave.objects.filter(pk=wave_id, announced_at__isnull=True, opens_at__lte=at).update(
        announced_at=at
    )
    return claimed == 1


def announcement_recipient_ids() -> list[int]:
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, notify_announcements=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def announcement_context(wave: Wave) -> dict:
    opens = wave.opens_at.astimezone(PARIS)
    closes = wave.effective_closes_at()
    return {
        "wave_name_fr": wave.name_fr,
        "wave_name_en": wave.name_en or wave.name_fr,
        "opens_at": opens.strftime("%d/%m/%Y %H:%M"),
        "closes_at": closes.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if closes else "",
        "rolling": wave.mode == Wave.Mode.ROLLING,
        "actions": [a.number for a in wave.actions.all()],
    }


@transaction.atomic
def wave_audit_announcement(*, wave: Wave, recipients: int) -> None:
    audit_record(actor=None, verb="wave_announced", obj=wave, data={"recipients": recipients})


def wave_send_announcement_batch(*, wave_id: int, user_ids: list[int]) -> int:
    """Queue the announcement to the users `user_ids` who are still active and opted in.
    Returns how many were queued."""
    User = get_user_model()
    wave = Wave.objects.with_call().get(pk=wave_id)
    users = list(User.objects.filter(pk__in=user_ids, is_active=True, notify_announcements=True))
    queue_email(recipients=users, template="wave_opened", context=announcement_context(wave))
    return len(users)


def waves_due_for_announcement(*, at: datetime | None = None) -> list[int]:
    """Waves opened within the announcement window and not yet announced."""
    at = at or timezone.now()
    return list(
        Wave.objects.filter(
            announced_at__isnull=True, opens_at__lte=at, opens_at__gt=at - ANNOUNCEMENT_WINDOW
        ).values_list("pk", flat=True)
    )
