"""The staff lists of the grant phase: the same number of queries for 1 and 50 rows (≤ 12)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import Agreement, Instalment, Report
from tests.factories import ApplicationFactory, WaveFactory, programme_manager

pytestmark = pytest.mark.django_db


def _build(n, wave, start=0):
    for k in range(start, start + n):
        application = ApplicationFactory(wave=wave, state="selected", reference=f"CMA-SN-2030-{k:04d}")
        agreement = Agreement.objects.create(
            application=application,
            state="running",
            amount_granted=Decimal("100000.00"),
            aid_rate=Decimal("60"),
            start_date=date(2025, 1, 1),
            duration_months=24,
        )
        report = Report.objects.create(
            agreement=agreement,
            kind="yearly",
            number=1,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            due_date=date.today() - timedelta(days=10),
            state="draft",
        )
        Report.objects.create(
            agreement=agreement,
            kind="final",
            number=2,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            due_date=date.today() - timedelta(days=1),
            state="submitted",
        )
        Instalment.objects.create(
            agreement=agreement,
            order=1,
            kind="advance",
            percentage=Decimal("100"),
            amount=Decimal("100000.00"),
            planned_date=date(2025, 1, 1),
            condition="report",
            report=report,
            state="paid",
        )


def _count(client, url):
    client.get(url)  # the session's first request stamps it (staff idle timeout): measure the next
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["grants_staff:agreements", "grants_staff:overdue"])
def test_grant_lists_constant_queries(client, url_name):
    wave = WaveFactory()
    client.force_login(programme_manager())
    _build(1, wave)
    one = _count(client, reverse(url_name))
    _build(49, wave, start=1)
    fifty = _count(client, reverse(url_name))
    assert one == fifty <= 12, (one, fifty)


def test_reports_to_review_are_paged_apart_from_the_agreements(client):
    """Every list a person reads is paginated: the reports to review have their own pages."""
    wave = WaveFactory()
    _build(27, wave)
    client.force_login(programme_manager())
    url = reverse("grants_staff:agreements")
    first = client.get(url).content.decode()
    listed = first.split('id="reports-to-review"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 25
    assert "?rapports=2" in first and "Pages des rapports à examiner" in first
    second = client.get(url, {"rapports": 2}).content.decode()
    assert second.split('id="reports-to-review"')[1].split("</ul>")[0].count("<li>") == 2
