"""The standing of a wave: every submitted review's severity-corrected score, each dossier's
aggregate and its rank. The ranking and the dossier page both need it, and it costs the whole
wave (12,000 reviews and 4,000 dossiers at national scale: about 300 ms of work), so it is
computed once per state of its inputs and shared through the cache.

The cache key holds a fingerprint of every input, read by one query: the submitted reviews of
accepted assignments (id, reviewer, dossier, score) and the dossiers in the selection states
(id, reference). Any change to one of them changes the key, so a page never shows a stale rank;
an old entry simply expires. Add any new input of the standing to `_FINGERPRINT_SQL`.
With the cache down (a miss on every read), or on SQLite (the embedded demo, a few dossiers:
the fingerprint uses PostgreSQL's `string_agg`), the standing is computed on each request.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from applications.models import Application
from applications.states import State
from reviews import scoring
from reviews.models import Assignment, Consensus, Review

CACHE_SECONDS = 3600
# The dossiers a ranking lists (from a submitted dossier to its decision).
SELECTION_STATES = (
    State.DOSSIER_SUBMITTED,
    State.UNDER_REVIEW,
    State.SELECTED,
    State.WAITLISTED,
    State.NOT_SELECTED,
)

_FINGERPRINT_SQL = """
SELECT
  (SELECT md5(coalesce(string_agg(
       r.id || ':' || asg.reviewer_id || ':' || asg.application_id || ':' || r.weighted_score,
       ',' ORDER BY r.id), ''))
     FROM reviews_review r
     JOIN reviews_assignment asg ON asg.id = r.assignment_id
     JOIN applications_application a ON a.id = asg.application_id
    WHERE a.wave_id = %(wave)s AND asg.state = %(accepted)s AND r.state = %(submitted)s
      AND r.weighted_score IS NOT NULL),
  (SELECT md5(coalesce(string_agg(a.id || ':' || coalesce(a.reference, ''), ',' ORDER BY a.id), ''))
     FROM applications_application a
    WHERE a.wave_id = %(wave)s AND a.state = ANY(%(states)s)),
  (SELECT md5(coalesce(string_agg(c.application_id || ':' || c.weighted_score, ',' ORDER BY c.application_id), ''))
     FROM reviews_consensus c
     JOIN applications_application a ON a.id = c.application_id
    WHERE a.wave_id = %(wave)s AND c.state = %(validated)s AND c.weighted_score IS NOT NULL)
"""


@dataclass(frozen=True)
class WaveStanding:
    stats: scoring.WaveStatistics
    # application id → aggregate, for the dossiers in the selection states with a review
    aggregates: dict[int, scoring.DossierAggregate]
    # (application id, reference) of every dossier in the selection states, in ranking order
    ranked: list[tuple[int, str]]
    # application id → score of its validated consensus (issue 15), which ranks it when present
    consensus: dict[int, float] = field(default_factory=dict)

    def rank_of(self, application_id: int) -> int | None:
        """Rank among the reviewed dossiers of the wave (None before any review)."""
        rank = 0
        for pk, _reference in self.ranked:
            if pk in self.aggregates and self.aggregates[pk].count:
                rank += 1
                if pk == application_id:
                    return rank
        return None


def _fingerprint(wave_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            _FINGERPRINT_SQL,
            {
                "wave": wave_id,
                "accepted": str(Assignment.State.ACCEPTED),
                "submitted": str(Review.State.SUBMITTED),
                "validated": str(Consensus.State.VALIDATED),
                "states": [str(state) for state in SELECTION_STATES],
            },
        )
        reviews, dossiers, consensus = cursor.fetchone()
    return f"{reviews}{dossiers}{consensus}"


def _compute(wave_id: int) -> WaveStanding:
    threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
    rows = (
        Review.objects.filter(
            assignment__application__wave_id=wave_id,
            assignment__state=Assignment.State.ACCEPTED,
            state=Review.State.SUBMITTED,
        )
        .values_list("pk", "assignment__reviewer_id", "assignment__application_id", "weighted_score")
        .order_by("pk")
    )
    scores = [scoring.ReviewScore(pk, r, a, float(s)) for pk, r, a, s in rows if s is not None]
    # The severity correction uses every submitted review of the wave: a reviewer's severity
    # shows across all they scored.
    stats = scoring.severity_correction(scores, min_reviews=settings.REVIEW_SEVERITY_MIN_REVIEWS)
    by_application: dict[int, list[scoring.ReviewScore]] = defaultdict(list)
    for s in scores:
        by_application[s.application_id].append(s)
    dossiers = Application.objects.filter(wave_id=wave_id, state__in=SELECTION_STATES).values_list(
        "pk", "reference"
    )
    aggregates = {}
    entries = []
    for pk, reference in dossiers:
        aggregate = scoring.aggregate_dossier(pk, by_application.get(pk, []), stats, threshold=threshold)
        if aggregate.count:
            aggregates[pk] = aggregate
        entries.append((pk, reference or "", aggregate))
    consensus = Consensus.objects.validated_scores(wave_id)
    entries.sort(key=lambda e: ranking_key(e[2], e[1], consensus.get(e[0])))
    return WaveStanding(
        stats=stats, aggregates=aggregates, ranked=[(pk, ref) for pk, ref, _a in entries], consensus=consensus
    )


def ranking_key(aggregate: scoring.DossierAggregate, reference: str, consensus: float | None = None):
    """The validated consensus's score where there is one (issue 15), else the corrected mean;
    then raw mean, then reference; dossiers without a review last."""
    score = consensus if consensus is not None else aggregate.corrected_mean
    return (score is None, -(score or 0), -(aggregate.mean or 0), reference or "")


def wave_standing(wave_id: int) -> WaveStanding:
    """The wave's standing, from the cache when its inputs have not changed (one query)."""
    if connection.vendor != "postgresql":
        return _compute(wave_id)
    key = (
        f"wave-standing:v2:{wave_id}:{_fingerprint(wave_id)}:"
        f"{settings.REVIEW_DISAGREEMENT_THRESHOLD}:{settings.REVIEW_SEVERITY_MIN_REVIEWS}"
    )
    standing = cache.get(key)
    if standing is None:
        standing = _compute(wave_id)
        cache.set(key, standing, CACHE_SECONDS)
    return standing
