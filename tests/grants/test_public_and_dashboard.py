"""The public laureates page shows each project's progress; the programme dashboard shows people
trained to date from accepted reports, money committed and paid, reports late."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import ReportTraining
from reviews.services.decisions import decisions_publish
from tests.factories import administrator, programme_manager
from tests.grants.helpers import laureate, signed_agreement

pytestmark = pytest.mark.django_db


def accepted_report(agreement, people):
    from grants.services.reports import report_accept

    report = agreement.reports.order_by("number").first()
    type(report).objects.filter(pk=report.pk).update(state="submitted", narrative="Fait.")
    ReportTraining.objects.create(report=report, audience="continuing", people_trained=people)
    report.refresh_from_db()
    report_accept(report=report, actor=programme_manager())
    return report


def test_laureates_page_shows_progress(client):
    pm = programme_manager()
    application = laureate(manager=pm)
    agreement = signed_agreement(application, pm)
    accepted_report(agreement, 137)
    decisions_publish(wave=application.wave, actor=pm)
    body = client.get(reverse("laureates:list")).content.decode()
    assert "Projet en cours" in body and ">137<" in body


def test_dashboard_shows_people_trained_to_date_and_money(client):
    pm = programme_manager()
    agreement = signed_agreement(laureate(aid=Decimal("400000.00"), manager=pm), pm)
    client.force_login(administrator())
    before = client.get(reverse("pilotage:dashboard")).context["board"].outcomes
    assert before.trained_to_date == 0 and before.committed == Decimal("400000.00")
    accepted_report(agreement, 42)
    after = client.get(reverse("pilotage:dashboard")).context["board"].outcomes
    assert after.trained_to_date == 42
    assert any(row["trained"] == 42 for row in after.by_action)
    assert after.trajectory and after.trajectory[-1]["year"] == 2030
    assert after.paid == Decimal("0") and after.reports_late == 0
    assert sum(row["committed"] for row in after.money_by_wave) == Decimal("400000.00")
    assert any(row["committed"] == Decimal("400000.00") for row in after.money_by_action)
