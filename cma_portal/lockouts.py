"""Recording logins refused by the brute-force limit, for administrators to see.

allauth refuses a password login once an address or an IP address has failed too often
(`ACCOUNT_RATE_LIMITS["login_failed"]`). The adapter (`adapters.AccountAdapter.pre_authenticate`)
calls `lockout_record` for each refusal: refusals of one address that follow each other within
`EPISODE_GAP` make one row, whose counter grows. The person locked out is offered a login by a
code sent to their address, which this limit does not block.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginLockout, User

EPISODE_GAP = timedelta(minutes=15)


@transaction.atomic
def lockout_record(*, email: str, ip_address: str | None) -> LoginLockout:
    """Count one refused login of `email` (as typed) from `ip_address`; returns its episode."""
    email = (email or "").strip().lower()[:254]
    now = timezone.now()
    episode = (
        LoginLockout.objects.select_for_update()
        .filter(email=email, last_refused_at__gte=now - EPISODE_GAP)
        .order_by("-last_refused_at")
        .first()
    )
    if episode is not None:
        LoginLockout.objects.filter(pk=episode.pk).update(
            refused_attempts=F("refused_attempts") + 1, last_refused_at=now, ip_address=ip_address
        )
        episode.refresh_from_db()
        return episode
    return LoginLockout.objects.create(
        email=email,
        user=User.objects.filter(email=email).first(),
        ip_address=ip_address,
        first_refused_at=now,
        last_refused_at=now,
    )
