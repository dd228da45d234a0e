"""Benchmark data for `seed_demo --applications N`, in bulk (a handful of INSERTs per table, no
services, no audit trail): realistic volumes for the load benchmark, fast enough for 10,000
applications in seconds on PostgreSQL.

What it makes, for N applications (idempotent: rows already there are counted, only the missing
ones are added):
- one lead organisation per 20 applications, of every kind and region, each with a member;
- the applications, in every state of the workflow with the shares a call of this size has
  (about 40 % in the selection list, 6 % decided), spread over the last 120 days; every 20th
  one belongs to the demo applicant, so that their dashboard is long;
- one reviewer per 100 applications (`reviews.demo_bulk`), three accepted assignments per
  dossier under review or decided, each with its submitted review and scores, and the decisions;
- one document row per 10 dossiers, pointing at a single stored PDF.
"""

import hashlib
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from actions.models import Action
from applications.models import Application, Document, Membership, Organisation
from applications.states import State

PREFIX = "BENCH-"
APPLICATIONS_PER_ORGANISATION = 20
DOCUMENT_EVERY = 10
BATCH = 1000

# State and weight out of 100.
STATE_SHARES = (
    (State.LI_DRAFT, 10),
    (State.LI_SUBMITTED, 15),
    (State.LI_REJECTED, 10),
    (State.DOSSIER_DRAFT, 15),
    (State.DOSSIER_EXPIRED, 5),
    (State.WITHDRAWN, 5),
    (State.DOSSIER_SUBMITTED, 10),
    (State.UNDER_REVIEW, 24),
    (State.SELECTED, 2),
    (State.WAITLISTED, 2),
    (State.NOT_SELECTED, 2),
)
AFTER_GO = {
    State.DOSSIER_DRAFT,
    State.DOSSIER_EXPIRED,
    State.DOSSIER_SUBMITTED,
    State.UNDER_REVIEW,
    State.SELECTED,
    State.WAITLISTED,
    State.NOT_SELECTED,
}
AFTER_DOSSIER = {
    State.DOSSIER_SUBMITTED,
    State.UNDER_REVIEW,
    State.SELECTED,
    State.WAITLISTED,
    State.NOT_SELECTED,
}
TOPICS = (
    "Former les soignants au numérique",
    "Culture numérique des directeurs d'établissement",
    "Double compétence informatique et santé",
    "Droit du numérique en santé",
    "Dispositifs médicaux numériques",
    "Données de santé et intelligence artificielle",
    "Télésanté en formation initiale",
    "Cybersécurité hospitalière",
)


def _state_cycle() -> list[str]:
    cycle = []
    for state, weight in STATE_SHARES:
        cycle.extend([state] * weight)
    random.Random(7).shuffle(cycle)  # noqa: S311 — reproducible demo data, not secrets
    return cycle


def _organisations(count: int, *, now) -> list[Organisation]:
    existing = list(Organisation.objects.filter(name__startswith="Banc ").order_by("id"))
    kinds = list(Organisation.HIGHER_EDUCATION_KINDS)
    regions = [value for value, _label in Organisation.Region.choices]
    missing = [
        Organisation(
            name=f"Banc Université {number:04d}",
            kind=kinds[number % len(kinds)],
            region=regions[number % len(regions)],
            siret=f"{19000000000000 + number}",
        )
        for number in range(len(existing) + 1, count + 1)
    ]
    Organisation.objects.bulk_create(missing, batch_size=BATCH)
    return list(Organisation.objects.filter(name__startswith="Banc ").order_by("id"))[:count]


def _owners(count: int) -> list:
    from django.contrib.auth.hashers import make_password

    from cma_portal.models import User

    existing = set(User.objects.filter(email__startswith="banc-").values_list("email", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(email=email, first_name="Banc", last_name=f"{index:04d}", password=unusable)
            for index in range(count)
            if (email := f"banc-{index:04d}@demo.cma.fr") not in existing
        ],
        batch_size=BATCH,
    )
    return list(User.objects.filter(email__startswith="banc-").order_by("email"))[:count]


