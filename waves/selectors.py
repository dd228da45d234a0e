"""Reads about the call and its waves."""

from datetime import datetime

from django.utils import timezone

from waves.models import Wave


def waves_open_at(at: datetime | None = None) -> list[Wave]:
    """Waves that accept letters at `at`, soonest closing first (rolling last)."""
    at = at or timezone.now()
    candidates = Wave.objects.with_call().filter(opens_at__lte=at)
    open_waves = [w for w in candidates if w.accepts_letters(at)]
    return sorted(open_waves, key=lambda w: (w.effective_closes_at() is None, w.effective_closes_at() or at))


def calendar_waves():
    return Wave.objects.with_call().order_by("opens_at")
