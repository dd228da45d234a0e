"""The running total of the review grid (issue 12, "build also"): the server shows the weighted
score of the saved scores ("calculée à l'enregistrement"), with the attributes that
static/js/running-total.js reads to follow the scores on screen (tests/e2e/test_build_also.py
drives that part in Chromium)."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from reviews import scoring
from reviews.services.assignments import assignment_declare
from tests.factories import SubmittedDossierFactory, covering_reviewer
from tests.reviews.helpers import assign

pytestmark = pytest.mark.django_db


def test_running_total_counts_unscored_criteria_as_zero_and_meets_the_final_score():
    items = [(Decimal("2"), 5, 5), (Decimal("1.5"), 3, 5), (Decimal("1"), None, 5)]
    # (2×5/5 + 1.5×3/5 + 0) / 4.5 × 20 = 2.9 / 4.5 × 20 = 12.888… → 12.89
    assert scoring.running_total(items) == (Decimal("12.89"), 2, 3)
    complete = [(Decimal("2"), 5, 5), (Decimal("1.5"), 3, 5), (Decimal("1"), 4, 5)]
    assert scoring.running_total(complete)[0] == scoring.weighted_score(complete)
    assert scoring.running_total([]) == (Decimal("0.00"), 0, 0)


def _live_score(html: str) -> str:
    block = re.search(r'<p[^>]*id="review-live-score"[^>]*>(.*?)</p>', html, re.S).group(1)
    return " ".join(block.split())


def test_review_form_shows_the_saved_total_and_the_attributes_the_script_reads(client):
    reviewer = covering_reviewer()
    assignment = assign(SubmittedDossierFactory(), reviewer)
    assignment_declare(assignment=assignment, conflict=False, reason="", actor=reviewer)
    client.force_login(reviewer)
    url = reverse("evaluation:review", args=[assignment.pk])
    html = client.get(url).content.decode()
    scores = list(assignment.review.scores.select_related("criterion"))
    n = len(scores)
    assert (
        _live_score(html)
        == f"Note pondérée : 0,00 / 20, calculée à l'enregistrement (0 critère(s) noté(s) sur {n})."
    )
    assert 'data-running-total="20"' in html and 'aria-live="polite"' in html
    assert "%(total)s" in re.search(r'data-running-total-template="([^"]*)"', html).group(1)

    selects = re.findall(r"<select[^>]*name=\"score_\d+\"[^>]*>", html)
    assert len(selects) == n >= 3
    for score in scores:
        tag = next(s for s in selects if f'name="score_{score.criterion_id}"' in s)
        assert f'data-weight="{format(score.criterion.weight, "f")}"' in tag
        assert f'data-scale-max="{score.criterion.scale_max}"' in tag

    first, second = scores[0], scores[1]
    data = {f"score_{s.criterion_id}": "" for s in scores}
    data.update({f"score_{first.criterion_id}": "5", f"score_{second.criterion_id}": "3", "save": "1"})
    assert client.post(url, data).status_code == 302
    # sum(weight × score / 5) / sum(weight) × 20, unscored criteria counting 0.
    weights = sum(s.criterion.weight for s in scores)
    expected = (
        (
            first.criterion.weight * 5 / first.criterion.scale_max
            + second.criterion.weight * 3 / second.criterion.scale_max
        )
        / weights
        * 20
    ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    html = client.get(url).content.decode()
    assert _live_score(html) == (
        f"Note pondérée : {str(expected).replace('.', ',')} / 20, calculée à l'enregistrement (2 critère(s) noté(s) sur {n})."
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert (
        _live_score(html)
        == f"Weighted score: {expected} / 20, computed when saved (2 of {n} criteria scored)."
    )
    assert "Weighted score so far: %(total)s / 20" in html
