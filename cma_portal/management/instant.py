"""Parsing of the `--now` option shared by the operator commands."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def parse_instant(value: str | None) -> datetime:
    """An ISO-8601 instant; naive values are Europe/Paris. None: now."""
    if not value:
        return timezone.now()
    instant = parse_datetime(value)
    if instant is None:
        raise CommandError(f"--now: not an ISO-8601 date-time: {value!r}")
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant)
    return instant
