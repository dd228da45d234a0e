"""Aggregation of review scores: pure Python, so that the numbers are the same on PostgreSQL
and SQLite (no database median, which SQLite lacks). docs/reviews.md explains each choice.

- A review's weighted score is on /20: sum(weight × score / scale maximum) / sum(weight) × 20.
- Per dossier: mean, median (`statistics.median`: the mean of the two middle values for an
  even count) and spread = highest minus lowest review score (in points on /20, which is what
  "reviewers differ by more than N points" means to a committee).
- Severity correction: once a reviewer has at least `min_reviews` submitted reviews in the wave,
  each of their scores is standardised against their own mean and (population) standard
  deviation, z = (x − mean_r) / sd_r, then mapped back onto the wave's scale:
  corrected = mean_wave + z × sd_wave, clamped to [0, 20]. A reviewer whose scores are all
  equal (sd_r = 0) expresses no preference: z = 0. Reviewers with fewer reviews keep raw scores.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SCALE = 20


def weighted_score(items: Iterable[tuple[Decimal, int, int]]) -> Decimal:
    """`items` are (weight, value, scale_max) triples; the result is on /20, two decimals."""
    total_weight = Decimal("0")
    total = Decimal("0")
    for weight, value, scale_max in items:
        weight = Decimal(weight)
        total_weight += weight
        total += weight * Decimal(value) / Decimal(scale_max)
    if total_weight == 0:
        return Decimal("0.00")
    return (total / total_weight * SCALE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def running_total(items: Iterable[tuple[Decimal, int | None, int]]) -> tuple[Decimal, int, int]:
    """The weighted score of a review being filled in, as static/js/running-total.js shows it:
    an unscored criterion (value None) counts as 0, so the total grows as the reviewer scores and
    equals `weighted_score` once every criterion is scored. Returns (score on /20, criteria
    scored, criteria)."""
    items = list(items)
    total = weighted_score((weight, value or 0, scale_max) for weight, value, scale_max in items)
    return total, sum(1 for _weight, value, _max in items if value is not None), len(items)


@dataclass(frozen=True)
class ReviewScore:
    review_id: int
    reviewer_id: int
    application_id: int
    score: float


@dataclass
class Correction:
    """How one reviewer's scores were corrected, for the explanation shown beside the ranking."""

    reviewer_id: int
    count: int
    mean: float
    sd: float
    applied: bool


@dataclass
class WaveStatistics:
    mean: float | None
    sd: float | None
    min_reviews: int
    corrected: dict[int, float] = field(default_factory=dict)  # review id → corrected score
    reviewers: dict[int, Correction] = field(default_factory=dict)


def severity_correction(scores: list[ReviewScore], *, min_reviews: int) -> WaveStatistics:
    """Corrected score of every review of a wave (see the module docstring)."""
    if not scores:
        return WaveStatistics(mean=None, sd=None, min_reviews=min_reviews)
    values = [s.score for s in scores]
    wave_mean = statistics.fmean(values)
    wave_sd = statistics.pstdev(values)
    by_reviewer: dict[int, list[ReviewScore]] = defaultdict(list)
    for s in scores:
        by_reviewer[s.reviewer_id].append(s)
    result = WaveStatistics(mean=wave_mean, sd=wave_sd, min_reviews=min_reviews)
    for reviewer_id, own in by_reviewer.items():
        own_values = [s.score for s in own]
        own_mean = statistics.fmean(own_values)
        own_sd = statistics.pstdev(own_values)
        applied = len(own) >= min_reviews
        result.reviewers[reviewer_id] = Correction(reviewer_id, len(own), own_mean, own_sd, applied)
        for s in own:
            if not applied:
                result.corrected[s.review_id] = s.score
                continue
            z = (s.score - own_mean) / own_sd if own_sd > 0 else 0.0
            result.corrected[s.review_id] = min(SCALE, max(0.0, wave_mean + z * wave_sd))
    return result


@dataclass
class DossierAggregate:
    application_id: int
    count: int
    mean: float | None
    median: float | None
    spread: float | None
    corrected_mean: float | None
    disagreement: bool


def aggregate_dossier(
    application_id: int, scores: list[ReviewScore], stats: WaveStatistics, *, threshold: float
) -> DossierAggregate:
    values = [s.score for s in scores]
    if not values:
        return DossierAggregate(application_id, 0, None, None, None, None, False)
    spread = max(values) - min(values)
    corrected = [stats.corrected.get(s.review_id, s.score) for s in scores]
    return DossierAggregate(
        application_id=application_id,
        count=len(values),
        mean=statistics.fmean(values),
        median=statistics.median(values),
        spread=spread,
        corrected_mean=statistics.fmean(corrected),
        disagreement=len(values) > 1 and spread > threshold,
    )
