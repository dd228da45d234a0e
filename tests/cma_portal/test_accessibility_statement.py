"""The accessibility statement says what RGAA 4.1 requires (issue 13): the remaining
non-conformities, the date, the contact means, the Défenseur des droits and the multi-year plan."""

import pytest

pytestmark = pytest.mark.django_db


def test_statement_in_french(client):
    html = client.get("/accessibilite/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for text in (
        "partiellement conforme",
        "Contenus non accessibles",
        "critère 12.13",
        "établie le 1er décembre 2026",
        "messagerie de votre candidature",
        "Défenseur des droits, Libre réponse 71120",
        "Schéma pluriannuel 2026-2028",
    ):
        assert text in html.replace("&#x27;", "'"), text
    assert "toutes les fonctions restent disponibles sans JavaScript" not in html
    assert html.count("<ul>") >= 3  # non-conformities, plan, recourse: real lists


def test_statement_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/accessibilite/").content.decode()
    for text in (
        "Known non-compliances",
        "prepared on 1 December 2026",
        "Defender of Rights",
        "Multi-year plan",
    ):
        assert text in html.replace("&#x27;", "'"), text


def test_statement_no_longer_lists_scrolling_tables(client):
    """Issue 13 point 4: list tables stack at 320 px; only charts and entry tables still scroll."""
    html = client.get("/accessibilite/", HTTP_ACCEPT_LANGUAGE="fr").content.decode().replace("&#x27;", "'")
    assert "les tableaux larges et les graphiques du pilotage défilent" not in html
    assert "les graphiques du pilotage et les tableaux de saisie du dossier" in html
    assert "chaque valeur précédée du titre de sa colonne" in html
    client.cookies["django_language"] = "en"
    html = client.get("/accessibilite/").content.decode().replace("&#x27;", "'")
    assert "wide tables and the steering charts scroll" not in html
    assert "the steering charts and the dossier's entry tables" in html


def test_statement_table_update_is_idempotent():
    from importlib import import_module

    from django.apps import apps

    from cma_portal.models import SitePage

    migration = import_module("cma_portal.migrations.0009_accessibility_statement_tables")
    before = SitePage.objects.get(slug="accessibilite")
    migration.update_statement(apps, None)
    after = SitePage.objects.get(slug="accessibilite")
    assert (after.body_fr, after.body_en) == (before.body_fr, before.body_en)
