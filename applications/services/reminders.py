"""Deadline reminders, sent exactly once: the periodic sweep that beat runs.

What a reminder is:
- dossier deadline D-30, D-7, D-1: to the owner and accepted co-editors of every application
  in `dossier_draft`;
- wave closing D-7, D-1: to the owner of every letter of intent still in `li_draft` in a wave
  that closes (`Wave.effective_closes_at()`);
- reviewer due date D-7, D-1: to the reviewer of every active `reviews.Assignment` whose review
  is not submitted yet (sent by `reviews.services.reminders` on this machinery).

"D-7" means: the reminder is due at deadline − 7 days. A sweep at `now` considers every
deadline still in the future (`now < deadline`) whose reminder is due (`due ≤ now`). Of the
kinds due for one deadline only the *nearest* one is considered (the one with the smallest
offset), and only while it is fresh (`now − due < CATCH_UP`, one day): a sweep that did not run
for a few hours catches up with one reminder, never a burst of D-30 + D-7 together; a reminder
whose instant had long passed when the deadline was set (an extension granted at D-7 to a date
27 days away: its new D-30 lies three days in the past) is not sent late — the new D-7 and D-1
are. Beat runs the sweep every 15 minutes, well inside the window.

Exactly once: the reminder row (kind, target, due instant) is inserted first with
`INSERT … ON CONFLICT DO NOTHING RETURNING`; only the rows this sweep inserted are emailed (on
commit) and written to the application's history (AuditEvent "reminder_sent"). A retried task,
two beat processes or a sweep run twice insert nothing the second time and send nothing.
`due_at` is part of the key, so extending a deadline re-arms the reminders of the new deadline.

Batches: applications are read by primary key, `BATCH_SIZE` at a time, with a fixed number of
queries per batch (applications with owners, co-editors with their users, one insert, one bulk
insert of audit events), whatever the number of applications.
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applications.models import Application, Collaborator, Reminder
from applications.states import State
from cma_portal.emails import queue_email, queue_emails_batch
from cma_portal.models import AuditEvent
from cma_portal.pagination import row_url_prefix

BATCH_SIZE = 1000
CATCH_UP = timedelta(days=1)

Kind = Reminder.Kind

DOSSIER_OFFSETS: dict[str, timedelta] = {
    Kind.DOSSIER_D30: timedelta(days=30),
    Kind.DOSSIER_D7: timedelta(days=7),
    Kind.DOSSIER_D1: timedelta(days=1),
}
WAVE_OFFSETS: dict[str, timedelta] = {
    Kind.WAVE_D7: timedelta(days=7),
    Kind.WAVE_D1: timedelta(days=1),
}
REVIEW_OFFSETS: dict[str, timedelta] = {
    Kind.REVIEW_D7: timedelta(days=7),
    Kind.REVIEW_D1: timedelta(days=1),
}


def nearest_due(deadline: datetime | None, offsets: dict[str, timedelta], now: datetime):
    """(kind, due_at) of the reminder to send at `now` for `deadline`, or None.

    None when the deadline is unknown or already reached, when no reminder is due yet, or when
    the nearest due one is older than `CATCH_UP`.
    """
    if deadline is None or deadline <= now:
        return None
    due = [(kind, deadline - offset) for kind, offset in offsets.items() if deadline - offset <= now]
    if not due:
        return None
    kind, due_at = max(due, key=lambda item: item[1])
    if now - due_at >= CATCH_UP:
        return None
    return kind, due_at


# What a reminder reads of an application and its owner (no other column is loaded).
REMINDER_FIELDS = (
    "pk",
    "reference",
    "title",
    "acronym",
    "wave_id",
    "state",
    "dossier_deadline",
    "owner__email",
    "owner__preferred_language",
    "owner__is_active",
)


@dataclass
class Planned:
    """One reminder a sweep wants to send."""

    kind: str
    target_type: str
    target_id: str
    due_at: datetime
    deadline: datetime
    recipients: list
    application: Application | None
    template: str
    context: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _application_url_prefix() -> str:
    return row_url_prefix("applications:detail")


def _application_url(application: Application) -> str:
    # One `reverse` per sweep, not one per reminder (20,000 of them at national scale).
    return f"{_application_url_prefix()}{application.pk}/"


def deadline_context(application: Application, deadline: datetime, now: datetime) -> dict:
    local = timezone.localtime(deadline)
    return {
        "reference": application.reference or "",
        "title": application.title or application.acronym or "",
        "deadline": local.strftime("%d/%m/%Y %H:%M"),
        "days_left": max(0, (deadline - now).days),
        "url": _application_url(application),
    }


def _insert_claimed(planned: list[Planned], now: datetime) -> set[tuple[str, str, str]]:
    """Insert the reminder rows; return the keys (kind, target_type, target_id) this call
    inserted. Rows that already exist (an earlier or concurrent sweep) are left alone."""
    if not planned:
        return set()
    ops = connection.ops
    table = Reminder._meta.db_table
    columns = "kind, target_type, target_id, due_at, application_id, created_at, sent_at, recipients"
    rows, params = [], []
    for item in planned:
        rows.append("(%s, %s, %s, %s, %s, %s, %s, %s)")
        params += [
            item.kind,
            item.target_type,
            item.target_id,
            ops.adapt_datetimefield_value(item.due_at),
            item.application.pk if item.application else None,
            ops.adapt_datetimefield_value(now),
            ops.adapt_datetimefield_value(now),
            json.dumps([getattr(r, "email", r) for r in item.recipients]),
        ]
    # Both PostgreSQL and SQLite (≥ 3.35) support this statement as written.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join(rows)} "  # noqa: S608 — fixed table/columns, values are parameters
        "ON CONFLICT DO NOTHING RETURNING kind, target_type, target_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(row) for row in cursor.fetchall()}


def send_planned(planned: list[Planned], now: datetime, counts: Counter) -> None:
    """Claim, audit and email one batch, inside one transaction."""
    with transaction.atomic():
        claimed = _insert_claimed(planned, now)
        sent = [p for p in planned if (p.kind, p.target_type, p.target_id) in claimed]
        AuditEvent.objects.bulk_create(
            [
                # On the target: the application's history for applicants' reminders, the
                # assignment's for reviewers' (never shown to applicants).
                AuditEvent(
                    actor=None,
                    verb="reminder_sent",
                    object_type=p.target_type,
                    object_id=p.target_id,
                    data={
                        "kind": p.kind,
                        "due_at": p.due_at.isoformat(),
                        "deadline": p.deadline.isoformat(),
                        "recipients": [getattr(r, "email", r) for r in p.recipients],
                    },
                )
                for p in sent
            ]
        )
        with queue_emails_batch():  # one outbox INSERT for the whole batch
            for p in sent:
                queue_email(recipients=p.recipients, template=p.template, context=p.context)
                counts[p.kind] += 1


def batched(queryset: QuerySet, batch_size: int) -> Iterable[list]:
    """Keyset pagination by primary key: each batch is one query (plus its prefetches)."""
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield batch
        if len(batch) < batch_size:
            return
        last_pk = batch[-1].pk


def _dossier_reminders(now: datetime, batch_size: int, counts: Counter) -> None:
    horizon = now + max(DOSSIER_OFFSETS.values())
    queryset = (
        Application.objects.filter(
            state=State.DOSSIER_DRAFT, dossier_deadline__gt=now, dossier_deadline__lte=horizon
        )
        .select_related("owner")
        .only(*REMINDER_FIELDS)
        .prefetch_related(
            Prefetch(
                "collaborators",
                queryset=Collaborator.objects.filter(
                    accepted_at__isnull=False, user__isnull=False, user__is_active=True
                ).select_related("user"),
                to_attr="accepted_collaborators",
            )
        )
    )
    for batch in batched(queryset, batch_size):
        planned = []
        for application in batch:
            due = nearest_due(application.dossier_deadline, DOSSIER_OFFSETS, now)
            if due is None:
                continue
            kind, due_at = due
            # Not `selectors.application_editors`: the batch prefetches the co-editors (one query,
            # not one per application) and leaves out deactivated accounts.
            recipients = [application.owner] + [c.user for c in application.accepted_collaborators]
            planned.append(
                Planned(
                    kind=kind,
                    target_type=Application._meta.label_lower,
                    target_id=str(application.pk),
                    due_at=due_at,
                    deadline=application.dossier_deadline,
                    recipients=recipients,
                    application=application,
                    template="reminder_dossier",
                    context={
                        **deadline_context(application, application.dossier_deadline, now),
                        "kind": kind,
                    },
                )
            )
        send_planned(planned, now, counts)


def _wave_reminders(now: datetime, batch_size: int, counts: Counter) -> None:
    from waves.models import Wave

    horizon = now + max(WAVE_OFFSETS.values())
    # Waves are few: read them all once, keep those whose closing reminder is due now.
    due_by_wave = {}
    for wave in Wave.objects.select_related("call"):
        closes_at = wave.effective_closes_at()
        if closes_at is None or not (now < closes_at <= horizon):
            continue
        due = nearest_due(closes_at, WAVE_OFFSETS, now)
        if due is not None:
            due_by_wave[wave.pk] = (wave, closes_at, due)
    if not due_by_wave:
        return
    # Wave by wave (a few), the drafts not reminded yet: a second sweep at the same instant
    # reads nothing.
    for wave, closes_at, (kind, due_at) in due_by_wave.values():
        queryset = (
            Application.objects.filter(wave_id=wave.pk, state=State.LI_DRAFT)
            # NOT IN over the reminders already sent: PostgreSQL hashes the subquery once, a plan
            # that holds even when its statistics lag behind a sweep's inserts (an anti-join
            # then ran as a nested loop over 20,000 × 20,000 rows).
            .exclude(
                pk__in=Reminder.objects.filter(kind=kind, due_at=due_at, application_id__isnull=False).values(
                    "application_id"
                )
            )
            .select_related("owner")
            .only(*REMINDER_FIELDS)
        )
        for batch in batched(queryset, batch_size):
            planned = [
                Planned(
                    kind=kind,
                    target_type=Application._meta.label_lower,
                    target_id=str(application.pk),
                    due_at=due_at,
                    deadline=closes_at,
                    recipients=[application.owner],
                    application=application,
                    template="reminder_wave",
                    context={
                        **deadline_context(application, closes_at, now),
                        "kind": kind,
                        "wave": wave.name_fr,
                    },
                )
                for application in batch
            ]
            send_planned(planned, now, counts)


def reminders_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Send every reminder due at `now` that was not sent yet; return the count per kind.

    Side effects: Reminder rows, AuditEvents "reminder_sent" on the applications, emails on
    commit of each batch. Safe to run concurrently and repeatedly.
    """
    now = now or timezone.now()
    counts: Counter = Counter()
    _dossier_reminders(now, batch_size, counts)
    _wave_reminders(now, batch_size, counts)
    return dict(counts)
