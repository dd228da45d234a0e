"""ZIP bundle of a submission: the PDF and every document it froze, with a manifest."""

import hashlib
import io
import zipfile

import pytest
from django.urls import reverse

from applications.bundles import safe_name, submission_bundle_write
from applications.pdf import submission_render_pdf
from tests.factories import programme_manager, rich_dossier_application, submit_snapshot


@pytest.fixture
def dossier_submission(db):
    return submit_snapshot(rich_dossier_application())


def urls(submission):
    return [
        None,
        None,
        reverse("applications:submission_zip", args=[submission.application_id, submission.pk]),
    ]


@pytest.mark.django_db
def test_zip_bundle_holds_pdf_and_every_document(client_for, dossier_submission):
    submission = submission_render_pdf(submission_id=dossier_submission.pk)
    response = client_for(programme_manager()).get(urls(submission)[2])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(f"-dossier-{submission.pk}.pdf")]
    assert len(pdfs) == 1
    assert hashlib.sha256(archive.read(pdfs[0])).hexdigest() == submission.pdf_sha256
    pieces = sorted(n for n in names if n.startswith("pieces/"))
    assert len(pieces) == len(submission.snapshot["documents"])
    digests = {hashlib.sha256(archive.read(n)).hexdigest() for n in pieces}
    assert digests == {d["sha256"] for d in submission.snapshot["documents"]}
    sums = archive.read("SHA256SUMS.txt").decode()
    assert submission.pdf_sha256 in sums and "DIFFÈRE" not in sums


@pytest.mark.django_db
def test_bundle_flags_a_document_changed_on_disk(dossier_submission):
    submission = submission_render_pdf(submission_id=dossier_submission.pk)
    document = submission.documents.order_by("id").last()
    with open(document.file.path, "ab") as handle:
        handle.write(b"changed")
    buffer = io.BytesIO()
    names = submission_bundle_write(submission=submission, fileobj=buffer)
    assert "SHA256SUMS.txt" in names
    sums = zipfile.ZipFile(buffer).read("SHA256SUMS.txt").decode()
    assert sums.count("DIFFÈRE DE L'EMPREINTE DU DÉPÔT") == 1


def test_safe_name():
    assert safe_name("Présentation du projet (v2).pdf") == "Presentation-du-projet-v2.pdf"
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("") == "document"
