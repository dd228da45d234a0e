"""Every write to waves: creating, opening, extending, closing early, announcing.

Each service is keyword-only, atomic and audited; the announcement is claimed by a conditional
UPDATE so that it goes out exactly once whatever the number of tasks or beats racing for it.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cma_portal.audit import audit_record
from waves.models import Call, Wave
from waves.tasks import announce_wave_task


class WaveError(Exception):
    """A refused operation; the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)


def _schedule_announcement_if_open(wave: Wave, at: datetime) -> None:
    if wave.opens_at <= at:
        transaction.on_commit(lambda: announce_wave_task.delay(wave.pk))


@transaction.atomic
def wave_create(
    *,
    actor,
    name_fr: str,
    name_en: str = "",
    mode: str,
    opens_at: datetime,
    closes_at: datetime | None,
    actions,
    budget_envelope: Decimal | None = None,
    committee_date=None,
    call: Call | None = None,
    at: datetime | None = None,
) -> Wave:
    """Create a wave. Side effects: audit "wave_created"; if it is already open, the
    announcement task on commit (otherwise the beat announces it at its opening)."""
    at = at or timezone.now()
    wave = Wave.objects.create(
        call=call or Call.current(),
        name_fr=name_fr,
        name_en=name_en,
        mode=mode,
        opens_at=opens_at,
        closes_at=closes_at,
        budget_envelope=budget_envelope,
        committee_date=committee_date,
    )
    wave.actions.set(actions)
    audit_record(
        actor=actor,
        verb="wave_created",
        obj=wave,
        data={
            "opens_at": _iso(opens_at),
            "closes_at": _iso(closes_at),
            "mode": mode,
            "actions": sorted(a.number for a in actions),
            "budget_envelope": _iso(budget_envelope),
        },
    )
    _schedule_announcement_if_open(wave, at)
    return wave


@transaction.atomic
def wave_update(
    *,
    wave: Wave,
    actor,
    name_fr: str,
    name_en: str = "",
    mode: str,
    opens_at: datetime,
    closes_at: datetime | None,
    actions,
    budget_envelope: Decimal | None = None,
    committee_date=None,
    at: datetime | None = None,
) -> Wave:
    """Edit a wave's settings. Side effects: audit "wave_updated" with the changed fields."""
    at = at or timezone.now()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    new = {
        "name_fr": name_fr,
        "name_en": name_en,
        "mode": mode,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "budget_envelope": budget_envelope,
        "committee_date": committee_date,
    }
    changes = {}
    for field, value in new.items():
        old = getattr(locked, field)
        if old != value:
            changes[field] = [_iso(old), _iso(value)]
            setattr(locked, field, value)
    old_actions = set(locked.actions.values_list("number", flat=True))
    new_actions = {a.number for a in actions}
    if old_actions != new_actions:
        changes["actions"] = [sorted(old_actions), sorted(new_actions)]
    locked.save()
    locked.actions.set(actions)
    audit_record(actor=actor, verb="wave_updated", obj=locked, data=changes)
    _schedule_announcement_if_open(locked, at)
    return locked


@transaction.atomic
def wave_open_now(*, wave: Wave, actor, at: datetime | None = None) -> Wave:
    """Bring an upcoming wave's opening forward to `at`. Side effects: audit "wave_opened";
    the announcement task on commit."""
    at = at or timezone.now()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if locked.opens_at <= at:
        raise WaveError(_("Cette vague est déjà ouverte."))
    if locked.closes_at is not None and locked.closes_at <= at:
        raise WaveError(_("La clôture de cette vague est déjà passée : prolongez-la d'abord."))
    previous = locked.opens_at
    locked.opens_at = at
    locked.save(update_fields=["opens_at"])
    audit_record(actor=actor, verb="wave_opened", obj=locked, data={"opens_at": [_iso(previous), _iso(at)]})
    _schedule_announcement_if_open(locked, at)
    return locked


@transaction.atomic
def wave_extend(*, wave: Wave, actor, closes_at: datetime, reason: str, at: datetime | None = None) -> Wave:
    """Move the closing instant later (a closed wave reopens). Side effects: audit
    "wave_extended" with the reason."""
    at = at or timezone.now()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if closes_at <= at:
        raise WaveError(_("La date de clôture est déjà passée."))
    if locked.closes_at is not None and closes_at <= locked.closes_at:
        raise WaveError(_("Une prolongation doit repousser la clôture actuelle."))
    return _move_closing(locked, actor=actor, verb="wave_extended", reason=reason, closes_at=closes_at)


@transaction.atomic
def wave_close_early(*, wave: Wave, actor, reason: str, at: datetime | None = None) -> Wave:
    """Stop accepting letters at `at`. Side effects: audit "wave_closed_early" with the reason."""
    at = at or timezone.now()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if locked.opens_at > at:
        raise WaveError(_("Cette vague n'est pas encore ouverte : modifiez plutôt ses dates."))
    if locked.closes_at is not None and locked.closes_at <= at:
        raise WaveError(_("Cette vague est déjà close."))
    return _move_closing(
        locked, actor=actor, verb="wave_closed_early", reason=reason, closes_at=at, closed_early_at=at
    )


def _move_closing(
    locked: Wave, *, actor, verb: str, reason: str, closes_at: datetime, closed_early_at=None
) -> Wave:
    """Set the closing instant of a locked wave and audit `verb` with the reason and the move."""
    previous = locked.closes_at
    locked.closes_at = closes_at
    locked.closed_early_at = closed_early_at
    locked.save(update_fields=["closes_at", "closed_early_at"])
    audit_record(
        actor=actor,
        verb=verb,
        obj=locked,
        note=reason,
        data={"closes_at": [_iso(previous), _iso(closes_at)]},
    )
    return locked
