"""Issue 5 in a real browser, programme manager side: the dossier list with its alerts, the
ranking with raw and corrected scores, the dossier page; laureates page. Screenshots under
/tmp/screenshots/."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

from reviews.services.decisions import decisions_publish
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import WaveFactory, covering_reviewer, programme_manager  # noqa: E402
from tests.reviews.helpers import reviewed_dossier  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_programme_manager_ranks_and_decides(page, live_server, tmp_path):
    pm = programme_manager()
    wave = WaveFactory(name_fr="Vague de sélection")
    reviewers = [covering_reviewer() for _ in range(2)]
    best = reviewed_dossier(wave, reviewers, values=(5, 4), pm=pm)
    split = reviewed_dossier(wave, reviewers, values=(5, 1), pm=pm)
    login_page_as(page, live_server, pm)

    page.goto(f"{live_server.url}/instruction/selection/?wave={wave.pk}")
    page.get_by_role("heading", name="Évaluation et sélection des dossiers").wait_for()
    assert page.locator("table .fr-badge", has_text="désaccord").count() == 1
    save_screenshot(page, tmp_path, "selection_dossiers.png")

    page.goto(f"{live_server.url}/instruction/selection/classement/?wave={wave.pk}")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert best.reference in rows.nth(0).inner_text()
    page.get_by_role("heading", name="Comment la note corrigée est calculée").wait_for()
    save_screenshot(page, tmp_path, "selection_ranking.png")

    page.get_by_role("link", name=f"{best.reference} — {best.title}").click()
    page.locator("select[name='outcome']").select_option("selected")
    page.locator("input[name='aid_granted']").fill("450000")
    page.locator("textarea[name='rationale']").fill("Projet le mieux classé de la vague.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("Décision enregistrée").wait_for()
    save_screenshot(page, tmp_path, "selection_dossier.png")
    best.refresh_from_db()
    assert best.state == "selected"

    decisions_publish(wave=wave, actor=pm)
    page.goto(f"{live_server.url}/laureats/")
    page.get_by_text(best.title).wait_for()
    assert page.get_by_text(split.title).count() == 0
    save_screenshot(page, tmp_path, "laureates.png")
