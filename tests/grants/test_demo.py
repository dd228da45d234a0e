"""seed_demo gives the demo laureate a signed agreement, one accepted and one pending report and
two payments, idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from grants.models import Agreement

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_signed_agreement_with_reports_and_payments(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    agreement = Agreement.objects.get(application__acronym="DEMO-LAUREAT")
    assert agreement.state == "running" and agreement.signed_on and agreement.signed_file
    states = list(agreement.reports.order_by("number").values_list("state", flat=True))
    assert states[:2] == ["accepted", "submitted"]
    assert agreement.instalments.filter(state="paid").count() == 2
    call_command("seed_demo", stdout=StringIO())
    assert Agreement.objects.count() == 1
