"""A staff form refused by the service comes back with what was typed (issue 12, point 8)."""

import html

import pytest
from django.urls import reverse

from applications.workflow import State
from tests.factories import programme_manager

from .helpers import reviewed_dossier

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_refused_decision_keeps_the_reasons_and_the_amount(client):
    dossier = reviewed_dossier()
    client.force_login(programme_manager())
    response = client.post(
        reverse("selection:decide", args=[dossier.pk]),
        {
            "outcome": "selected",
            "aid_granted": "999999999",
            "rationale": "Très bon projet, à financer en priorité.",
        },
    )
    assert response.status_code == 400
    body = _text(response)
    assert "dépasser l'aide demandée" in body
    assert "Très bon projet, à financer en priorité." in body and "999999999" in body
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_REVIEW
