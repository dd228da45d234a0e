"""Signed agreements whose start date has come start running (the `start` row, by the system)."""

from datetime import datetime

from django.utils import timezone

from grants.errors import GrantError
from grants.models import Agreement
from grants.services.agreements import agreement_start


def agreements_start_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    started = 0
    for agreement in Agreement.objects.filter(
        state=Agreement.State.SIGNED, start_date__lte=timezone.localtime(now).date()
    ):
        try:
            agreement_start(agreement=agreement, actor=None, at=now)
        except GrantError:
            continue
        started += 1
    return started
