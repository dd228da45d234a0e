"""Decisions: through the workflow, with their rules, emails, letters and publication."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from applications.states import State
from reviews import pdf
from reviews.errors import ReviewError
from reviews.models import Decision
from reviews.services.decisions import decision_record, decisions_publish, decisions_record_bulk
from tests.factories import CollaboratorFactory, programme_manager
from tests.reviews.helpers import reviewed_dossier

pytestmark = pytest.mark.django_db


def test_laureate_needs_aid_within_request_and_rationale():
    pm = programme_manager()
    dossier = reviewed_dossier()
    with pytest.raises(ReviewError, match="dépasser"):
        decision_record(
            application=dossier, outcome="selected", aid_granted=Decimal("600000.01"), rationale="x", actor=pm
        )
    with pytest.raises(ReviewError, match="montant"):
        decision_record(application=dossier, outcome="selected", rationale="x", actor=pm)
    with pytest.raises(ReviewError, match="motifs"):
        decision_record(
            application=dossier, outcome="selected", aid_granted=Decimal("1"), rationale="  ", actor=pm
        )
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_REVIEW and not Decision.objects.exists()


def test_waitlisted_then_selected_notifies_owner_and_coeditors(django_capture_on_commit_callbacks):
    pm = programme_manager()
    dossier = reviewed_dossier()
    coeditor = CollaboratorFactory(application=dossier).user
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(
            application=dossier, outcome="waitlisted", rationale="En attente de crédits.", actor=pm
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dossier.owner.email, coeditor.email])
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(
            application=dossier,
            outcome="selected",
            aid_granted=Decimal("420000"),
            rationale="Crédits libérés.",
            actor=pm,
        )
    dossier.refresh_from_db()
    assert dossier.state == State.SELECTED and dossier.aid_granted == Decimal("420000")
    assert Decision.objects.get().outcome == "selected" and len(mail.outbox) == 4
    text = PdfReader(io.BytesIO(pdf.render_decision_letter(decision))).pages[0].extract_text()
    assert "Crédits libérés." in text and "420" in text


def test_bulk_decision_refuses_laureates_and_applies_to_all():
    pm = programme_manager()
    dossiers = [reviewed_dossier() for _ in range(2)]
    with pytest.raises(ReviewError):
        decisions_record_bulk(applications=dossiers, outcome="selected", rationale="x", actor=pm)
    decisions = decisions_record_bulk(
        applications=dossiers, outcome="not_selected", rationale="Classement insuffisant.", actor=pm
    )
    assert [d.outcome for d in decisions] == ["not_selected", "not_selected"]
    # Already decided: a second decision on a not-selected dossier is refused by the workflow.
    with pytest.raises(ReviewError):
        decision_record(application=dossiers[0], outcome="waitlisted", rationale="x", actor=pm)


def test_publication_lists_only_laureates(client):
    pm = programme_manager()
    laureate, other = reviewed_dossier(), reviewed_dossier()
    decision_record(
        application=laureate, outcome="selected", aid_granted=Decimal("1000"), rationale="Oui.", actor=pm
    )
    decision_record(application=other, outcome="waitlisted", rationale="Peut-être.", actor=pm)
    assert laureate.title not in client.get("/laureats/").content.decode()
    assert decisions_publish(wave=laureate.wave, actor=pm) == 1
    html = client.get("/laureats/").content.decode()
    assert laureate.title in html and other.title not in html
