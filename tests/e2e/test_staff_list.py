"""The programme managers' list of letters in Chromium: filter, sort, open a letter and record
a GO, with screenshots of the list and the detail page checked by eye."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from datetime import timedelta  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.models import Organisation  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import (  # noqa: E402
    OrganisationFactory,
    SubmittedLetterFactory,
    programme_manager,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_list_filter_sort_and_go(page, live_server, tmp_path):
    manager = programme_manager(first_name="Claire", last_name="Martin")
    now = timezone.now()
    rows = [
        ("Former les futurs DSI hospitaliers", "DSI-SANTE", "Université de Lille", "HDF", "li_submitted"),
        (
            "Double culture informatique et santé",
            "INFOSANTE",
            "École d'ingénieurs de Brest",
            "BRE",
            "li_submitted",
        ),
        ("Droit du numérique en santé", "JURINUM", "Université de Bordeaux", "NAQ", "dossier_draft"),
        (
            "Dispositifs médicaux et réglementation",
            "DM-REG",
            "Université de Strasbourg",
            "GES",
            "li_rejected",
        ),
    ]
    letters = []
    for n, (title, acronym, org, region, state) in enumerate(rows):
        kind = Organisation.Kind.ENGINEERING_SCHOOL if "École" in org else Organisation.Kind.UNIVERSITY
        letters.append(
            SubmittedLetterFactory(
                title=title,
                acronym=acronym,
                state=state,
                reference=f"CMA-SN-2026-{n + 41:04d}",
                lead_organisation=OrganisationFactory(name=org, region=region, kind=kind),
                letter_submitted_at=now - timedelta(days=10 - n),
                dossier_deadline=now + timedelta(days=75) if state == "dossier_draft" else None,
                decision_note="Consortium à renforcer." if state == "li_rejected" else "",
            )
        )
    login_page_as(page, live_server, manager)

    page.goto(f"{live_server.url}/instruction/")
    assert page.locator("h1").inner_text() == "Instruction des lettres d'intention"
    assert page.locator("tbody tr").count() == 4
    save_screenshot(page, tmp_path, "staff_list.png")

    # Filter by state through the form, then sort by title.
    page.select_option("select[name=state]", "li_submitted")
    page.get_by_role("button", name="Appliquer").click()
    assert page.locator("tbody tr").count() == 2
    page.get_by_role("link", name="Titre").click()
    titles = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert [t.split(" — ")[-1] for t in titles] == [
        "Double culture informatique et santé",
        "Former les futurs DSI hospitaliers",
    ]

    # Open the first letter and record a GO.
    page.get_by_role("link", name="CMA-SN-2026-0042").click()
    assert "INFOSANTE" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Enregistrer un GO").click()
    assert "GO enregistré" in page.locator(".fr-alert").first.inner_text()
    save_screenshot(page, tmp_path, "staff_detail.png")
    letters[1].refresh_from_db()
    assert letters[1].state == "dossier_draft" and letters[1].dossier_deadline is not None
