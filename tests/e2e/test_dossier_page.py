"""The full dossier page in Chromium: a budget line saved through the browser, then a screenshot
(copied to /tmp/screenshots/dossier.png) to check the page by eye."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.models import BudgetLine, ConsortiumPartner, Milestone, TrainingTarget  # noqa: E402
from applications.services.documents import document_store  # noqa: E402
from applications.states import State  # noqa: E402
from tests import fixtures_files as ff  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import ApplicationFactory, OrganisationFactory  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _dossier():
    now = timezone.now()
    application = ApplicationFactory(
        state=State.DOSSIER_DRAFT,
        reference="CMA-SN-2026-0042",
        title="Former les futurs DSI hospitaliers au numérique en santé",
        acronym="DSI-SANTE",
        estimated_total_cost=Decimal("800000"),
        go_decided_at=now - timedelta(days=40),
        dossier_deadline=now + timedelta(days=50),
    )
    owner = application.owner
    document_store(
        application=application,
        kind="presentation",
        uploaded_file=ff.pdf_upload(3, "presentation-dsi-sante.pdf"),
        user=owner,
        page_count=3,
    )
    hospital = ConsortiumPartner.objects.create(
        application=application,
        organisation=OrganisationFactory(name="CHU de Bordeaux", kind="hospital"),
        role="hospital",
        contribution="Stages et encadrement des apprenants",
    )
    document_store(
        application=application,
        kind="commitment",
        uploaded_file=ff.pdf_upload(1, "engagement-chu.pdf"),
        user=owner,
        partner=hospital,
        page_count=1,
    )
    ConsortiumPartner.objects.create(
        application=application,
        organisation=OrganisationFactory(name="Campus numérique Aquitaine", kind="digital_training"),
        role="digital_training",
        contribution="Modules en ligne",
    )
    BudgetLine.objects.create(
        application=application,
        year=1,
        category="staff",
        eligible_cost=Decimal("400000"),
        aid_requested=Decimal("280000"),
        co_financing=Decimal("120000"),
        co_financing_source="Région Nouvelle-Aquitaine",
    )
    TrainingTarget.objects.create(
        application=application, audience="directors", year=now.year + 1, people_trained=40, hours=120
    )
    Milestone.objects.create(application=application, title="Ouverture du mastère", due_month=12)
    return application


def test_dossier_page_saves_a_budget_line_and_renders(page, live_server, tmp_path):
    application = _dossier()
    login_page_as(page, live_server, application.owner)
    page.goto(f"{live_server.url}/candidatures/{application.pk}/dossier/")
    page.get_by_role("heading", name="Dossier complet", exact=True).wait_for()
    assert "Il reste" in page.locator("#dossier-deadline").inner_text()
    assert "(heure de Paris)" in page.locator("#dossier-deadline").inner_text()

    # Add year 2 of the staff budget through the first empty row of the budget table.
    page.select_option("#id_budget-1-year", "2")
    page.select_option("#id_budget-1-category", "equipment")
    page.fill("#id_budget-1-eligible_cost", "600000")
    page.fill("#id_budget-1-aid_requested", "420000")
    page.get_by_role("button", name="Enregistrer le budget").click()
    page.locator(".fr-alert--success").first.wait_for()
    assert BudgetLine.objects.filter(application=application).count() == 2
    total = page.locator("#budget-total").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "1 000 000,00 € de coûts éligibles" in total
    # 1 M€ against the letter's 800 k€: +25 %, the drift warning shows.
    assert "25,0 %" in page.locator("#budget-drift").inner_text()
    assert "engagement" in page.locator("#missing-items").inner_text()
    save_screenshot(page, tmp_path, "dossier.png")
    assert (tmp_path / "dossier.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
