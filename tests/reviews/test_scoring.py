"""The aggregation functions, checked against figures computed by hand."""

import math
from decimal import Decimal

import pytest

from reviews import scoring
from reviews.scoring import ReviewScore


def test_weighted_score_is_on_20():
    # (2×4/5 + 1×3/5 + 1×20/20) / 4 × 20 = (1.6 + 0.6 + 1) / 4 × 20 = 16
    assert scoring.weighted_score(
        [(Decimal("2"), 4, 5), (Decimal("1"), 3, 5), (Decimal("1"), 20, 20)]
    ) == Decimal("16.00")


def test_weighted_score_rounds_half_up():
    # 1×1/3 / 1 × 20 = 6.666… → 6.67
    assert scoring.weighted_score([(Decimal("1"), 1, 3)]) == Decimal("6.67")


def test_median_of_even_count_is_mean_of_middle_values():
    stats = scoring.severity_correction([], min_reviews=3)
    scores = [ReviewScore(i, i, 1, v) for i, v in enumerate([10.0, 18.0, 12.0, 14.0], start=1)]
    agg = scoring.aggregate_dossier(1, scores, stats, threshold=5)
    assert agg.median == 13.0  # (12 + 14) / 2, not the mean 13.5
    assert agg.mean == 13.5
    assert agg.spread == 8.0
    assert agg.disagreement is True


def test_severity_correction_hand_checked():
    """Reviewer A is harsh (10, 12, 14), reviewer B lenient (14, 16, 18).

    Wave: six scores, mean 14; deviations −4 −2 0 0 2 4, variance 40/6, sd √(20/3) = 2.58199.
    A: mean 12, sd √(8/3) = 1.63299. A's 14 → z = 2/1.63299 = 1.224745 = √1.5,
       corrected = 14 + √1.5 × √(20/3) = 14 + √10 = 17.1623.
    B: mean 16, same sd. B's 14 → z = −√1.5, corrected = 14 − √10 = 10.8377.
    The same raw 14 is A's best and B's worst dossier: corrected, they are 6.32 points apart.
    """
    scores = [
        ReviewScore(1, 100, 1, 10.0),
        ReviewScore(2, 100, 2, 12.0),
        ReviewScore(3, 100, 3, 14.0),
        ReviewScore(4, 200, 3, 14.0),
        ReviewScore(5, 200, 4, 16.0),
        ReviewScore(6, 200, 5, 18.0),
    ]
    stats = scoring.severity_correction(scores, min_reviews=3)
    assert stats.mean == 14.0
    assert stats.sd == pytest.approx(2.581989, abs=1e-6)
    assert stats.corrected[3] == pytest.approx(14 + math.sqrt(10))
    assert stats.corrected[4] == pytest.approx(14 - math.sqrt(10))
    assert round(stats.corrected[3], 2) == 17.16
    assert round(stats.corrected[4], 2) == 10.84
    # A's middle score equals A's own mean: z = 0, corrected to the wave mean.
    assert stats.corrected[2] == pytest.approx(14.0)
    assert stats.reviewers[100].applied and stats.reviewers[100].mean == 12.0


def test_severity_correction_needs_enough_reviews():
    scores = [ReviewScore(1, 100, 1, 10.0), ReviewScore(2, 100, 2, 12.0), ReviewScore(3, 200, 1, 20.0)]
    stats = scoring.severity_correction(scores, min_reviews=3)
    assert stats.corrected == {1: 10.0, 2: 12.0, 3: 20.0}
    assert not stats.reviewers[100].applied


def test_severity_correction_reviewer_without_spread_maps_to_wave_mean():
    scores = [ReviewScore(1, 100, 1, 16.0), ReviewScore(2, 100, 2, 16.0), ReviewScore(3, 200, 1, 10.0)]
    stats = scoring.severity_correction(scores, min_reviews=2)
    assert stats.corrected[1] == pytest.approx(14.0)
    assert stats.corrected[3] == 10.0


def test_corrected_scores_are_clamped_to_scale():
    scores = [ReviewScore(i, 1, i, v) for i, v in enumerate([0.0, 0.0, 20.0], start=1)]
    scores += [ReviewScore(10 + i, 2, i, v) for i, v in enumerate([20.0, 20.0, 20.0, 19.0], start=1)]
    stats = scoring.severity_correction(scores, min_reviews=3)
    assert all(0 <= v <= 20 for v in stats.corrected.values())


@pytest.mark.django_db
@pytest.mark.postgres
def test_ranking_median_on_postgresql_matches_python():
    """The median comes from Python, not the database: same figure on PostgreSQL as on SQLite."""
    from reviews.selectors import wave_ranking
    from tests.factories import covering_reviewer
    from tests.reviews.helpers import reviewed_dossier

    reviewers = [covering_reviewer() for _ in range(4)]
    dossier = reviewed_dossier(reviewers=reviewers, values=(1, 2, 4, 5))  # 4, 8, 16, 20 on /20
    row = wave_ranking(dossier.wave).rows[0]
    assert row.aggregate.median == 12.0 and row.aggregate.mean == 12.0 and row.aggregate.spread == 16.0
