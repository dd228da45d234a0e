"""The ranking shows the aid requested, the cumulative aid against the wave's envelope with the
funding line, and publishing asks for confirmation (issue 12, point 9)."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.models import Decision
from reviews.services.decisions import decision_record
from tests.factories import WaveFactory, programme_manager

from .helpers import reviewed_dossier

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def _mfa_client(client, user):
    client.force_login(user)
    session = client.session
    session["mfa_authenticated"] = True
    session.save()
    return client


def test_ranking_draws_the_funding_line_where_the_envelope_runs_out(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    wave = WaveFactory(budget_envelope=Decimal("1000000"))
    best = reviewed_dossier(wave=wave, values=(5, 5))
    middle = reviewed_dossier(wave=wave, values=(4, 4))
    last = reviewed_dossier(wave=wave, values=(2, 2))
    client.force_login(programme_manager())
    page = _text(client.get(reverse("selection:ranking"), {"wave": wave.pk}))
    assert "Aide demandée" in page and "Aide cumulée" in page
    # 600 000 € each (the factory's letter estimate): two fit in 1 000 000 €? No: one does.
    assert "600 000 €" in page and "1 200 000 €" in page and "1 800 000 €" in page
    line = page.index("Ligne de financement")
    assert page.index(best.reference) < line < page.index(middle.reference) < page.index(last.reference)


def test_publish_asks_for_confirmation_first(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    pm = programme_manager()
    dossier = reviewed_dossier()
    decision_record(
        application=dossier, outcome="selected", aid_granted=Decimal("500000"), rationale="OK", actor=pm
    )
    client.force_login(pm)
    confirm = client.post(reverse("selection:publish"), {"wave": dossier.wave.pk})
    assert confirm.status_code == 200
    text = _text(confirm)
    assert "Vous allez publier 1 lauréat" in text and "500 000 €" in text and dossier.title in text
    assert not Decision.objects.filter(published_at__isnull=False).exists()
    done = client.post(reverse("selection:publish"), {"wave": dossier.wave.pk, "confirm": "1"})
    assert done.status_code == 302
    assert Decision.objects.filter(published_at__isnull=False).count() == 1
