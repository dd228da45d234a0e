"""The whole applicant part of issue 3 in Chromium, with the programme manager's GO in between
(staff page, in a second browser context): log in through the login page, fill and submit a
letter of intent with a real 2-page PDF, see the receipt; GO; then the full dossier section by
section (presentation PDF, .xlsx annex, partner's commitment letter, a budget line at 70 %, a
training target, a milestone), the completeness checklist, the submission with its
confirmation, and the dossier's receipt with its PDF link.

Only the rows the server renders are used (no "add a row" script). Screenshots of each key step
go to tmp_path (and /tmp/screenshots/journey_*.png); the last one is
/tmp/screenshots/applicant_journey.png."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests import fixtures_files as ff  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import (  # noqa: E402
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WaveFactory,
    programme_manager,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n"


def _plain(text: str) -> str:
    """Page text with the narrow and non-breaking spaces of French numbers made plain."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _success(page) -> str:
    page.locator(".fr-alert--success").first.wait_for()
    return page.locator(".fr-alert--success").first.inner_text()


def _save(page, button) -> str:
    """Click a section's own save button, wait for the page it redirects to, return the
    success message there (the previous page may show one too: do not read that one)."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()
    return _success(page)


def test_applicant_journey_letter_go_dossier(browser, page, live_server, tmp_path):
    from applications.models import Application, Document, Submission
    from applications.states import State

    user = UserFactory(email="porteur.parcours@univ-navigateur.fr", first_name="Inès", last_name="Garnier")
    university = OrganisationFactory(name="Université du Navigateur", kind="university")
    MembershipFactory(user=user, organisation=university)
    WaveFactory(name_fr="Vague du parcours navigateur")
    manager = programme_manager(first_name="Claire", last_name="Martin")

    files = {
        "letter": ("lettre-intention-navsante.pdf", ff.pdf_bytes(2, "Lettre d'intention — NAVSANTE")),
        "presentation": ("presentation-navsante.pdf", ff.pdf_bytes(3, "Présentation du projet NAVSANTE")),
        "annex": ("annexe-financiere-navsante.xlsx", ff.xlsx_bytes()),
        "commitment": ("engagement-chu.pdf", ff.pdf_bytes(1, "Lettre d'engagement du CHU")),
    }
    paths = {}
    for key, (name, content) in files.items():
        paths[key] = tmp_path / name
        paths[key].write_bytes(content)

    # --- Log in through the login page ----------------------------------------------------------
    page.goto(f"{live_server.url}/compte/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.cma-account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/compte/login/" not in page.url

    # --- Letter of intent in the open wave --------------------------------------------------
    page.goto(f"{live_server.url}/candidatures/")
    page.get_by_role("link", name="Nouvelle lettre d'intention").click()
    page.get_by_text("Vague du parcours navigateur").click()
    page.get_by_role("button", name="Commencer la lettre").click()
    page.get_by_role("heading", name="Lettre d'intention").wait_for()

    # DSFR checkboxes are styled labels over hidden inputs: click the label, as a person does.
    page.locator("label.fr-label", has_text="3. ").first.click()
    page.locator("label.fr-label", has_text="3a — ").first.click()
    assert page.get_by_label("3. ").is_checked() and page.get_by_label("3a — ").is_checked()
    page.locator("#id_lead_organisation").select_option(str(university.pk))
    page.locator("#id_title").fill("Former les informaticiens à la santé numérique")
    page.locator("#id_acronym").fill("NAVSANTE")
    page.locator("#id_summary").fill("Des modules de santé numérique dans les masters d'informatique.")
    page.locator("#id_estimated_total_cost").fill("1 000 000")
    page.locator("#id_estimated_aid_requested").fill("700 000")
    page.locator("#id_planned_duration_months").fill("48")
    page.locator("#id_people_trained_per_year").fill("250")
    page.locator("#id_audience").fill("Étudiants en master d'informatique et internes en santé")
    page.locator("#id_partners-0-name").fill("CHU du Navigateur")
    page.locator("#id_partners-0-kind").select_option("hospital")
    page.locator("#id_partners-0-region").select_option("BRE")
    page.locator("#id_partners-0-role").select_option("hospital")
    page.locator("#id_letter").set_input_files(str(paths["letter"]))
    assert save_screenshot(page, tmp_path, "journey_1_letter_form.png").read_bytes()[:8] == PNG

    page.get_by_role("button", name="Déposer").click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for()
    application = Application.objects.get(owner=user)
    assert application.state == State.LI_SUBMITTED
    reference = application.reference
    assert re.fullmatch(rf"CMA-SN-{timezone.localtime().year}-\d{{4}}", reference)
    receipt = page.locator("main").inner_text()
    assert reference in receipt and "NAVSANTE" in receipt
    letter_submission = Submission.objects.get(application=application)
    assert letter_submission.snapshot["documents"][0]["page_count"] == 2
    assert letter_submission.snapshot["documents"][0]["sha256"] in receipt
    save_screenshot(page, tmp_path, "journey_2_letter_receipt.png")

    # --- The programme manager records a GO, in a second browser context ---------------------
    staff_context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris"
    )
    staff_context.set_default_timeout(10_000)
    try:
        staff = staff_context.new_page()
        login_page_as(staff, live_server, manager)
        staff.goto(f"{live_server.url}/instruction/")
        staff.get_by_role("link", name=reference).click()
        staff.wait_for_url(f"**/instruction/candidatures/{application.pk}/")
        assert "NAVSANTE" in staff.locator("h1").inner_text()
        staff.locator("#id_go-note").fill("Projet solide, consortium hospitalier pertinent.")
        assert "GO enregistré" in _save(staff, staff.get_by_role("button", name="Enregistrer un GO"))
        save_screenshot(staff, tmp_path, "journey_3_staff_go.png")
    finally:
        staff_context.close()
    application.refresh_from_db()
    assert application.state == State.DOSSIER_DRAFT and application.dossier_deadline is not None

    # --- Back as the applicant: the full dossier, section by section --------------------------
    page.goto(f"{live_server.url}/candidatures/{application.pk}/")
    assert "Dossier complet à déposer au plus tard le" in page.locator("main").inner_text()
    page.locator("main").get_by_role("link", name="Dossier complet", exact=True).click()
    page.get_by_role("heading", name="Dossier complet", exact=True).wait_for()
    assert "Il reste" in page.locator("#dossier-deadline").inner_text()
    missing = page.locator("#missing-items").inner_text()
    assert "présentation" in missing and "CHU du Navigateur" in missing

    presentation = page.locator("#presentation")
    presentation.locator("input[type=file]").set_input_files(str(paths["presentation"]))
    assert _save(page, presentation.get_by_role("button", name="Déposer la présentation")) == "Enregistré."
    assert files["presentation"][0] in page.locator("#presentation").inner_text()

    annex = page.locator("#annexe")
    annex.locator("input[type=file]").set_input_files(str(paths["annex"]))
    _save(page, annex.get_by_role("button", name="Déposer l'annexe"))
    assert files["annex"][0] in page.locator("#annexe").inner_text()

    # The partner named in the letter is already in the consortium: add its commitment letter.
    partners = page.locator("#partenaires")
    assert "CHU du Navigateur" in partners.locator("legend").first.inner_text()
    page.locator("#id_partners-0-contribution").fill("Terrains de stage et formateurs hospitaliers")
    page.locator("#id_partners-0-commitment").set_input_files(str(paths["commitment"]))
    _save(page, partners.get_by_role("button", name="Enregistrer le consortium"))
    assert files["commitment"][0] in page.locator("#partenaires").inner_text()

    # One budget line at exactly the 70 % ceiling, in the first row the server renders.
    page.select_option("#id_budget-0-year", "1")
    page.select_option("#id_budget-0-category", "staff")
    # Typed the French way, as the page displays amounts.
    page.fill("#id_budget-0-eligible_cost", "1 000 000")
    page.fill("#id_budget-0-aid_requested", "700 000,00")
    page.fill("#id_budget-0-co_financing", "300 000")
    page.fill("#id_budget-0-co_financing_source", "Région Bretagne")
    _save(page, page.get_by_role("button", name="Enregistrer le budget"))
    total = _plain(page.locator("#budget-total").inner_text())
    assert "1 000 000,00 € de coûts éligibles" in total and "taux d'aide 70,00 %" in total
    assert page.locator("#budget-drift").count() == 0

    year = application.go_decided_at.astimezone(timezone.get_current_timezone()).year + 1
    page.select_option("#id_training-0-audience", "initial_it")
    page.fill("#id_training-0-year", str(year))
    page.fill("#id_training-0-people_trained", "200")
    page.fill("#id_training-0-hours", "30")
    _save(page, page.get_by_role("button", name="Enregistrer les objectifs"))

    page.fill("#id_milestones-0-title", "Ouverture des premiers modules")
    page.fill("#id_milestones-0-due_month", "12")
    page.fill("#id_milestones-0-deliverable", "Maquettes pédagogiques validées")
    _save(page, page.get_by_role("button", name="Enregistrer les jalons"))

    # Everything is there: the checklist says so.
    checklist = page.locator("#completude")
    assert "Toutes les pièces demandées sont présentes." in checklist.inner_text()
    assert page.locator("#missing-items").count() == 0
    save_screenshot(page, tmp_path, "journey_4_dossier_complete.png")

    # --- Submit, with its confirmation page ------------------------------------------------------
    checklist.get_by_role("link", name="Déposer le dossier complet").click()
    page.get_by_role("heading", name="Déposer le dossier complet").wait_for()
    summary = _plain(page.locator(".fr-callout").inner_text())
    assert "1 000 000,00 € de coûts éligibles et 700 000,00 € d'aide demandée (70,00 %)" in summary
    save_screenshot(page, tmp_path, "journey_5_confirm.png")
    page.get_by_role("button", name="Confirmer le dépôt").click()

    page.locator("#dossier-submitted").wait_for()
    assert reference in _success(page)
    assert page.locator("main .fr-badge").first.text_content().strip() == "Dossier complet déposé"
    assert page.locator("#id_budget-0-year").count() == 0  # read only now
    save_screenshot(page, tmp_path, "journey_6_dossier_submitted.png")

    # The dossier's receipt, from the application page, with its PDF (rendered on commit).
    page.goto(f"{live_server.url}/candidatures/{application.pk}/")
    assert page.locator("main .fr-badge").first.text_content().strip() == "Dossier complet déposé"
    page.get_by_role("link", name=re.compile(r"^Dossier complet — ")).click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for()
    assert reference in page.locator("main").inner_text()
    pdf_link = page.get_by_role("link", name="Télécharger le dossier complet (PDF)")
    pdf_link.wait_for(timeout=30_000)
    dossier_submission = Submission.objects.get(application=application, kind=Submission.Kind.DOSSIER)
    assert pdf_link.get_attribute("href") == (
        f"/candidatures/{application.pk}/depots/{dossier_submission.pk}/pdf/"
    )
    response = page.request.get(f"{live_server.url}{pdf_link.get_attribute('href')}")
    assert response.ok and response.body()[:5] == b"%PDF-"
    final = save_screenshot(page, tmp_path, "applicant_journey.png")
    assert final.read_bytes()[:8] == PNG

    # --- What the database holds at the end -----------------------------------------------------
    application.refresh_from_db()
    assert application.state == State.DOSSIER_SUBMITTED
    assert application.dossier_submitted_at is not None
    submissions = Submission.objects.filter(application=application)
    assert submissions.count() == 2
    assert {s.kind for s in submissions} == {Submission.Kind.LETTER, Submission.Kind.DOSSIER}
    dossier_submission.refresh_from_db()
    assert dossier_submission.pdf_status == "ready"
    assert dossier_submission.snapshot["budget"]["totals"]["aid_rate"] == "70.00"
    kinds = sorted(Document.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == sorted(["letter", "presentation", "financial_annex", "commitment"])
    partner = application.partners.select_related("organisation").get()
    assert partner.organisation.name == "CHU du Navigateur"
    assert partner.contribution == "Terrains de stage et formateurs hospitaliers"
    assert application.training_targets.get().people_trained == 200
    assert application.milestones.get().title == "Ouverture des premiers modules"
