"""In Chromium: the laureate files a yearly report, the programme manager accepts it, and the
dashboard's "people trained to date" moves by the reported figure."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402

import pytest  # noqa: E402

from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import programme_manager  # noqa: E402
from tests.grants.helpers import laureate, signed_agreement  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def people_to_date(page, live_server) -> int:
    page.goto(f"{live_server.url}/pilotage/")
    text = page.locator("#people-trained-to-date strong").inner_text()
    return int(re.sub(r"\D", "", text))


def test_laureate_files_a_report_and_the_manager_accepts_it(page, live_server, tmp_path):
    manager = programme_manager()
    application = laureate(manager=manager)
    agreement = signed_agreement(application, manager)
    report = agreement.reports.order_by("number").first()

    login_page_as(page, live_server, manager)
    before = people_to_date(page, live_server)

    login_page_as(page, live_server, application.owner)
    page.goto(f"{live_server.url}/candidatures/{application.pk}/convention/rapports/{report.pk}/")
    page.fill("#id_people_initial_it", "70")
    page.fill("#id_people_continuing", "35")
    page.fill("#id_courses_opened", "1")
    page.fill("#id_modules_opened", "2")
    page.fill("#id_narrative", "Première promotion formée, deux modules ouverts.")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#submit-report")
    save_screenshot(page, tmp_path, "grant-report-laureate.png")
    page.click("#submit-report")
    page.wait_for_selector("#agreement-state")

    login_page_as(page, live_server, manager)
    page.goto(f"{live_server.url}/instruction/conventions/{application.pk}/rapports/{report.pk}/")
    assert page.locator("#report-total").inner_text() == "105"
    page.click("#accept-report")
    page.wait_for_selector("#agreement-state")
    save_screenshot(page, tmp_path, "grant-agreement-staff.png")
    after = people_to_date(page, live_server)
    assert after - before == 105
    save_screenshot(page, tmp_path, "grant-dashboard.png")
