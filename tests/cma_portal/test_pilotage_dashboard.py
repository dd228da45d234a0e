"""The programme dashboard against a hand-computed fixture, per role, with a constant query
count whatever the number of applications."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action
from applications.models import TrainingTarget
from pilotage.dashboard import build_dashboard
from tests.factories import (
    ApplicationFactory,
    WaveFactory,
    programme_manager,
    user_in_role,
)
from waves.models import Call

pytestmark = pytest.mark.django_db


def app(wave, state, numbers, requested, *, letter=True, go=False, dossier=False, granted=None, **kw):
    now = timezone.now()
    return ApplicationFactory(
        wave=wave,
        state=state,
        actions=list(Action.objects.filter(number__in=numbers)),
        estimated_aid_requested=Decimal(requested),
        letter_submitted_at=now - timedelta(days=90) if letter else None,
        go_decided_at=now - timedelta(days=60) if go else None,
        dossier_submitted_at=now - timedelta(days=30) if dossier else None,
        aid_granted=Decimal(granted) if granted else None,
        **kw,
    )


@pytest.fixture
def fixture_data():
    Call.objects.update(budget_envelope=Decimal("700000000"))
    now = timezone.now()
    wave_a = WaveFactory(
        name_fr="Vague A", budget_envelope=Decimal("5000000"), closes_at=now + timedelta(days=20)
    )
    wave_b = WaveFactory(name_fr="Vague B", budget_envelope=None, closes_at=now + timedelta(days=90))
    app(wave_a, "li_draft", [1], "600000", letter=False)
    app(wave_a, "li_submitted", [1], "400000")
    app(
        wave_a,
        "dossier_draft",
        [3],
        "500000",
        go=True,
        dossier_deadline=now + timedelta(days=10),
        acronym="ECHEANCE",
    )
    a4 = app(wave_a, "under_review", [1, 3], "700000", go=True, dossier=True)
    a5 = app(wave_a, "selected", [3], "800000", go=True, dossier=True, granted="750000")
    b1 = app(wave_b, "selected", [2], "300000", go=True, dossier=True, granted="250000")
    app(wave_b, "li_rejected", [2], "200000")
    for application, audience, year, people in (
        (a5, "initial_health", 2026, 100),
        (a5, "initial_health", 2027, 150),
        (a5, "continuing", 2027, 50),
        (b1, "continuing", 2027, 30),
        (a4, "initial_it", 2026, 999),  # not a laureate: not counted
    ):
        TrainingTarget.objects.create(
            application=application, audience=audience, year=year, people_trained=people, hours=20
        )
    return wave_a, wave_b


def test_dashboard_figures_match_the_hand_computed_fixture(fixture_data):
    wave_a, wave_b = fixture_data
    board = build_dashboard()
    funnel = {
        (r["wave"].name_fr, r["action"].number): (r["letters"], r["go"], r["dossiers"], r["laureates"])
        for r in board.funnel
    }
    assert funnel == {
        ("Vague A", 1): (2, 1, 1, 0),
        ("Vague A", 3): (3, 3, 2, 1),
        ("Vague B", 2): (2, 1, 1, 1),
    }
    assert board.funnel_totals == {"letters": 6, "go": 4, "dossiers": 3, "laureates": 2}
    aid = {
        r["wave"].name_fr: (r["requested"], r["granted"], r["envelope"], r["remaining"]) for r in board.aid
    }
    assert aid["Vague A"] == (Decimal("2400000"), Decimal("750000"), Decimal("5000000"), Decimal("4250000"))
    assert aid["Vague B"] == (Decimal("500000"), Decimal("250000"), None, None)
    assert board.aid_totals == {
        "requested": Decimal("2900000"),
        "granted": Decimal("1000000"),
        "envelope": Decimal("700000000"),
        "remaining": Decimal("699000000"),
    }
    assert [(r["year"], r["people"]) for r in board.training] == [(2026, 100), (2027, 80), (2027, 150)]
    assert board.training_by_year == [(2026, 100), (2027, 230)]
    assert board.training_total == 330
    kinds = [(d["kind"], d["label"]) for d in board.deadlines]
    assert ("wave", "Vague A") in kinds and ("wave", "Vague B") not in kinds
    assert any(kind == "dossier" and "ECHEANCE" in label for kind, label in kinds)
    assert board.reviews_overdue == 0


def test_dashboard_page_shows_tables_charts_and_csv(client_for, fixture_data):
    client = client_for(programme_manager())
    response = client.get("/pilotage/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 3
    assert "112" in page and "objectif" in page
    assert 'id="table-entonnoir"' in page and 'id="table-formation"' in page
    csv = client.get("/pilotage/export/entonnoir.csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Vague;Action;Lettres déposées;GO;Dossiers déposés;Lauréats"
    assert "Vague A;3;3;3;2;1" in lines
    aid = client.get("/pilotage/export/aides.csv").content.decode("utf-8-sig")
    assert "Vague A;2400000;750000;5000000;4250000" in aid
    assert "Appel (total);2900000;1000000;700000000;699000000" in aid
    assert client.get("/pilotage/export/inconnu.csv").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("applicant", 403), ("reviewer", 403), ("manager", 200), ("admin", 200)],
)
def test_dashboard_per_role(client_for, who, status):
    user = user_in_role(who)
    client = client_for(user)
    assert client.get("/pilotage/").status_code == status
    assert client.get("/pilotage/export/aides.csv").status_code == status


def test_dashboard_query_count_is_constant_in_the_number_of_applications(client_for):
    client = client_for(programme_manager())
    wave = WaveFactory(budget_envelope=Decimal("1000000"))

    def laureate():
        application = app(wave, "selected", [3], "1000", go=True, dossier=True, granted="900")
        TrainingTarget.objects.create(
            application=application, audience="continuing", year=2027, people_trained=5, hours=10
        )
        app(wave, "dossier_draft", [1], "1000", go=True, dossier_deadline=timezone.now() + timedelta(days=5))

    laureate()
    client.get("/pilotage/")
    cache.clear()  # the worst case: the figures computed, not read from the cache
    with CaptureQueriesContext(connection) as one:
        assert client.get("/pilotage/").status_code == 200
    for _ in range(19):
        laureate()
    cache.clear()
    with CaptureQueriesContext(connection) as twenty:
        response = client.get("/pilotage/")
    assert response.status_code == 200
    assert len(twenty) == len(one)
    assert build_dashboard().funnel_totals["laureates"] == 20


def test_dashboard_is_served_from_the_cache_until_something_is_recorded(client_for):
    from cma_portal.audit import audit_record
    from pilotage.dashboard import dashboard_cached

    client = client_for(programme_manager())
    wave = WaveFactory()
    app(wave, "selected", [3], "1000", go=True, dossier=True, granted="900")
    client.get("/pilotage/")
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        client.get("/pilotage/")
    with CaptureQueriesContext(connection) as cached:
        assert client.get("/pilotage/").status_code == 200
    assert len(cached) < len(computed)
    assert dashboard_cached().funnel_totals["laureates"] == 1
    # A new laureate, recorded as every write is: the next read counts it.
    second = app(wave, "selected", [1], "1000", go=True, dossier=True, granted="500")
    assert dashboard_cached().funnel_totals["laureates"] == 1  # nothing recorded yet
    audit_record(actor=None, verb="decision_recorded", obj=second)
    assert dashboard_cached().funnel_totals["laureates"] == 2


def test_dashboard_lists_the_20_nearest_deadlines_and_says_how_many_more(client_for):
    client = client_for(programme_manager())
    wave = WaveFactory()
    for days in range(1, 26):
        app(
            wave,
            "dossier_draft",
            [1],
            "1000",
            go=True,
            dossier_deadline=timezone.now() + timedelta(days=days),
        )
    page = client.get("/pilotage/").content.decode()
    table = page.split('id="table-echeances"')[1].split("</table>")[0]
    assert table.count("<tr") == 21  # header + 20 rows
    assert "5 autres échéances" in page
    csv = b"".join(
        client.get("/pilotage/export/echeances.csv").streaming_content
        if hasattr(client.get("/pilotage/export/echeances.csv"), "streaming_content")
        else [client.get("/pilotage/export/echeances.csv").content]
    )
    assert csv.decode("utf-8-sig").count("\n") >= 26
