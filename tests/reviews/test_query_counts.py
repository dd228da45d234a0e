"""The ranking page, the reviewer queue and the dossier list run a constant number of queries
whatever the number of dossiers (1 or 20)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SubmittedDossierFactory, WaveFactory, covering_reviewer, programme_manager
from tests.reviews.helpers import assign, submitted_review

pytestmark = pytest.mark.django_db


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx), response


def _build(n, wave, reviewers, pm):
    dossiers = []
    for i in range(n):
        dossier = SubmittedDossierFactory(wave=wave)
        for j, reviewer in enumerate(reviewers):
            submitted_review(assign(dossier, reviewer, pm), (i + j) % 6)
        dossiers.append(dossier)
    return dossiers


@pytest.mark.parametrize(
    "url_name,params",
    [("selection:ranking", "wave"), ("selection:dossiers", None), ("selection:dossiers", "filtered")],
)
def test_staff_pages_constant_queries(client, url_name, params):
    pm = programme_manager()
    reviewers = [covering_reviewer(), covering_reviewer()]
    wave = WaveFactory()
    _build(1, wave, reviewers, pm)
    client.force_login(pm)
    query = {"wave": wave.pk} if params == "wave" else {}
    if params == "filtered":
        query = {"wave": wave.pk, "reviewer": reviewers[0].pk, "score_min": "0", "disagreement": "false"}
    one, first = _count(client, reverse(url_name), query)
    _build(19, wave, reviewers, pm)
    twenty, response = _count(client, reverse(url_name), query)
    assert one == twenty
    rows = response.context["ranking"].rows if url_name == "selection:ranking" else response.context["rows"]
    # Filtered: scores (i % 6, (i + 1) % 6) × 4 differ by 4 points except for i % 6 == 5 (0 and
    # 20): those three dossiers are in disagreement and left out.
    assert len(rows) == (17 if params == "filtered" else 20)


def test_reviewer_queue_constant_queries(client):
    pm = programme_manager()
    reviewer = covering_reviewer()
    wave = WaveFactory()
    first = SubmittedDossierFactory(wave=wave)
    submitted_review(assign(first, reviewer, pm), 3)
    client.force_login(reviewer)
    one, _r = _count(client, reverse("evaluation:queue"))
    for i in range(19):
        assignment = assign(SubmittedDossierFactory(wave=wave), reviewer, pm)
        if i % 2:
            submitted_review(assignment, 4)
    twenty, response = _count(client, reverse("evaluation:queue"))
    assert one == twenty
    assert len(response.context["assignments"]) == 20