# A one-page PDF, written by hand: bulk data needs no renderer.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _demo_pdf() -> tuple[str, int, str]:
    content = MINIMAL_PDF
    name = "documents/bench/presentation.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name, len(content), hashlib.sha256(content).hexdigest()


def seed_bulk(count: int, *, wave, applicant, now=None, states=None, applicant_every: int = 20) -> int:
    """Add benchmark applications until there are `count`; returns how many were added.
    `states` (a list the rows cycle through) and `applicant_every` (every how many rows the
    demo applicant owns one) let tests shape the data."""
    now = now or timezone.now()
    existing = Application.objects.filter(acronym__startswith=PREFIX).count()
    missing = max(0, count - existing)
    if not missing:
        return 0
    organisations = _organisations(max(1, count // APPLICATIONS_PER_ORGANISATION), now=now)
    owners = _owners(len(organisations))
    Membership.objects.bulk_create(
        [Membership(organisation=o, user=u) for o, u in zip(organisations, owners, strict=True)],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    states = list(states) if states else _state_cycle()
    rng = random.Random(2026)  # noqa: S311 — reproducible demo figures, not secrets
    year = timezone.localdate().year
    rows = []
    for number in range(existing + 1, existing + missing + 1):
        state = states[(number - 1) % len(states)]
        index = (number * 7919) % len(organisations)  # owners spread over organisations
        created = now - timedelta(days=120) + timedelta(seconds=number * 1000 % (119 * 86400))
        submitted = state not in (State.LI_DRAFT,)
        letter_at = created + timedelta(days=rng.randrange(1, 10)) if submitted else None
        go_at = letter_at + timedelta(days=rng.randrange(7, 30)) if state in AFTER_GO else None
        topic = TOPICS[number % len(TOPICS)]
        rows.append(
            Application(
                wave=wave,
                owner=applicant if number % applicant_every == 0 else owners[index],
                lead_organisation=organisations[index],
                state=state,
                reference=f"CMA-SN-{year}-B{number:05d}" if submitted else None,
                title=f"{topic} — projet {number}",
                acronym=f"{PREFIX}{number:05d}",
                summary="Candidature générée pour les mesures de performance.",
                estimated_total_cost=Decimal(rng.randrange(300, 3000) * 1000),
                estimated_aid_requested=Decimal(rng.randrange(100, 2000) * 1000),
                planned_duration_months=rng.choice([24, 36, 48, 60]),
                people_trained_per_year=rng.randrange(50, 500),
                audience="Étudiants et professionnels de santé",
                created_at=created,
                updated_at=max(c for c in (created, letter_at, go_at) if c is not None),
                letter_submitted_at=letter_at,
                go_decided_at=go_at,
                dossier_deadline=go_at + timedelta(days=91) if go_at else None,
                dossier_submitted_at=go_at + timedelta(days=rng.randrange(10, 80))
                if state in AFTER_DOSSIER
                else None,
                aid_granted=Decimal(rng.randrange(100, 1500) * 1000) if state == State.SELECTED else None,
            )
        )
    created_rows = Application.objects.bulk_create(rows, batch_size=BATCH)
    actions = list(Action.objects.order_by("number"))
    through = Application.actions.through
    links = []
    for i, application in enumerate(created_rows):
        links.append(through(application_id=application.pk, action_id=actions[i % len(actions)].pk))
        if i % 4 == 0:  # a quarter answer two actions
            links.append(through(application_id=application.pk, action_id=actions[(i + 2) % len(actions)].pk))
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)

    name, size, sha = _demo_pdf()
    Document.objects.bulk_create(
        [
            Document(
                application=application,
                kind=Document.Kind.PRESENTATION,
                file=name,
                original_name="presentation.pdf",
                content_type="application/pdf",
                size=size,
                sha256=sha,
                page_count=1,
                uploaded_by_id=application.owner_id,
            )
            for application in created_rows[::DOCUMENT_EVERY]
            if application.state in AFTER_DOSSIER
        ],
        batch_size=BATCH,
    )
    return len(created_rows)
