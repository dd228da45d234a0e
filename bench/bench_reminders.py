"""Benchmark: one reminder sweep over 100,000 applications on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres cma_c_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cma_c_bench \\
        .venv/bin/python bench/bench_reminders.py [--applications 100000] [--batch-size 1000]

Seeds the database once (bulk inserts; rerunning reuses the rows), then times one sweep at a
fixed instant and counts its queries (CaptureQueriesContext), then a second sweep at the same
instant (everything already claimed: the idempotent path). Reminders and outbox rows of
earlier runs are deleted first, so every run measures the same work.

The sweep, as in production, writes each reminder's email to the outbox and queues one
delivery task per batch: here the broker is Celery's in-memory one and nothing consumes it, so
the sweep's figure is the sweep's own work. The delivery a worker then does (render each email
in its recipient's language, send it; Django's dummy backend here) is timed apart on the first
--deliver outbox rows, and given per email.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cma_portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cma_c_bench")
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ["REDIS_URL"] = ""  # the in-memory broker: queued tasks stay queued (see above)
os.environ.setdefault("SEED_DEMO_ON_RUN", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # not one log line per eager email task

import django  # noqa: E402

django.setup()

from cma_portal.celery import app as celery_app  # noqa: E402

celery_app.conf.task_always_eager = False

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.models import Application, Collaborator, Organisation, Reminder  # noqa: E402
from applications.services.reminders import reminders_sweep  # noqa: E402
from cma_portal.models import AuditEvent, OutboxEmail, User  # noqa: E402
from waves.models import Call, Wave  # noqa: E402

BENCH_WAVE = "Vague de banc d'essai"


def seed(count: int, now) -> None:
    """`count` applications: 60 % dossier drafts with deadlines spread over [now − 10 d,
    now + 90 d], 20 % letter drafts in a wave closing in 6.5 days, 20 % in other states; one
    accepted co-editor on every tenth dossier draft."""
    existing = Application.objects.filter(wave__name_fr=BENCH_WAVE).count()
    if existing >= count:
        print(f"seed: {existing} applications already there")
        return
    rng = random.Random(42)
    start = time.perf_counter()
    call = Call.current()
    wave, _created = Wave.objects.get_or_create(
        name_fr=BENCH_WAVE,
        defaults={"call": call, "opens_at": now - timedelta(days=60), "closes_at": now + timedelta(days=6.5)},
    )
    Wave.objects.filter(pk=wave.pk).update(closes_at=now + timedelta(days=6.5))
    users = User.objects.bulk_create(
        [User(email=f"bench{n}@bench.example", first_name="Banc", last_name=str(n)) for n in range(2000)],
        ignore_conflicts=True,
    )
    users = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
    organisation, _created = Organisation.objects.get_or_create(
        name="Université du banc d'essai", defaults={"kind": "university", "region": "IDF"}
    )
    batch = []
    created = 0
    for n in range(existing, count):
        roll = rng.random()
        if roll < 0.6:
            state = "dossier_draft"
            deadline = now + timedelta(seconds=rng.uniform(-10 * 86400, 90 * 86400))
        elif roll < 0.8:
            state, deadline = "li_draft", None
        else:
            state, deadline = (
                rng.choice(["li_submitted", "dossier_submitted", "under_review", "withdrawn"]),
                None,
            )
        batch.append(
            Application(
                wave=wave,
                owner=users[n % len(users)],
                lead_organisation=organisation,
                state=state,
                reference=f"BENCH-{n:06d}" if state != "li_draft" else None,
                title=f"Projet de banc d'essai {n}",
                dossier_deadline=deadline,
            )
        )
        if len(batch) == 5000:
            created += len(Application.objects.bulk_create(batch))
            batch = []
    created += len(Application.objects.bulk_create(batch))
    drafts = Application.objects.filter(wave=wave, state="dossier_draft").values_list("pk", "owner_id")
    collaborators = [
        Collaborator(
            application_id=pk,
            user=users[(owner_id + 7) % len(users)],
            email=f"coediteur{pk}@bench.example",
            accepted_at=now,
        )
        for index, (pk, owner_id) in enumerate(drafts.iterator())
        if index % 10 == 0
    ]
    Collaborator.objects.bulk_create(collaborators, batch_size=5000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seed: {created} applications, {len(collaborators)} co-editors in {time.perf_counter() - start:.1f} s"
    )


def sweep(now, batch_size: int, label: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        counts = reminders_sweep(now=now, batch_size=batch_size)
        elapsed = time.perf_counter() - start
    print(
        f"{label}: {elapsed:.2f} s, {len(queries)} queries, {sum(counts.values())} reminders "
        f"{ {str(kind): n for kind, n in sorted(counts.items())} }"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--deliver", type=int, default=1000, help="outbox emails to deliver after the sweep")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"

    call_command("migrate", verbosity=0)
    # A fixed instant, so that reruns find the same reminders due.
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    seed(args.applications, now)
    Reminder.objects.all().delete()
    AuditEvent.objects.filter(verb="reminder_sent").delete()

    total = Application.objects.count()
    scanned = Application.objects.filter(
        state="dossier_draft", dossier_deadline__gt=now, dossier_deadline__lte=now + timedelta(days=30)
    ).count()
    print(f"applications: {total}; dossier drafts with a deadline in the next 30 days: {scanned}")
    OutboxEmail.objects.all().delete()
    sweep(now, args.batch_size, "first sweep")
    sweep(now, args.batch_size, "second sweep, same instant (nothing left to send)")
    deliver(args.deliver)


def deliver(count: int) -> None:
    """What a worker then does with the sweep's outbox rows: render and send the first `count`."""
    from cma_portal.outbox import outbox_deliver_many

    pks = list(OutboxEmail.objects.order_by("pk").values_list("pk", flat=True)[:count])
    start = time.perf_counter()
    outbox_deliver_many(email_ids=pks)
    elapsed = time.perf_counter() - start
    queued = OutboxEmail.objects.count()
    print(
        f"delivery of {len(pks)} of the {queued} queued emails: {elapsed:.2f} s "
        f"({elapsed / max(len(pks), 1) * 1000:.1f} ms per email, rendered in FR or EN, dummy backend)"
    )


if __name__ == "__main__":
    main()
