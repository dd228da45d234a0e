"""At 10,000 applications, PostgreSQL reads the page of the letters list and of the selection
list through an index, never by a sequential scan of the applications table (EXPLAIN)."""

import json

import pytest
from django.db import connection

from applications.demo_bulk import seed_bulk
from applications.filters import ScreeningFilter
from applications.selectors.staff import screening_applications
from reviews.filters import DossierFilter
from reviews.selectors import selection_dossiers
from tests.factories import UserFactory, WaveFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TABLE = "applications_application"
PAGE = slice(0, 25)


@pytest.fixture
def ten_thousand():
    seed_bulk(10_000, wave=WaveFactory(), applicant=UserFactory())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


def _plan(queryset) -> dict:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _assert_index_only(queryset, what):
    nodes = list(_nodes(_plan(queryset)))
    scans = [n for n in nodes if n.get("Relation Name") == TABLE]
    seq = [n for n in scans if n["Node Type"] == "Seq Scan"]
    assert not seq, f"{what}: sequential scan of {TABLE}"
    indexed = [n for n in nodes if n.get("Index Name") and (n.get("Relation Name") in (TABLE, None))]
    assert indexed, f"{what}: no index used: {[n['Node Type'] for n in nodes]}"
    return {n["Index Name"] for n in indexed}


def test_letters_list_pages_use_an_index(ten_thousand):
    qs = ScreeningFilter({}, queryset=screening_applications()).qs
    assert qs.count() > 8_000
    assert "app_letters_created_idx" in _assert_index_only(qs[PAGE], "letters, default order")
    for order in ("title", "submitted", "deadline", "reference"):
        _assert_index_only(ScreeningFilter({"o": order}, queryset=screening_applications()).qs[PAGE], order)


def test_selection_list_page_uses_an_index(ten_thousand):
    qs = DossierFilter({}, queryset=selection_dossiers()).qs
    assert qs.count() > 3_000
    _assert_index_only(qs[PAGE], "selection list")
    _assert_index_only(
        DossierFilter({"state": "under_review"}, queryset=selection_dossiers()).qs[PAGE], "state"
    )
