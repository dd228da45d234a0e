"""Questions per action (issue 15): shown only to the applications that answer the action,
required to submit like the letter's other fields, validated, frozen in the snapshot and
printed in the submission PDF, one column each in the exports."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from actions.models import Action
from applications.models import Answer, Document, Question, Submission
from applications.pdf import render_snapshot_pdf
from applications.selectors.dossier import dossier_missing_items
from applications.services.questions import question_create
from applications.states import State
from tests import fixtures_files as ff
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.factories import ApplicationFactory, administrator, programme_manager, rich_dossier_application

pytestmark = pytest.mark.django_db

LABEL = "Combien d'étudiants en informatique formerez-vous la première année ?"


def _question(number=3, stage="letter", kind="text", label=LABEL, required=True, **extra):
    fields = {
        "action": Action.objects.get(number=number),
        "stage": stage,
        "kind": kind,
        "label_fr": label,
        "label_en": extra.pop("label_en", ""),
        "help_fr": "",
        "help_en": "",
        "choices_fr": extra.pop("choices_fr", ""),
        "choices_en": extra.pop("choices_en", ""),
        "required": required,
        "order": 0,
    }
    return question_create(actor=None, **fields)


def _draft(number=3):
    application = draft_ready_to_submit()
    if number != 3:
        application.actions.set(Action.objects.filter(number=number))
        application.components.clear()
    return application


def _post(client, application, *, submit=False, **extra):
    data = letter_data(application, **extra)
    if submit:
        data["submit"] = "1"
    return client.post(reverse("applications:letter_edit", args=[application.pk]), data)


def _pdf_text(submission: Submission) -> str:
    content = render_snapshot_pdf(submission.snapshot, fingerprint=submission.fingerprint)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_question_is_shown_only_to_the_applications_of_its_action(client):
    question = _question()
    on_three, on_one = _draft(3), _draft(1)
    client.force_login(on_three.owner)
    page = client.get(reverse("applications:letter_edit", args=[on_three.pk])).content.decode()
    assert LABEL.replace("'", "&#x27;") in page and f'name="{question.field_name}"' in page
    client.force_login(on_one.owner)
    page = client.get(reverse("applications:letter_edit", args=[on_one.pk])).content.decode()
    assert question.field_name not in page and "Combien d" not in page


def test_a_required_question_blocks_the_submission_until_answered_and_is_in_the_pdf(client):
    question = _question()
    application = _draft(3)
    client.force_login(application.owner)
    response = _post(client, application, submit=True, letter=ff.pdf_upload(2))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Répondez à la question « Combien d&#x27;étudiants" in page
    assert f'href="#id_{question.field_name}"' in page  # the error summary links to the field
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT and not application.submissions.exists()

    response = _post(client, application, submit=True, **{question.field_name: "Trente-deux étudiants"})
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED
    submission = application.submissions.get()
    [answer] = submission.snapshot["answers"]
    assert answer["value"] == "Trente-deux étudiants" and answer["action"] == 3 and answer["label"] == LABEL
    assert "Trente-deux étudiants" in _pdf_text(submission)


def test_an_applicant_of_another_action_never_sees_the_question_nor_in_the_pdf(client):
    _question()
    application = _draft(1)
    client.force_login(application.owner)
    response = _post(client, application, submit=True, letter=ff.pdf_upload(1))
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = application.submissions.get()
    assert submission.snapshot["answers"] == []
    text = _pdf_text(submission)
    assert "Combien" not in text and "Réponses aux questions" not in text


def test_an_optional_question_may_stay_empty(client):
    _question(required=False)
    application = _draft(3)
    client.force_login(application.owner)
    response = _post(client, application, submit=True, letter=ff.pdf_upload(1))
    assert response.status_code == 302
    assert application.submissions.get().snapshot["answers"][0]["value"] == ""


def test_a_deactivated_question_is_no_longer_asked(client):
    question = _question()
    question.is_active = False
    question.save()
    application = _draft(3)
    client.force_login(application.owner)
    assert _post(client, application, submit=True, letter=ff.pdf_upload(1)).status_code == 302


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("number", "douze", "Saisissez un nombre"),
        ("choice", "Autre chose", "Sélectionnez un choix valide"),
        ("text", "x" * 501, "500 caractères"),
    ],
)
def test_bad_answers_are_refused_with_a_french_message_and_the_input_kept(client, kind, value, words):
    question = _question(kind=kind, choices_fr="Master\nMastère spécialisé" if kind == "choice" else "")
    application = _draft(3)
    client.force_login(application.owner)
    response = _post(client, application, title="Titre conservé", **{question.field_name: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "Titre conservé" in page
    assert not Answer.objects.exists()


def test_number_and_choice_answers_in_english(client, settings):
    number = _question(kind="number", label="Nombre d'heures")
    choice = _question(
        kind="choice",
        label="Type de parcours",
        label_en="Kind of course",
        choices_fr="Master\nMastère spécialisé",
        choices_en="Master's degree\nSpecialised master",
    )
    application = _draft(3)
    client.force_login(application.owner)
    response = _post(
        client, application, **{number.field_name: "1 250,5", choice.field_name: "Mastère spécialisé"}
    )
    assert response.status_code == 302
    assert Answer.objects.get(question=number).value == "1250.5"
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("applications:letter_edit", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Kind of course" in page and "Specialised master" in page


def test_a_file_answer_goes_through_the_upload_checks_and_is_frozen(client):
    question = _question(kind="file", label="Maquette du parcours")
    application = _draft(3)
    client.force_login(application.owner)
    refused = _post(client, application, **{question.field_name: ff.upload(ff.exe_bytes(), "maquette.pdf")})
    assert refused.status_code == 400 and "type de fichier n&#x27;est pas accepté" in refused.content.decode()
    response = _post(
        client,
        application,
        submit=True,
        letter=ff.pdf_upload(1),
        **{question.field_name: ff.pdf_upload(3, name="maquette.pdf")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(application=application, kind=Document.Kind.ANSWER)
    assert document.page_count == 3 and document.original_name == "maquette.pdf"
    snapshot = application.submissions.get().snapshot
    assert snapshot["answers"][0]["document_id"] == document.pk
    assert document.pk in [d["id"] for d in snapshot["documents"]]


def test_dossier_questions_are_a_section_of_the_dossier_and_block_its_submission(client):
    question = _question(stage="dossier", kind="long_text", label="Plan de pérennisation")
    _question(stage="letter", label="Question de la lettre")
    application = rich_dossier_application()
    other = rich_dossier_application(actions=Action.objects.filter(number=1))
    assert "Plan de pérennisation" in " ".join(dossier_missing_items(application))
    assert "Plan de pérennisation" not in " ".join(dossier_missing_items(other))
    client.force_login(application.owner)
    page = client.get(reverse("applications:dossier", args=[application.pk])).content.decode()
    assert (
        'id="questions"' in page and "Plan de pérennisation" in page and "Question de la lettre" not in page
    )
    response = client.post(
        reverse("applications:dossier_questions", args=[application.pk]),
        {"version": application.version, question.field_name: "Intégration aux maquettes en 2028."},
    )
    assert response.status_code == 302
    assert "Plan de pérennisation" not in " ".join(dossier_missing_items(application))
    client.force_login(other.owner)
    assert (
        'id="questions"' not in client.get(reverse("applications:dossier", args=[other.pk])).content.decode()
    )


def test_the_letters_export_has_a_column_per_question_in_constant_queries(client):
    question = _question()
    manager = programme_manager()
    client.force_login(manager)
    url = reverse("instruction:letters_export")

    def export():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
        return len(ctx), body

    first = ApplicationFactory(state="li_submitted", reference="CMA-SN-2026-7001")
    Answer.objects.create(application=first, question=question, value="Quarante")
    one, body = export()
    assert "Action 3 — Lettre d'intention — Combien" in body and "Quarante" in body
    for n in range(5):
        other = ApplicationFactory(state="li_submitted", reference=f"CMA-SN-2026-71{n:02d}")
        Answer.objects.create(application=other, question=question, value=f"Réponse {n}")
    six, body = export()
    assert one == six and "Réponse 4" in body


def test_the_dossier_export_has_the_answers(client):
    question = _question(stage="dossier", kind="number", label="Heures de stage")
    dossier = ApplicationFactory(state="dossier_submitted", reference="CMA-SN-2026-7200")
    Answer.objects.create(application=dossier, question=question, value="35")
    client.force_login(programme_manager())
    response = client.get(reverse("selection:export", args=["dossiers", "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Heures de stage" in body and ";35" in body


# --- Administrators' pages ---------------------------------------------------------------------


def test_an_administrator_adds_edits_and_deactivates_a_question(client):
    client.force_login(administrator())
    action = Action.objects.get(number=3)
    data = {
        "action": action.pk,
        "stage": "letter",
        "kind": "choice",
        "label_fr": "Type de parcours",
        "label_en": "Kind of course",
        "choices_fr": "Master",
        "required": "on",
        "order": "1",
    }
    refused = client.post(reverse("pilotage:question_create"), data)
    assert refused.status_code == 400 and "au moins deux choix" in refused.content.decode()
    data["choices_fr"] = "Master\nMastère spécialisé\n"
    assert client.post(reverse("pilotage:question_create"), data).status_code == 302
    question = Question.objects.get()
    assert question.required and question.choices_fr == "Master\nMastère spécialisé"
    listing = client.get(reverse("pilotage:questions")).content.decode()
    assert "Type de parcours" in listing
    data.update(label_fr="Type de parcours visé", required="")
    assert client.post(reverse("pilotage:question_edit", args=[question.pk]), data).status_code == 302
    question.refresh_from_db()
    assert question.label_fr == "Type de parcours visé" and not question.required
    assert (
        client.post(reverse("pilotage:question_set_active", args=[question.pk]), {"active": "0"}).status_code
        == 302
    )
    question.refresh_from_db()
    assert not question.is_active
    from cma_portal.audit import audit_events_for

    verbs = set(audit_events_for(question).values_list("verb", flat=True))
    assert verbs == {"question_created", "question_updated", "question_deactivated"}


@pytest.mark.parametrize("who", ["applicant", "manager"])
def test_question_pages_are_for_administrators_only(client, who):
    from tests.factories import UserFactory

    question = _question()
    client.force_login(UserFactory() if who == "applicant" else programme_manager())
    for url in (
        reverse("pilotage:questions"),
        reverse("pilotage:question_create"),
        reverse("pilotage:question_edit", args=[question.pk]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("pilotage:question_set_active", args=[question.pk]), {"active": "0"}).status_code
        == 403
    )


def test_the_kind_of_an_answered_question_cannot_change(client):
    question = _question(kind="number")
    Answer.objects.create(application=_draft(3), question=question, value="12")
    client.force_login(administrator())
    data = {
        "action": question.action_id,
        "stage": "letter",
        "kind": "text",
        "label_fr": LABEL,
        "required": "on",
        "order": "0",
    }
    assert client.post(reverse("pilotage:question_edit", args=[question.pk]), data).status_code == 302
    question.refresh_from_db()
    assert question.kind == "number"


def test_question_list_is_paginated_in_constant_queries(client):
    client.force_login(administrator())
    url = reverse("pilotage:questions")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"per_page": "100"}).status_code == 200
        return len(ctx)

    _question()
    one = count()
    for n in range(30):
        _question(number=1 + n % 5, label=f"Question {n}")
    assert count() == one <= 12
    assert Decimal(Question.objects.count()) == 31
