"""The edited-email pages and the decision email preview in Chromium (issue 15, issue 12): an
unknown placeholder refused with the error summary focused and the text kept, the preview shown,
every page reflowing at 320 px."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import administrator, programme_manager  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = {"width": 320, "height": 640}


def _overflow(page) -> int:
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def test_email_template_edit_in_the_browser(page, live_server, tmp_path):
    from cma_portal.models import EmailTemplateOverride

    login_page_as(page, live_server, administrator())
    page.set_viewport_size(MOBILE)
    page.goto(live_server.url + reverse("pilotage:email_templates"))
    assert page.locator("#email-templates tbody tr").count() >= 19
    assert _overflow(page) <= 0
    page.goto(live_server.url + reverse("pilotage:email_template_edit", args=["decision_notice"]))
    typed = "Bonjour,\n\nAide de {{ montant }}.\n{{ outcome_sentence }}"
    page.locator("#id_body_fr").fill(typed)
    page.get_by_role("button", name="Enregistrer le courriel").click()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-error-summary]')", timeout=3000
    )
    assert "Variable inconnue : {{ montant }}" in page.locator("[data-error-summary]").inner_text()
    assert page.locator("#id_body_fr").input_value() == typed
    assert not EmailTemplateOverride.objects.exists()
    page.locator("#id_body_fr").fill(
        "Bonjour,\n\n{{ outcome_sentence }}\n\nhttps://exemple.fr/{{ reference }}"
    )
    page.get_by_role("button", name="Prévisualiser").click()
    preview = page.locator(".cma-email-preview").first
    assert "comme lauréat" in preview.inner_text()
    assert preview.locator("a[href='https://exemple.fr/CMA-SN-2026-0042']").count() == 1
    assert _overflow(page) <= 0
    save_screenshot(page, tmp_path, "email-template-preview-320.png")


def test_decision_preview_in_the_browser(page, live_server, tmp_path):
    from tests.reviews.helpers import reviewed_dossier

    dossier = reviewed_dossier()
    login_page_as(page, live_server, programme_manager())
    page.set_viewport_size(MOBILE)
    page.goto(live_server.url + reverse("selection:dossier", args=[dossier.pk]))
    page.locator("#id_outcome").select_option("waitlisted")
    page.locator("#id_rationale").fill("En attente de crédits.")
    page.get_by_role("button", name="Prévisualiser le courriel").click()
    assert "en liste complémentaire" in page.locator("#apercu-courriel").inner_text()
    assert page.locator("#id_rationale").input_value() == "En attente de crédits."
    assert _overflow(page) <= 0
    save_screenshot(page, tmp_path, "decision-preview-320.png")
