"""Announcing opened waves. Tasks take ids, are idempotent and delegate to `announcements`."""

from celery import shared_task

from waves import announcements
from waves.models import Wave


@shared_task
def announce_wave_task(wave_id: int) -> int:
    """Announce `wave_id` once: the claim fails for every run after the first, so a retried or
    duplicated task sends nothing. Fans out to batches of recipients."""
    if not announcements.wave_claim_announcement(wave_id=wave_id):
        return 0
    ids = announcements.announcement_recipient_ids()
    size = announcements.ANNOUNCEMENT_BATCH_SIZE
    for start in range(0, len(ids), size):
        send_announcement_batch_task.delay(wave_id, ids[start : start + size])
    announcements.wave_audit_announcement(wave=Wave.objects.get(pk=wave_id), recipients=len(ids))
    return len(ids)


@shared_task
def send_announcement_batch_task(wave_id: int, user_ids: list[int]) -> int:
    return announcements.wave_send_announcement_batch(wave_id=wave_id, user_ids=user_ids)


@shared_task
def announce_due_waves_task() -> int:
    """Beat entry: announce the waves whose opening instant has passed."""
    due = announcements.waves_due_for_announcement()
    for wave_id in due:
        announce_wave_task.delay(wave_id)
    return len(due)
