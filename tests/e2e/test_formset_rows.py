"""Formset rows added in the browser (static/js/formset-rows.js): "Ajouter une ligne" on the
dossier's budget, "Ajouter un partenaire" on the letter of intent; the rows reach the database.
Without JavaScript the buttons stay hidden and the "save to get more rows" hint remains.
Screenshot copied to /tmp/screenshots/formset_rows.png."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from decimal import Decimal  # noqa: E402

import pytest  # noqa: E402

from applications.models import BudgetLine, ConsortiumPartner  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.e2e.test_dossier_page import _dossier  # noqa: E402
from tests.factories import ApplicationFactory  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_budget_rows_added_in_browser_are_saved(page, live_server, tmp_path):
    application = _dossier()  # one budget line saved: forms 0 (saved) and 1-3 (empty extras)
    login_page_as(page, live_server, application.owner)
    page.goto(f"{live_server.url}/candidatures/{application.pk}/dossier/")
    budget = page.locator("#budget")
    add = budget.get_by_role("button", name="Ajouter une ligne")
    assert add.is_visible()
    assert page.locator("#id_budget-TOTAL_FORMS").input_value() == "4"

    add.click()
    assert _focused_id(page) == "id_budget-4-year"  # focus moves to the new row
    add.click()
    assert _focused_id(page) == "id_budget-5-year"
    assert page.locator("#id_budget-TOTAL_FORMS").input_value() == "6"
    assert budget.locator("[data-formset-rows] tr").count() == 6
    assert budget.get_by_label("Année").count() == 6  # each new field keeps its own label

    page.select_option("#id_budget-4-year", "2")
    page.select_option("#id_budget-4-category", "staff")
    page.fill("#id_budget-4-eligible_cost", "100000")
    page.fill("#id_budget-4-aid_requested", "70000")
    page.select_option("#id_budget-5-year", "3")
    page.select_option("#id_budget-5-category", "equipment")
    page.fill("#id_budget-5-eligible_cost", "50000")
    page.fill("#id_budget-5-aid_requested", "35000")
    page.locator("#budget").scroll_into_view_if_needed()
    save_screenshot(page, tmp_path, "formset_rows.png", full_page=False)

    page.get_by_role("button", name="Enregistrer le budget").click()
    page.locator(".fr-alert--success").first.wait_for()
    saved = {
        (line.year, line.category, line.eligible_cost, line.aid_requested)
        for line in BudgetLine.objects.filter(application=application)
    }
    assert saved == {
        (1, "staff", Decimal("400000.00"), Decimal("280000.00")),
        (2, "staff", Decimal("100000.00"), Decimal("70000.00")),
        (3, "equipment", Decimal("50000.00"), Decimal("35000.00")),
    }
    # Every formset of the page has its own button.
    for section in ("#partenaires", "#formation", "#jalons"):
        assert page.locator(f"{section} [data-formset-add]").is_visible()


def test_third_partner_added_on_letter_form(page, live_server, tmp_path):
    application = ApplicationFactory()  # letter in draft, no partner: two empty partner blocks
    login_page_as(page, live_server, application.owner)
    page.goto(f"{live_server.url}/candidatures/{application.pk}/lettre/")
    page.get_by_role("heading", name="Lettre d'intention").first.wait_for()
    for index, (name, kind, role) in enumerate(
        [("CHU de Lille", "hospital", "hospital"), ("IUT de Lens", "university", "higher_education")]
    ):
        page.fill(f"#id_partners-{index}-name", name)
        page.select_option(f"#id_partners-{index}-kind", kind)
        page.select_option(f"#id_partners-{index}-role", role)
        page.select_option(f"#id_partners-{index}-region", "HDF")

    add = page.get_by_role("button", name="Ajouter un partenaire")
    add.click()
    assert _focused_id(page) == "id_partners-2-name"
    assert page.get_by_text("Partenaire 3", exact=True).is_visible()
    page.keyboard.type("Campus numérique du Nord")
    page.select_option("#id_partners-2-kind", "digital_training")
    page.select_option("#id_partners-2-role", "digital_training")
    page.select_option("#id_partners-2-region", "HDF")
    add.scroll_into_view_if_needed()
    save_screenshot(page, tmp_path, "formset_rows_letter.png", full_page=False)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()

    partners = ConsortiumPartner.objects.filter(application=application).select_related("organisation")
    assert sorted(p.organisation.name for p in partners) == [
        "CHU de Lille",
        "Campus numérique du Nord",
        "IUT de Lens",
    ]

    # MAX_NUM_FORMS (30) is respected: 3 saved + 2 empty rows, then 25 added, then no more.
    assert page.locator("#id_partners-TOTAL_FORMS").input_value() == "5"
    for _ in range(25):
        add.click()
    assert page.locator("#id_partners-TOTAL_FORMS").input_value() == "30"
    assert add.is_disabled()
    assert page.locator(".cma-partner").count() == 30


def test_without_javascript_buttons_stay_hidden(browser, live_server):
    application = _dossier()
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = login_page_as(context.new_page(), live_server, application.owner)
        page.goto(f"{live_server.url}/candidatures/{application.pk}/dossier/")
        assert page.locator("[data-formset-add]").count() == 4
        assert not page.locator("[data-formset-add]").first.is_visible()
        assert (
            page.locator("#budget").get_by_text("enregistrez pour obtenir de nouvelles lignes").is_visible()
        )
    finally:
        context.close()
