"""Hostile files through every real upload view: the letter of intent, the dossier's
presentation, financial annex, partners' commitment letters and further documents, and message
attachments both ways. Each is refused with a French message, nothing is stored, and what the
user typed is still on the page."""

import html

import pytest

from applications.models import ConsortiumPartner, Document, Message
from applications.workflow import State
from tests import fixtures_files as ff
from tests import hostile_files as hf
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.applications.test_dossier_views import dossier_application, formset_data, post
from tests.factories import OrganisationFactory, SubmittedLetterFactory, programme_manager

pytestmark = pytest.mark.django_db

TYPED = "Texte saisi par la porteuse : former les DSI de demain"

HOSTILE_PDFS = {
    "deflate-bomb": (hf.deflate_bomb_pdf, "anormalement volumineuses"),
    "javascript-open-action": (hf.javascript_open_action_pdf, "contenu actif"),
    "launch-action": (hf.launch_action_pdf, "contenu actif"),
    "embedded-executable": (hf.embedded_executable_pdf, "contenu actif"),
    "pdf-then-html": (hf.pdf_followed_by_html, "suivi d'autres données"),
    "html-with-pdf-header": (hf.html_with_pdf_header, "précèdent l'en-tête PDF"),
    "truncated": (hf.truncated_pdf, "tronqué"),
}
# The PDF slots refused encrypted PDFs already; message attachments did not look inside.
ATTACHMENT_ONLY = {"encrypted": (hf.encrypted_pdf, "mot de passe")}
HOSTILE_WORKBOOKS = {
    "shared-strings-bomb": (hf.shared_strings_bomb_xlsx, "bombe de décompression"),
    "ratio-bomb": (hf.ratio_bomb_xlsx, "bombe de décompression"),
    "entity-bomb": (hf.entity_bomb_xlsx, "DOCTYPE ou ENTITY"),
    "macro-workbook": (hf.macro_xlsm, "contient des macros"),
    "nested-archive": (hf.nested_zip_xlsx, "archives imbriquées"),
}
pdf_cases = pytest.mark.parametrize(("make", "words"), HOSTILE_PDFS.values(), ids=HOSTILE_PDFS.keys())
workbook_cases = pytest.mark.parametrize(
    ("make", "words"), HOSTILE_WORKBOOKS.values(), ids=HOSTILE_WORKBOOKS.keys()
)


def page(response) -> str:
    return html.unescape(response.content.decode())


@pdf_cases
def test_letter_refuses_hostile_pdf_and_keeps_the_form(client, make, words):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    data = letter_data(application, title=TYPED)
    data["letter"] = ff.upload(make(), "lettre.pdf")
    response = client.post(f"/candidatures/{application.pk}/lettre/", data)
    assert response.status_code == 400
    assert words in page(response)
    assert TYPED in page(response)
    assert not Document.objects.exists()
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT


@pdf_cases
def test_presentation_refuses_hostile_pdf(client, make, words):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(client, "dossier_presentation", application, {"file": ff.upload(make(), "p.pdf")})
    assert response.status_code == 400
    assert words in page(response)
    assert "Cette partie n'a pas été enregistrée" in page(response)
    assert not Document.objects.exists()


@pdf_cases
def test_commitment_letter_refuses_hostile_pdf_and_keeps_the_partner_row(client, make, words):
    application = dossier_application()
    organisation = OrganisationFactory(kind="hospital")
    client.force_login(application.owner)
    rows = [
        {
            "organisation": str(organisation.pk),
            "role": "hospital",
            "contribution": TYPED,
            "commitment": ff.upload(make(), "engagement.pdf"),
        }
    ]
    response = post(client, "dossier_partners", application, formset_data("partners", rows))
    assert response.status_code == 400
    assert words in page(response)
    assert TYPED in page(response)
    assert not ConsortiumPartner.objects.exists() and not Document.objects.exists()


@workbook_cases
def test_financial_annex_refuses_hostile_workbook(client, make, words):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(client, "dossier_annex", application, {"file": ff.upload(make(), "annexe.xlsx")})
    assert response.status_code == 400
    assert words in page(response)
    assert not Document.objects.exists()


