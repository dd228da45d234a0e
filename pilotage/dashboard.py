"""The programme dashboard's figures, each computed with a fixed number of aggregate queries
whatever the number of applications."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone

from actions.models import Action
from applications.models import Application, TrainingTarget
from applications.states import State
from grants.selectors.dashboard import Outcomes, programme_outcomes_cached
from waves.models import Call, Wave

ZERO = Decimal("0")
LETTER = Q(letter_submitted_at__isnull=False)
GO = Q(go_decided_at__isnull=False)
DOSSIER = Q(dossier_submitted_at__isnull=False)
LAUREATE = Q(state=State.SELECTED)


@dataclass
class Dashboard:
    call: Call | None
    waves: list
    funnel: list = field(default_factory=list)  # per wave and action
    funnel_totals: dict = field(default_factory=dict)
    aid: list = field(default_factory=list)  # per wave
    aid_totals: dict = field(default_factory=dict)
    training: list = field(default_factory=list)  # per year and audience
    training_by_year: list = field(default_factory=list)
    training_total: int = 0
    deadlines: list = field(default_factory=list)
    reviews_overdue: int | None = None
    outcomes: Outcomes | None = None  # what laureates really did (accepted reports, payments)


def _funnel_counts(prefix: str = ""):
    return {
        "letters": Count("pk", filter=LETTER, distinct=True),
        "go": Count("pk", filter=GO, distinct=True),
        "dossiers": Count("pk", filter=DOSSIER, distinct=True),
        "laureates": Count("pk", filter=LAUREATE, distinct=True),
    }


def reviews_overdue(now: datetime) -> int | None:
    """Active reviewer assignments past their due date without a submitted review; None (shown
    as unavailable) when the reviews app has no assignments."""
    try:
        model = apps.get_model("reviews", "Assignment")
    except LookupError:
        return None
    return (
        model.objects.filter(state__in=model.ACTIVE_STATES, due_at__lt=now)
        .exclude(review__submitted_at__isnull=False)
        .count()
    )


def build_dashboard(*, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    call = Call.current()
    waves = list(Wave.objects.select_related("call").order_by("opens_at", "id"))
    by_wave = {w.pk: w for w in waves}
    actions = {a.number: a for a in Action.objects.all()}
    board = Dashboard(call=call, waves=waves)

    # Funnel per wave and action: one grouped query. An application answering two actions
    # counts once in each action's row, once in its wave's total.
    rows = (
        Application.objects.values("wave_id", "actions__number")
        .annotate(**_funnel_counts())
        .order_by("wave_id", "actions__number")
    )
    for row in rows:
        if not (row["letters"] or row["go"] or row["dossiers"] or row["laureates"]):
            continue
        board.funnel.append(
            {
                "wave": by_wave.get(row["wave_id"]),
                "action": actions.get(row["actions__number"]),
                **{k: row[k] for k in ("letters", "go", "dossiers", "laureates")},
            }
        )

    # Per wave: funnel totals and aid, one grouped query without the actions join (no doubles).
    per_wave = {
        row["wave_id"]: row
        for row in Application.objects.values("wave_id")
        .annotate(
            **_funnel_counts(),
            requested=Sum("estimated_aid_requested", filter=LETTER),
            granted=Sum("aid_granted", filter=LAUREATE),
        )
        .order_by("wave_id")
    }
    totals = {"letters": 0, "go": 0, "dossiers": 0, "laureates": 0}
    requested_total = granted_total = ZERO
    for wave in waves:
        row = per_wave.get(wave.pk)
        if row is None and wave.budget_envelope is None:
            continue
        row = row or {
            "letters": 0,
            "go": 0,
            "dossiers": 0,
            "laureates": 0,
            "requested": None,
            "granted": None,
        }
        for key in totals:
            totals[key] += row[key]
        requested = row["requested"] or ZERO
        granted = row["granted"] or ZERO
        requested_total += requested
        granted_total += granted
        board.aid.append(
            {
                "wave": wave,
                "requested": requested,
                "granted": granted,
                "envelope": wave.budget_envelope,
                "remaining": wave.budget_envelope - granted if wave.budget_envelope is not None else None,
            }
        )
    board.funnel_totals = totals
    envelope = call.budget_envelope if call else None
    board.aid_totals = {
        "requested": requested_total,
        "granted": granted_total,
        "envelope": envelope,
        "remaining": envelope - granted_total if envelope is not None else None,
    }

    # People to be trained, summed over laureates: one grouped query.
    labels = dict(TrainingTarget.Audience.choices)
    by_year: dict[int, int] = {}
    for row in (
        TrainingTarget.objects.filter(application__state=State.SELECTED)
        .values("year", "audience")
        .annotate(people=Sum("people_trained"))
        .order_by("year", "audience")
    ):
        board.training.append(
            {
                "year": row["year"],
                "audience": labels.get(row["audience"], row["audience"]),
                "people": row["people"],
            }
        )
        by_year[row["year"]] = by_year.get(row["year"], 0) + row["people"]
        board.training_total += row["people"]
    board.training_by_year = sorted(by_year.items())

    # Deadlines within 30 days: dossier deadlines (one query) and wave closings (already loaded).
    horizon = now + timedelta(days=30)
    for application in (
        Application.objects.filter(
            state=State.DOSSIER_DRAFT, dossier_deadline__gte=now, dossier_deadline__lte=horizon
        )
        .select_related("wave")
        .order_by("dossier_deadline")
    ):
        board.deadlines.append(
            {
                "at": application.dossier_deadline,
                "kind": "dossier",
                "label": str(application),
                "object": application,
            }
        )
    for wave in waves:
        closes = wave.closes_at
        if closes is not None and now <= closes <= horizon:
            board.deadlines.append({"at": closes, "kind": "wave", "label": wave.name, "object": wave})
    board.deadlines.sort(key=lambda d: d["at"])
    board.reviews_overdue = reviews_overdue(now)
    board.outcomes = programme_outcomes_cached(call=call, today=timezone.localtime(now).date())
    return board


DASHBOARD_CACHE_SECONDS = 120


def dashboard_cached(*, now: datetime | None = None) -> Dashboard:
    """The dashboard, computed at most once per recorded change and per minute.

    Every write of the portal records an audit event, so the newest event's id changes with
    any figure the dashboard shows; the minute in the key bounds what depends on the clock
    alone (reviews falling overdue, deadlines passing) — and anything written without an
    event — to a minute late. One query (the newest event, read backwards on the primary key)
    when nothing has changed, instead of a dozen aggregates over every application. Per
    language: labels (wave names, untitled drafts) are read in the reader's."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    from cma_portal.models import AuditEvent

    now = now or timezone.now()
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = f"pilotage-dashboard:v1:{newest}:{now:%Y%m%d%H%M}:{get_language()}"
    board = cache.get(key)
    if board is None:
        board = build_dashboard(now=now)
        cache.set(key, board, DASHBOARD_CACHE_SECONDS)
    return board
