"""Issue 15 in Chromium: an administrator adds a required question to action 3 through the
steering pages; an applicant answering action 3 cannot submit the letter without answering it,
then submits, and the answer is printed in the submission PDF; an applicant answering only
action 1 never sees the question, neither on the page nor in the PDF."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import io  # noqa: E402

import pytest  # noqa: E402

from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.factories import administrator, attach_document  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Quels débouchés dans le secteur de la santé ?"
ANSWER = "Stages et premiers postes dans trois CHU partenaires."


def _draft(number):
    from actions.models import Action, ActionComponent
    from tests.factories import ApplicationFactory, WaveFactory

    application = ApplicationFactory(wave=WaveFactory(), actions=Action.objects.filter(number=number))
    if number == 3:
        application.components.set(ActionComponent.objects.filter(code="3a"))
    application.lead_organisation.kind = "university"
    application.lead_organisation.save()
    attach_document(application, kind="letter", name="lettre.pdf", pages=1)
    return application


def _pdf_text(page, live_server, application) -> str:
    from pypdf import PdfReader

    from applications.pdf import submission_render_pdf

    submission = application.submissions.get()
    submission_render_pdf(submission_id=submission.pk)
    response = page.context.request.get(
        f"{live_server.url}/candidatures/{application.pk}/depots/{submission.pk}/pdf/"
    )
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


def test_admin_adds_a_required_question_that_only_action_3_must_answer(browser, live_server, tmp_path):
    from actions.models import Action
    from applications.models import Question
    from applications.states import State

    # The administrator (TOTP set up, session past the second factor) adds the question.
    admin_page = browser.new_context(locale="fr-FR").new_page()
    login_page_as(admin_page, live_server, administrator())
    admin_page.goto(f"{live_server.url}/pilotage/questions/")
    admin_page.get_by_role("link", name="Ajouter une question").click()
    admin_page.select_option("#id_action", str(Action.objects.get(number=3).pk))
    admin_page.check("input[name=stage][value=letter]", force=True)
    admin_page.select_option("#id_kind", "long_text")
    admin_page.fill("#id_label_fr", QUESTION)
    admin_page.fill("#id_label_en", "Which careers in the health sector?")
    assert admin_page.is_checked("#id_required")
    save_screenshot(admin_page, tmp_path, "question_form.png")
    admin_page.click("button[type=submit]:has-text('Enregistrer la question')")
    admin_page.wait_for_url(f"{live_server.url}/pilotage/questions/")
    assert QUESTION in admin_page.locator("#questions").inner_text()
    save_screenshot(admin_page, tmp_path, "question_list.png")
    question = Question.objects.get()
    assert question.required and question.action.number == 3 and question.stage == "letter"
    admin_page.context.close()

    # An applicant answering action 3: refused without the answer, submitted with it.
    on_three = _draft(3)
    page = browser.new_context(locale="fr-FR").new_page()
    login_page_as(page, live_server, on_three.owner)
    page.goto(f"{live_server.url}/candidatures/{on_three.pk}/lettre/")
    assert page.get_by_label(QUESTION).is_visible()
    page.get_by_role("button", name="Déposer").click()
    summary = page.locator(".cma-error-summary")
    summary.wait_for()
    assert f"Répondez à la question « {QUESTION} » (action 3)." in summary.inner_text()
    # The summary links to the field, which the page shows.
    link = summary.get_by_role("link", name=QUESTION).first
    assert link.get_attribute("href") == f"#id_{question.field_name}"
    on_three.refresh_from_db()
    assert on_three.state == State.LI_DRAFT
    page.get_by_label(QUESTION).fill(ANSWER)
    page.get_by_role("button", name="Déposer").click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for()
    on_three.refresh_from_db()
    assert on_three.state == State.LI_SUBMITTED
    text = _pdf_text(page, live_server, on_three)
    assert "Stages et premiers postes" in " ".join(text.split())
    page.context.close()

    # An applicant answering only action 1 never sees it.
    on_one = _draft(1)
    page = browser.new_context(locale="fr-FR").new_page()
    login_page_as(page, live_server, on_one.owner)
    page.goto(f"{live_server.url}/candidatures/{on_one.pk}/lettre/")
    assert QUESTION not in page.content()
    page.get_by_role("button", name="Déposer").click()
    page.get_by_role("heading", name="Accusé de dépôt").wait_for()
    text = " ".join(_pdf_text(page, live_server, on_one).split())
    assert "débouchés" not in text and "Réponses aux questions" not in text
    page.context.close()
