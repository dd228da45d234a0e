"""The applicant sees the committee's decision on the application page and the dashboard:
outcome, amount, conditions or reasons, what it means, and the decision letter (issue 12, 1)."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.services.decisions import decision_record
from tests.factories import UserFactory, programme_manager
from tests.reviews.helpers import reviewed_dossier

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def test_laureate_sees_amount_conditions_and_letter_on_page_and_dashboard(client):
    dossier = reviewed_dossier()
    decision = decision_record(
        application=dossier,
        outcome="selected",
        aid_granted=Decimal("450000"),
        rationale="Recruter un ingénieur pédagogique avant la première rentrée.",
        actor=programme_manager(),
    )
    client.force_login(dossier.owner)
    letter_url = reverse("laureates:letter", args=[decision.pk])
    for page in (reverse("applications:detail", args=[dossier.pk]), reverse("applications:dashboard")):
        body = _text(client.get(page))
        assert "Décision du comité : Lauréat" in body
        assert "450 000 €" in body
        assert "Recruter un ingénieur pédagogique" in body
        assert letter_url in body
    assert "Motifs et recommandations" not in _text(
        client.get(reverse("applications:detail", args=[dossier.pk]))
    )
    letter = client.get(letter_url)
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("outcome", "meaning"),
    [("waitlisted", "liste complémentaire"), ("not_selected", "n'est pas retenu")],
)
def test_other_outcomes_say_what_they_mean_with_reasons(client, outcome, meaning):
    dossier = reviewed_dossier()
    decision_record(
        application=dossier,
        outcome=outcome,
        rationale="Budget insuffisamment détaillé.",
        actor=programme_manager(),
    )
    client.force_login(dossier.owner)
    body = _text(client.get(reverse("applications:detail", args=[dossier.pk])))
    assert meaning in body and "Budget insuffisamment détaillé." in body
    assert "Aide accordée" not in body


def test_decision_panel_in_english(client):
    dossier = reviewed_dossier()
    decision_record(
        application=dossier,
        outcome="selected",
        aid_granted=Decimal("1234.5"),
        rationale="OK",
        actor=programme_manager(),
    )
    client.force_login(dossier.owner)
    client.cookies["django_language"] = "en"
    body = _text(client.get(reverse("applications:detail", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Aid granted:" in body and "1,234.50 €" in body


def test_another_applicant_sees_no_decision(client):
    dossier = reviewed_dossier()
    decision = decision_record(
        application=dossier,
        outcome="selected",
        aid_granted=Decimal("1000"),
        rationale="OK",
        actor=programme_manager(),
    )
    client.force_login(UserFactory())
    assert client.get(reverse("applications:detail", args=[dossier.pk])).status_code == 404
    assert reverse("laureates:letter", args=[decision.pk]) not in _text(
        client.get(reverse("applications:dashboard"))
    )
    assert client.get(reverse("laureates:letter", args=[decision.pk])).status_code == 404
