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
