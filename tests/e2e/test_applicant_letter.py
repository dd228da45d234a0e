"""The applicant's letter of intent in Chromium: log in through the login page, fill the letter,
upload a real PDF, submit, see the receipt. Screenshot of the letter form copied to
/tmp/screenshots/letter_form.png."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

from tests import fixtures_files as ff  # noqa: E402
from tests.e2e.conftest import save_screenshot  # noqa: E402
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WaveFactory  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_applicant_submits_letter_in_browser(page, live_server, tmp_path):
    from applications.models import Application, Submission
    from applications.states import State

    user = UserFactory(email="porteuse.e2e@univ-exemple.fr")
    membership = MembershipFactory(user=user)
    WaveFactory(name_fr="Vague navigateur")
    letter_path = tmp_path / "lettre-intention.pdf"
    letter_path.write_bytes(ff.pdf_bytes(2, "Lettre d'intention — test navigateur"))

    page.goto(f"{live_server.url}/compte/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.cma-account-form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/candidatures/")
    page.get_by_role("link", name="Nouvelle lettre d'intention").click()
    page.get_by_text("Vague navigateur").click()
    page.get_by_role("button", name="Commencer la lettre").click()
    page.get_by_role("heading", name="Lettre d'intention").wait_for()

    # DSFR checkboxes are styled labels over hidden inputs: click the label, as a person does.
    page.locator("label.fr-label", has_text="3. ").first.click()
    page.locator("label.fr-label", has_text="3a — ").first.click()
    assert page.get_by_label("3. ").is_checked() and page.get_by_label("3a — ").is_checked()
    page.locator("#id_lead_organisation").select_option(str(membership.organisation.pk))
    page.locator("#id_title").fill("Former les informaticiens à la santé numérique")
    page.locator("#id_acronym").fill("INFOSAN")
    page.locator("#id_summary").fill("Des modules de sensibilisation dans les masters d'informatique.")
    page.locator("#id_estimated_total_cost").fill("1 500 000")
    page.locator("#id_estimated_aid_requested").fill("1 000 000")
    page.locator("#id_planned_duration_months").fill("48")
    page.locator("#id_people_trained_per_year").fill("300")
    page.locator("#id_audience").fill("Étudiants en master d'informatique")
    page.locator("#id_partners-0-name").fill("CHU de la Navigation")
    page.locator("#id_partners-0-kind").select_option("hospital")
    page.locator("#id_partners-0-role").select_option("hospital")
    page.locator("#id_letter").set_input_files(str(letter_path))
    shot = save_screenshot(page, tmp_path, "letter_form.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.get_by_role("button", name="Déposer").click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for()
    application = Application.objects.get(owner=user)
    assert application.state == State.LI_SUBMITTED
    body = page.locator("main").inner_text()
    assert application.reference in body
    submission = Submission.objects.get(application=application)
    assert submission.snapshot["documents"][0]["sha256"] in body
    assert submission.snapshot["documents"][0]["page_count"] == 2
    save_screenshot(page, tmp_path, "letter_receipt.png")
