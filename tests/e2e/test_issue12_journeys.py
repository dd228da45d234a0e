"""Issue 12 in Chromium, as the users would: the decision panel (amount and letter), DSFR 404 and
403 in French and English, a history without raw codes in either language, two co-editors
saving the dossier, a draft moved from a closed wave and submitted, partners chosen among the
applicant's own organisations, and the funding line on the ranking. Screenshots under
/tmp/screenshots/issue12-*.png."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402
from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A raw code as the history used to show them: li_draft, submit_letter, document_uploaded…
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _english(page, live_server):
    host = urlparse(live_server.url).hostname
    page.context.add_cookies([{"name": "django_language", "value": "en", "domain": host, "path": "/"}])


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _save(page, button):
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def test_laureate_sees_decision_and_history_in_both_languages(page, live_server, tmp_path):
    from cma_portal.audit import audit_record
    from reviews.services.decisions import decision_record
    from tests.factories import programme_manager
    from tests.reviews.helpers import reviewed_dossier

    dossier = reviewed_dossier()
    owner = dossier.owner
    audit_record(actor=owner, verb="created", obj=dossier, to_state="li_draft")
    audit_record(actor=owner, verb="letter_saved", obj=dossier, data={"changed": ["title"]})
    audit_record(
        actor=owner,
        verb="document_uploaded",
        obj=dossier,
        data={"kind": "letter", "original_name": "lettre.pdf"},
    )
    audit_record(
        actor=owner,
        verb="transition",
        obj=dossier,
        from_state="li_draft",
        to_state="li_submitted",
        data={"transition": "submit_letter"},
    )
    audit_record(
        actor=None,
        verb="deadline_extended",
        obj=dossier,
        note="Report du conseil d'administration",
        data={"new_deadline": "2027-03-03T23:59:59+01:00"},
    )
    audit_record(actor=owner, verb="dossier_saved", obj=dossier, data={"section": "budget", "version": 3})
    decision = decision_record(
        application=dossier,
        outcome="selected",
        aid_granted=Decimal("450000"),
        rationale="Recruter un ingénieur pédagogique avant la première rentrée.",
        actor=programme_manager(),
    )
    login_page_as(page, live_server, owner)

    page.goto(f"{live_server.url}/candidatures/{dossier.pk}/")
    panel = page.locator(".cma-decision")
    assert "Décision du comité : Lauréat" in panel.inner_text()
    assert "450 000 €" in _plain(panel.locator(".cma-decision__amount").inner_text())
    letter = panel.get_by_role("link", name="Télécharger la lettre de décision (PDF)")
    assert letter.get_attribute("href") == f"/laureats/lettres/{decision.pk}.pdf"
    save_screenshot(page, tmp_path, "issue12-decision-detail.png")
    with page.expect_download() as download:
        letter.click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"{live_server.url}/candidatures/")
    assert "450 000 €" in _plain(page.locator(".cma-decision").inner_text())
    save_screenshot(page, tmp_path, "issue12-decision-dashboard.png")

    page.goto(f"{live_server.url}/candidatures/{dossier.pk}/historique/")
    history = page.locator("main").inner_text()
    assert "Lettre d'intention déposée" in history and "3 mars 2027" in history
    assert not RAW_CODE.findall(history), RAW_CODE.findall(history)
    save_screenshot(page, tmp_path, "issue12-history-fr.png")

    _english(page, live_server)
    page.goto(f"{live_server.url}/candidatures/{dossier.pk}/historique/")
    history = page.locator("main").inner_text()
    assert "Letter of intent submitted" in history and "March 3, 2027" in history
    assert not RAW_CODE.findall(history), RAW_CODE.findall(history)
    save_screenshot(page, tmp_path, "issue12-history-en.png")
    page.goto(f"{live_server.url}/candidatures/{dossier.pk}/")
    assert "Committee decision: Laureate" in page.locator(".cma-decision").inner_text()
    assert "450,000 €" in _plain(page.locator(".cma-decision__amount").inner_text())


def test_error_pages_in_both_languages(page, live_server, tmp_path):
    from reviews.services.assignments import assignment_declare
    from tests.factories import SubmittedDossierFactory, covering_reviewer, programme_manager
    from tests.reviews.helpers import assign

    reviewer = covering_reviewer()
    assignment = assign(SubmittedDossierFactory(), reviewer, programme_manager())
    assignment_declare(assignment=assignment, conflict=True, reason="J'y enseigne.", actor=reviewer)
    login_page_as(page, live_server, reviewer)

    response = page.goto(f"{live_server.url}/candidatures/mistyped-url/")
    assert response.status == 404
    page.get_by_role("heading", name="Page non trouvée").wait_for()
    # A reviewer is led back to their reviews, never to an applicant's "Mes candidatures".
    assert page.locator("main").get_by_role("link", name="Évaluation", exact=True).count() == 1
    assert page.get_by_role("link", name="Mes candidatures").count() == 0
    save_screenshot(page, tmp_path, "issue12-404-fr.png")

    response = page.goto(f"{live_server.url}/evaluation/affectations/{assignment.pk}/")
    assert response.status == 403
    page.get_by_role("heading", name="Accès refusé").wait_for()
    assert "conflit d'intérêts" in page.locator("main").inner_text()
    save_screenshot(page, tmp_path, "issue12-403-fr.png")

    _english(page, live_server)
    response = page.goto(f"{live_server.url}/candidatures/mistyped-url/")
    assert response.status == 404
    page.get_by_role("heading", name="Page not found").wait_for()
    save_screenshot(page, tmp_path, "issue12-404-en.png")
    response = page.goto(f"{live_server.url}/evaluation/affectations/{assignment.pk}/")
    assert response.status == 403
    page.get_by_role("heading", name="Access denied").wait_for()
    assert "conflict of interest" in page.locator("main").inner_text()
    save_screenshot(page, tmp_path, "issue12-403-en.png")


def test_coeditors_save_different_sections_and_conflict_on_the_same(browser, page, live_server, tmp_path):
    from applications.models import BudgetLine, Milestone
    from tests.applications.test_dossier_views import dossier_application
    from tests.factories import CollaboratorFactory

    application = dossier_application()
    coeditor = CollaboratorFactory(application=application).user
    url = f"{live_server.url}/candidatures/{application.pk}/dossier/"
    other_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    try:
        login_page_as(page, live_server, application.owner)
        login_page_as(other, live_server, coeditor)
        page.goto(url)
        other.goto(url)

        # Owner: milestones; co-editor, from the same page version: budget. Both succeed.
        page.fill("#id_milestones-0-title", "Ouverture du master")
        page.fill("#id_milestones-0-due_month", "12")
        _save(page, page.get_by_role("button", name="Enregistrer les jalons"))
        assert page.locator(".fr-alert--success").first.inner_text() == "Enregistré."
        other.select_option("#id_budget-0-year", "1")
        other.select_option("#id_budget-0-category", "staff")
        other.fill("#id_budget-0-eligible_cost", "100 000")
        other.fill("#id_budget-0-aid_requested", "70 000")
        other.fill("#id_budget-0-co_financing", "0")
        _save(other, other.get_by_role("button", name="Enregistrer le budget"))
        assert other.locator(".fr-alert--success").first.inner_text() == "Enregistré."
        assert Milestone.objects.filter(application=application).count() == 1
        assert BudgetLine.objects.filter(application=application).count() == 1
        # After a reload the amount reads as the French write it.
        assert _plain(other.locator("#id_budget-0-eligible_cost").input_value()) == "100 000"

        # Both edit the budget: the second save from a stale page conflicts, input kept.
        page.goto(url)
        page.fill("#id_budget-0-eligible_cost", "120 000")
        _save(page, page.get_by_role("button", name="Enregistrer le budget"))
        other.fill("#id_budget-0-eligible_cost", "4 242")
        other.fill("#id_budget-0-aid_requested", "1 000")
        _save(other, other.get_by_role("button", name="Enregistrer le budget"))
        assert (
            "Cette partie du dossier a été modifiée par une autre personne"
            in other.locator(".cma-messages").inner_text()
        )
        assert other.locator("#id_budget-0-eligible_cost").input_value() == "4 242"
        save_screenshot(other, tmp_path, "issue12-dossier-conflict.png")
        assert list(BudgetLine.objects.values_list("eligible_cost", flat=True)) == [Decimal("120000.00")]
    finally:
        other_context.close()


def test_draft_moves_from_closed_wave_and_is_submitted(page, live_server, tmp_path):
    from applications.models import Application
    from applications.workflow import State
    from tests.applications.helpers_letters import draft_ready_to_submit
    from tests.factories import WaveFactory, attach_document

    now = timezone.now()
    closed = WaveFactory(
        name_fr="Vague close", opens_at=now - timedelta(days=90), closes_at=now - timedelta(hours=3)
    )
    open_wave = WaveFactory(name_fr="Vague au fil de l'eau")
    draft = draft_ready_to_submit(wave=closed)
    attach_document(draft, kind="letter", name="lettre.pdf", pages=2)
    login_page_as(page, live_server, draft.owner)

    page.goto(f"{live_server.url}/candidatures/")
    row = page.locator("tr", has_text=draft.acronym)
    assert "jours restants" not in row.inner_text() and "échéance passée" in row.inner_text()

    page.goto(f"{live_server.url}/candidatures/{draft.pk}/lettre/")
    assert "Dépôt possible jusqu'au" not in page.locator("main").inner_text()
    alert = page.locator("#vague-close")
    assert "n'accepte plus de lettre d'intention" in alert.inner_text()
    save_screenshot(page, tmp_path, "issue12-letter-closed-wave.png")
    alert.locator("select").select_option(str(open_wave.pk))
    _save(page, alert.get_by_role("button", name="Déplacer vers cette vague"))
    assert "Vague au fil de l'eau" in page.locator(".fr-alert--success").first.inner_text()
    page.get_by_role("button", name="Déposer").click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for()
    draft = Application.objects.get(pk=draft.pk)
    assert draft.wave == open_wave and draft.state == State.LI_SUBMITTED


def test_partner_list_offers_only_own_organisations(page, live_server, tmp_path):
    from tests.applications.test_dossier_views import dossier_application
    from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory

    application = dossier_application()
    own = OrganisationFactory(name="Clinique de l'Orée", kind="hospital")
    MembershipFactory(organisation=own, user=application.owner)
    stranger = ApplicationFactory()
    foreign = OrganisationFactory(name="CHU Voisin", kind="hospital")
    MembershipFactory(organisation=foreign, user=stranger.owner)
    login_page_as(page, live_server, application.owner)

    page.goto(f"{live_server.url}/candidatures/{application.pk}/dossier/")
    options = page.locator("#id_partners-0-organisation option").all_inner_texts()
    assert any("Clinique de l'Orée" in o for o in options)
    assert not any("CHU Voisin" in o or stranger.lead_organisation.name in o for o in options)
    page.fill("#id_partners-0-new_name", "Campus numérique du Sud")
    page.select_option("#id_partners-0-new_kind", "digital_training")
    page.select_option("#id_partners-0-new_region", "OCC")
    page.select_option("#id_partners-0-role", "digital_training")
    _save(page, page.locator("#partenaires").get_by_role("button", name="Enregistrer le consortium"))
    assert "Campus numérique du Sud" in page.locator("#partenaires").inner_text()
    page.locator("#partenaires").scroll_into_view_if_needed()
    save_screenshot(page, tmp_path, "issue12-partners.png")


def test_ranking_shows_money_and_the_funding_line(page, live_server, tmp_path):
    from tests.factories import WaveFactory, covering_reviewer, programme_manager
    from tests.reviews.helpers import reviewed_dossier

    pm = programme_manager()
    wave = WaveFactory(name_fr="Vague avec enveloppe", budget_envelope=Decimal("1000000"))
    reviewers = [covering_reviewer() for _ in range(2)]
    best = reviewed_dossier(wave, reviewers, values=(5, 5), pm=pm)
    second = reviewed_dossier(wave, reviewers, values=(4, 3), pm=pm)
    login_page_as(page, live_server, pm)

    page.goto(f"{live_server.url}/instruction/selection/classement/?wave={wave.pk}")
    line = page.locator(".cma-funding-line")
    assert "Ligne de financement" in line.inner_text() and "1 000 000 €" in _plain(line.inner_text())
    rows = page.locator("table tbody tr").all_inner_texts()
    assert best.reference in rows[0] and "Ligne de financement" in rows[1] and second.reference in rows[2]
    assert "1 200 000 €" in _plain(rows[2])
    save_screenshot(page, tmp_path, "issue12-ranking.png")
    page.get_by_role("button", name="Publier les lauréats de la vague…").click()
    page.get_by_role("heading", name="Publier les lauréats").wait_for()
    save_screenshot(page, tmp_path, "issue12-publish-confirm.png")