def test_financial_annex_with_macros_accepted_when_the_administrator_allows_them(client):
    application = dossier_application()
    call = application.wave.call
    call.allow_macro_workbooks = True
    call.save(update_fields=["allow_macro_workbooks"])
    client.force_login(application.owner)
    response = post(client, "dossier_annex", application, {"file": ff.upload(hf.macro_xlsm(), "annexe.xlsm")})
    assert response.status_code == 302
    document = Document.objects.get(kind=Document.Kind.FINANCIAL_ANNEX)
    assert document.content_type == "application/vnd.ms-excel.sheet.macroEnabled.12"


@pytest.mark.parametrize(
    ("make", "words"),
    [*HOSTILE_PDFS.values(), *HOSTILE_WORKBOOKS.values()],
    ids=[*HOSTILE_PDFS.keys(), *HOSTILE_WORKBOOKS.keys()],
)
def test_further_document_refuses_hostile_file_and_keeps_the_label(client, make, words):
    application = dossier_application()
    client.force_login(application.owner)
    response = post(
        client, "dossier_documents", application, {"label": TYPED, "file": ff.upload(make(), "piece.bin")}
    )
    assert response.status_code == 400
    assert words in page(response)
    assert f'value="{TYPED}"' in page(response)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("make", "words"),
    [*HOSTILE_PDFS.values(), *HOSTILE_WORKBOOKS.values(), *ATTACHMENT_ONLY.values()],
    ids=[*HOSTILE_PDFS.keys(), *HOSTILE_WORKBOOKS.keys(), *ATTACHMENT_ONLY.keys()],
)
def test_message_attachment_refuses_hostile_file_and_keeps_the_text(client, make, words):
    letter = SubmittedLetterFactory()
    client.force_login(letter.owner)
    response = client.post(
        f"/candidatures/{letter.pk}/messages/",
        {"message-body": TYPED, "message-attachments": [ff.upload(make(), "piece.pdf")]},
    )
    assert response.status_code == 400
    assert "« piece.pdf » est refusé" in page(response)
    assert words in page(response)
    assert TYPED in page(response)
    assert not Message.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize(
    ("make", "words"),
    [HOSTILE_PDFS["javascript-open-action"], HOSTILE_WORKBOOKS["macro-workbook"]],
    ids=["javascript-open-action", "macro-workbook"],
)
def test_staff_message_attachment_goes_through_the_same_validators(client, make, words):
    letter = SubmittedLetterFactory()
    client.force_login(programme_manager())
    response = client.post(
        f"/instruction/candidatures/{letter.pk}/messages/",
        {"message-body": TYPED, "message-attachments": [ff.upload(make(), "outil.xlsx")]},
    )
    assert response.status_code == 400
    assert words in page(response) and TYPED in page(response)
    assert not Message.objects.exists()


def test_documents_stored_without_a_scanner_are_pending(client):
    application = dossier_application()
    client.force_login(application.owner)
    assert post(client, "dossier_presentation", application, {"file": ff.pdf_upload(1)}).status_code == 302
    assert Document.objects.get().scan_status == "pending"


def test_infected_document_is_never_downloadable(client):
    application = dossier_application()
    client.force_login(application.owner)
    post(client, "dossier_presentation", application, {"file": ff.pdf_upload(1)})
    document = Document.objects.get()
    document.scan_status = "infected"
    document.save(update_fields=["scan_status"])
    response = client.get(f"/candidatures/{application.pk}/dossier/documents/{document.pk}/")
    assert response.status_code == 403
    assert "virus" in response.content.decode()


def test_macro_flag_is_editable_in_the_django_admin(rf):
    from django.contrib import admin

    from waves.models import Call

    form = admin.site._registry[Call].get_form(rf.get("/admin/"))
    assert "allow_macro_workbooks" in form.base_fields
    assert form.base_fields["allow_macro_workbooks"].initial is False
