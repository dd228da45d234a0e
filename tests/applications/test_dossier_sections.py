"""Co-editors saving different sections of the dossier both succeed; the same section
conflicts and the refused input is kept (issue 12, point 4)."""

from decimal import Decimal

import pytest

from applications.models import BudgetLine, Milestone
from tests.factories import CollaboratorFactory

from .test_dossier_views import budget_row, dossier_application, formset_data, url

pytestmark = pytest.mark.django_db


def test_different_sections_from_the_same_page_version_both_save(client):
    application = dossier_application()
    editor = CollaboratorFactory(application=application).user
    displayed = application.version

    client.force_login(application.owner)
    owner_rows = [budget_row(1, "staff", "1000", "700", "0", "")]
    saved = client.post(
        url("dossier_budget", application), {"version": displayed, **formset_data("budget", owner_rows)}
    )
    assert saved.status_code == 302

    client.force_login(editor)
    milestone = {"title": "Ouverture du master", "due_month": "12", "deliverable": ""}
    response = client.post(
        url("dossier_milestones", application),
        {"version": displayed, **formset_data("milestones", [milestone])},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BudgetLine.objects.filter(application=application).count() == 1
    assert list(Milestone.objects.filter(application=application).values_list("title", flat=True)) == [
        "Ouverture du master"
    ]


def test_same_section_from_a_stale_page_conflicts_and_keeps_the_input(client):
    application = dossier_application()
    editor = CollaboratorFactory(application=application).user
    displayed = application.version
    client.force_login(application.owner)
    rows = [budget_row(1, "staff", "1000", "700", "0", "")]
    client.post(url("dossier_budget", application), {"version": displayed, **formset_data("budget", rows)})
    client.force_login(editor)
    stale = [budget_row(1, "equipment", "4242", "1000", "0", "")]
    response = client.post(
        url("dossier_budget", application), {"version": displayed, **formset_data("budget", stale)}
    )
    assert response.status_code == 409
    assert "Cette partie du dossier a été modifiée par une autre personne" in response.content.decode()
    assert 'value="4242"' in response.content.decode()
    assert list(BudgetLine.objects.values_list("eligible_cost", flat=True)) == [Decimal("1000.00")]
