"""Issue 12's "build also", in Chromium: the running total of the review grid follows the scores
as the reviewer picks them (and is the figure the server computes on saving), and a changed
letter of intent makes the browser ask before the page goes away, while an unchanged one or
saving it does not. Screenshots under /tmp/screenshots/build-also-*.png."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from decimal import ROUND_HALF_UP, Decimal  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import pytest  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _plain(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def test_reviewer_sees_the_weighted_total_change_with_each_score(page, live_server, tmp_path):
    from reviews.services.assignments import assignment_declare
    from tests.factories import SubmittedDossierFactory, covering_reviewer
    from tests.reviews.helpers import assign

    reviewer = covering_reviewer()
    assignment = assign(SubmittedDossierFactory(), reviewer)
    assignment_declare(assignment=assignment, conflict=False, reason="", actor=reviewer)
    login_page_as(page, live_server, reviewer)
    page.goto(f"{live_server.url}{reverse('evaluation:review', args=[assignment.pk])}")
    total = page.locator("#review-live-score")
    assert total.get_attribute("aria-live") == "polite"
    selects = page.locator("select[data-weight]")
    n = selects.count()
    assert n >= 4
    weights = [Decimal(selects.nth(i).get_attribute("data-weight")) for i in range(n)]
    maxima = [int(selects.nth(i).get_attribute("data-scale-max")) for i in range(n)]
    assert _plain(total.inner_text()) == (
        f"Note pondérée : 0,00 / 20, calculée à l'enregistrement (0 critère(s) noté(s) sur {n})."
    )

    def expected(picked: dict[int, int]) -> Decimal:
        # sum(weight × score / maximum) / sum(weight) × 20, unscored criteria counting 0.
        value = sum(weights[i] * v / maxima[i] for i, v in picked.items()) / sum(weights) * 20
        return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def french(value: Decimal) -> str:
        return str(value).replace(".", ",")

    selects.nth(0).select_option("5")
    assert _plain(total.inner_text()) == (
        f"Note pondérée en cours : {french(expected({0: 5}))} / 20 (1 critère(s) noté(s) sur {n}, avant enregistrement)."
    )
    selects.nth(1).select_option("3")
    assert f"{french(expected({0: 5, 1: 3}))} / 20 (2 critère(s) noté(s) sur {n}" in _plain(
        total.inner_text()
    )
    selects.nth(2).select_option("1")
    assert f"{french(expected({0: 5, 1: 3, 2: 1}))} / 20 (3 critère(s)" in _plain(total.inner_text())
    selects.nth(2).select_option("")  # unscored again
    assert f"{french(expected({0: 5, 1: 3}))} / 20 (2 critère(s)" in _plain(total.inner_text())
    save_screenshot(page, tmp_path, "build-also-running-total.png")

    # Saving: the server computes the same figure from the saved scores (no dialog either:
    # sending the form is not leaving it).
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert dialogs == []
    assert _plain(page.locator("#review-live-score").inner_text()) == (
        f"Note pondérée : {french(expected({0: 5, 1: 3}))} / 20, calculée à l'enregistrement (2 critère(s) noté(s) sur {n})."
    )

    # The same in English, numbers written the English way.
    host = urlparse(live_server.url).hostname
    page.context.add_cookies([{"name": "django_language", "value": "en", "domain": host, "path": "/"}])
    page.reload()
    page.locator("select[data-weight]").nth(3).select_option("5")
    assert _plain(page.locator("#review-live-score").inner_text()) == (
        f"Weighted score so far: {expected({0: 5, 1: 3, 3: 5})} / 20 (3 of {n} criteria scored, not saved yet)."
    )


def test_changed_letter_asks_before_leaving_and_unchanged_one_does_not(page, live_server, tmp_path):
    from tests.factories import ApplicationFactory

    letter = ApplicationFactory(title="Former aux données de santé")
    login_page_as(page, live_server, letter.owner)
    edit_url = f"{live_server.url}{reverse('applications:letter_edit', args=[letter.pk])}"
    dialogs = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        # Stay on the page the first time, leave the second time.
        if len(dialogs) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    back = page.get_by_role("link", name="Retour à la candidature")

    # Unchanged (a field clicked, nothing typed): the link is followed without a question.
    page.goto(edit_url)
    page.locator("#id_title").click()
    with page.expect_navigation():
        back.click()
    assert dialogs == [] and page.url != edit_url

    # Changed: the browser asks; staying keeps what was typed.
    page.goto(edit_url)
    page.locator("#id_title").click()
    page.keyboard.type(" et à l'IA")
    back.click()
    page.wait_for_timeout(500)
    assert [kind for kind, _message in dialogs] == ["beforeunload"]
    assert page.url == edit_url
    assert page.locator("#id_title").input_value() == "Former aux données de santé et à l'IA"
    save_screenshot(page, tmp_path, "build-also-unsaved-letter.png")

    # Typed back to what was saved: no change, no question.
    page.locator("#id_title").click()
    page.keyboard.press("End")
    for _ in range(len(" et à l'IA")):
        page.keyboard.press("Backspace")
    assert page.locator("#id_title").input_value() == "Former aux données de santé"
    with page.expect_navigation():
        back.click()
    assert len(dialogs) == 1

    # Changed then saved: the form itself is sent, no question; the change is kept.
    page.goto(edit_url)
    page.locator("#id_title").click()
    page.keyboard.type(" et à l'IA")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert len(dialogs) == 1
    letter.refresh_from_db()
    assert letter.title == "Former aux données de santé et à l'IA"

    # Changed, then leaving anyway (the dialog accepted): the browser leaves the page.
    page.goto(edit_url)
    page.locator("#id_title").click()
    page.keyboard.type(" !")
    with page.expect_navigation():
        back.click()
    assert [kind for kind, _message in dialogs] == ["beforeunload", "beforeunload"]
    assert page.url != edit_url
