"""Acceptance of issue 5 in a real browser: a reviewer declares no conflict, fills the grid and
submits it. Screenshot: /tmp/screenshots/review_form.png."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from reviews.models import Assignment, Review  # noqa: E402
from reviews.services.assignments import assignment_create
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import SubmittedDossierFactory, covering_reviewer, programme_manager  # noqa: E402

# actions and the grids come from data migrations (put back by _reference_data).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reviewer_declares_fills_grid_and_submits(page, live_server, tmp_path):
    reviewer = covering_reviewer(first_name="Louise", last_name="Évaluatrice")
    dossier = SubmittedDossierFactory(title="Master santé numérique et données")
    assignment = assignment_create(
        application=dossier,
        reviewer=reviewer,
        due_at=timezone.now() + timedelta(days=14),
        actor=programme_manager(),
    )
    login_page_as(page, live_server, reviewer)

    page.goto(f"{live_server.url}/evaluation/")
    page.get_by_role("link", name="Master santé numérique et données").click()
    page.get_by_role("heading", name="Déclaration d'intérêts").wait_for()
    page.get_by_text("Je déclare n'avoir aucun lien d'intérêts").click()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()

    page.get_by_role("button", name="Transmettre l'évaluation").wait_for()
    selects = page.locator("select[name^='score_']")
    # The dossier answers action 3: its grid (issue 15), four criteria of the action's
    # priorities and four common ones.
    assert selects.count() == 8
    for i in range(selects.count()):
        selects.nth(i).select_option("4" if i % 2 else "3")
    comments = page.locator("textarea[name^='comment_']")
    for i in range(comments.count()):
        comments.nth(i).fill(f"Appréciation du critère {i + 1}.")
    page.locator("textarea[name='overall_opinion']").fill("Projet cohérent, consortium solide.")
    page.locator("select[name='recommendation']").select_option("fund")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()
    assert (
        page.locator("textarea[name='overall_opinion']").input_value()
        == "Projet cohérent, consortium solide."
    )
    save_screenshot(page, tmp_path, "review_form.png")

    page.get_by_role("button", name="Transmettre l'évaluation").click()
    page.get_by_text("Votre évaluation est transmise").wait_for()
    assert page.get_by_role("button", name="Transmettre l'évaluation").count() == 0

    review = Review.objects.get(assignment=assignment)
    assert review.state == Review.State.SUBMITTED
    assert Assignment.objects.get(pk=assignment.pk).state == Assignment.State.ACCEPTED
    # Action 3's grid: weights 1.5, 1.5, 1, 1, 1.5, 1.5, 1, 1 (sum 10), scores 3,4,3,4,3,4,3,4 on /5:
    # (4.5 + 6 + 3 + 4 + 4.5 + 6 + 3 + 4) / 5 / 10 × 20 = 35 / 50 × 20 = 14.00
    assert review.grid.action.number == 3
    assert review.weighted_score == Decimal("14.00")
    save_screenshot(page, tmp_path, "review_submitted.png")
