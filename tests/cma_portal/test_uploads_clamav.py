"""The virus scanner: a real clamd started by the test (tests/conftest.py `clamd_socket`) with a
signature built from the EICAR test file; EICAR refused as infected on upload, infected files
never served, the scan state recorded on every stored document, and a scanner that is on but
unreachable refusing uploads with a French "réessayez"."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from applications.models import Document, Message
from cma_portal import uploads
from cma_portal.models import AuditEvent
from cma_portal.uploads import clamav
from tests import fixtures_files as ff
from tests import hostile_files as hf
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.applications.test_dossier_views import dossier_application, post
from tests.factories import SubmittedLetterFactory

TYPED = "Texte saisi avant le dépôt du fichier infecté"


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.clamav
def test_clamd_client_finds_eicar_and_passes_clean_bytes(clamd_socket):
    assert clamav.scan(hf.EICAR, socket_path=clamd_socket) == "eicar.com.UNOFFICIAL"
    assert clamav.scan(ff.pdf_bytes(1), socket_path=clamd_socket) is None
    # Streamed in chunks, as stored files are.
    assert clamav.scan(iter([hf.EICAR[:10], hf.EICAR[10:]]), socket_path=clamd_socket)


def test_clamd_client_reports_an_unreachable_daemon(tmp_path):
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan(b"x", socket_path=str(tmp_path / "absent.sock"))


@pytest.mark.clamav
def test_eicar_refused_as_infected(clamav_on):
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(ff.upload(hf.EICAR, "lettre.pdf"), accept={uploads.PDF})
    assert error.value.code == "infected"
    assert "contient un virus" in error.value.messages[0]


@pytest.mark.clamav
@pytest.mark.django_db
def test_eicar_letter_refused_through_the_view_and_form_kept(client, clamav_on):
    application = draft_ready_to_submit()
    client.force_login(application.owner)
    data = letter_data(application, title=TYPED)
    data["letter"] = ff.upload(hf.EICAR, "lettre.pdf")
    response = client.post(f"/candidatures/{application.pk}/lettre/", data)
    assert response.status_code == 400
    assert "contient un virus" in page(response) and TYPED in page(response)
    assert not Document.objects.exists()


@pytest.mark.clamav
@pytest.mark.django_db
def test_eicar_attachment_refused_through_the_view(client, clamav_on):
    letter = SubmittedLetterFactory()
    client.force_login(letter.owner)
    response = client.post(
        f"/candidatures/{letter.pk}/messages/",
        {"message-body": TYPED, "message-attachments": [ff.upload(hf.EICAR, "eicar.png")]},
    )
    assert response.status_code == 400
    assert "contient un virus" in page(response) and TYPED in page(response)
    assert not Message.objects.exists()


@pytest.mark.clamav
@pytest.mark.django_db
def test_clean_upload_is_recorded_clean(client, clamav_on):
    application = dossier_application()
    client.force_login(application.owner)
    assert post(client, "dossier_presentation", application, {"file": ff.pdf_upload(1)}).status_code == 302
    assert Document.objects.get().scan_status == uploads.ScanStatus.CLEAN


@pytest.mark.django_db
def test_scanner_on_but_unreachable_refuses_with_retry_message(client, settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "clamd-down.sock")
    application = dossier_application()
    client.force_login(application.owner)
    response = post(client, "dossier_presentation", application, {"file": ff.pdf_upload(1)})
    assert response.status_code == 400
    assert "Réessayez dans quelques minutes" in page(response)
    assert not Document.objects.exists()


def _stored_while_scanner_off(client, settings) -> tuple:
    """EICAR stored as a dossier document while the scanner was off (state pending)."""
    letter = dossier_application()
    document = Document(
        application=letter,
        kind=Document.Kind.OTHER,
        original_name="ancien.pdf",
        content_type="application/pdf",
        size=len(hf.EICAR),
        sha256="0" * 64,
    )
    from django.core.files.base import ContentFile

    document.file.save("old", ContentFile(hf.EICAR), save=False)
    document.save()
    assert document.scan_status == uploads.ScanStatus.PENDING
    client.force_login(letter.owner)
    return letter, document


@pytest.mark.clamav
@pytest.mark.django_db
def test_pending_document_scanned_before_it_is_served_and_never_served_infected(client, settings, clamav_on):
    letter, document = _stored_while_scanner_off(client, settings)
    url = f"/candidatures/{letter.pk}/dossier/documents/{document.pk}/"
    response = client.get(url)
    assert response.status_code == 403
    assert "virus" in response.content.decode()
    document.refresh_from_db()
    assert document.scan_status == uploads.ScanStatus.INFECTED
    assert AuditEvent.objects.filter(verb="document_infected").count() == 1
    # Turning the scanner off again does not make it downloadable.
    settings.CLAMAV_SOCKET = ""
    assert client.get(url).status_code == 403


@pytest.mark.clamav
@pytest.mark.django_db
def test_scan_documents_command_scans_what_is_pending(client, settings, clamav_on, capsys):
    _letter, document = _stored_while_scanner_off(client, settings)
    call_command("scan_documents")
    document.refresh_from_db()
    assert document.scan_status == uploads.ScanStatus.INFECTED
    assert "infected=1" in capsys.readouterr().out
