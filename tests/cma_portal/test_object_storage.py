"""Files on an S3-compatible object store (MEDIA_STORAGE=s3): uploads, generated PDFs, ZIP
bundles, downloads behind the permission checks, the disk-to-bucket migration and /readyz.

Every test here is marked `s3`: it runs against a private bucket of its own on the local S3
server (moto in server mode over HTTP, tests/s3_server.py), through django-storages and boto3,
exactly as production talks to its object store. Nothing is written under MEDIA_ROOT.
"""

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from applications.models import Document, Submission
from applications.pdf import submission_render_pdf
from tests import fixtures_files as ff
from tests.applications.helpers_letters import draft_ready_to_submit, letter_data
from tests.factories import (
    UserFactory,
    attach_document,
    programme_manager,
    rich_dossier_application,
    submit_snapshot,
)

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_default_storage_is_the_bucket(s3_media, settings):
    assert default_storage.bucket_name == s3_media.bucket
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    name = default_storage.save("probe/hello.txt", io.BytesIO(b"bonjour"))
    assert s3_media.read(name) == b"bonjour"
    # Like the disk: a second file under the same name never overwrites the first.
    second = default_storage.save("probe/hello.txt", io.BytesIO(b"encore"))
    assert second != name and s3_media.read(name) == b"bonjour"
    assert not (settings.MEDIA_ROOT / "probe").exists()


def test_letter_upload_and_submission_land_in_the_bucket_and_download_behind_checks(
    s3_media, client, settings, django_capture_on_commit_callbacks
):
    application = draft_ready_to_submit()
    content = ff.pdf_bytes(2)
    client.force_login(application.owner)
    data = letter_data(application, submit="1", letter=ff.upload(content, "Ma lettre.pdf"))
    with django_capture_on_commit_callbacks(execute=True):  # the receipt PDF renders (eager)
        response = client.post(f"/candidatures/{application.pk}/lettre/", data)
    assert response.status_code == 302

    letter = application.documents.get(kind=Document.Kind.LETTER)
    assert letter.file.name in s3_media.keys("documents/")
    assert sha(s3_media.read(letter.file.name)) == letter.sha256 == sha(content)
    submission = Submission.objects.get(application=application)
    assert submission.pdf_status == Submission.PdfStatus.READY
    assert submission.pdf.name in s3_media.keys("submissions/")
    assert sha(s3_media.read(submission.pdf.name)) == submission.pdf_sha256
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))

    # Downloads stream from the bucket through the views, after their permission checks.
    document_url = f"/candidatures/{application.pk}/documents/{letter.pk}/"
    pdf_url = f"/candidatures/{application.pk}/depots/{submission.pk}/pdf/"
    owner_download = client.get(document_url)
    assert owner_download.status_code == 200
    assert body(owner_download) == content
    assert owner_download["Cache-Control"] == "private, no-store"
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and sha(body(pdf)) == submission.pdf_sha256

    client.force_login(UserFactory())  # another applicant sees nothing of it
    assert client.get(document_url).status_code == 404
    assert client.get(pdf_url).status_code == 404
    client.logout()
    assert client.get(document_url).status_code == 302  # to the login page


def test_pdf_tampered_in_the_bucket_is_not_served_as_is(s3_media, client_for):
    submission = submission_render_pdf(submission_id=submit_snapshot(rich_dossier_application()).pk)
    s3_media.write(submission.pdf.name, b"%PDF-1.7 tampered")
    response = client_for(submission.application.owner).get(
        f"/candidatures/{submission.application_id}/depots/{submission.pk}/pdf/"
    )
    assert response.status_code == 202  # not ready: the stored file is not the one rendered
    # Rendering again (what the task does) stores a fresh file that verifies.
    again = submission_render_pdf(submission_id=submission.pk)
    assert sha(s3_media.read(again.pdf.name)) == again.pdf_sha256


def test_zip_bundle_reads_every_document_from_the_bucket(s3_media, client_for):
    submission = submission_render_pdf(submission_id=submit_snapshot(rich_dossier_application()).pk)
    response = client_for(programme_manager()).get(
        f"/candidatures/{submission.application_id}/depots/{submission.pk}/zip/"
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    pieces = [n for n in archive.namelist() if n.startswith("pieces/")]
    assert {sha(archive.read(n)) for n in pieces} == {d["sha256"] for d in submission.snapshot["documents"]}
    assert "DIFFÈRE" not in archive.read("SHA256SUMS.txt").decode()

    # A document changed in the bucket after submission is flagged in the bundle.
    changed = submission.documents.order_by("id").last()
    s3_media.write(changed.file.name, b"changed behind our back")
    response = client_for(programme_manager()).get(
        f"/candidatures/{submission.application_id}/depots/{submission.pk}/zip/"
    )
    sums = zipfile.ZipFile(io.BytesIO(body(response))).read("SHA256SUMS.txt").decode()
    assert sums.count("DIFFÈRE DE L'EMPREINTE DU DÉPÔT") == 1


def test_missing_object_gives_404_not_500(s3_media, client_for):
    application = rich_dossier_application(documents=1)
    document = application.documents.first()
    s3_media.client.delete_object(Bucket=s3_media.bucket, Key=document.file.name)
    response = client_for(application.owner).get(f"/candidatures/{application.pk}/documents/{document.pk}/")
    assert response.status_code == 404


def test_migrate_media_copies_disk_files_and_verifies_every_sha256(s3_media, settings, tmp_path):
    # Files as the disk storage left them: documents under random names, a rendered PDF.
    source = tmp_path / "old-media"
    contents = {
        "documents/2026/11/aaaa": ff.pdf_bytes(1),
        "documents/2026/11/bbbb": b"annexe financiere",
        "submissions/CMA-SN-2026-0001-dossier-1.pdf": ff.blank_pdf_bytes(3),
    }
    for name, content in contents.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(content)
    # The database refers to the first one (and to nothing that is missing).
    application = rich_dossier_application(documents=0)
    Document.objects.create(
        application=application,
        kind=Document.Kind.OTHER,
        file="documents/2026/11/aaaa",
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(contents["documents/2026/11/aaaa"]),
        sha256=sha(contents["documents/2026/11/aaaa"]),
    )

    out = io.StringIO()
    call_command("migrate_media", source=str(source), stdout=out)
    assert "3 copied and verified, 0 already in the bucket" in out.getvalue()
    assert set(contents) <= set(s3_media.keys())
    for name, content in contents.items():
        assert sha(s3_media.read(name)) == sha(content)
    assert (source / "documents/2026/11/bbbb").read_bytes() == b"annexe financiere"  # disk untouched

    # Run again (after an interruption): nothing copied twice.
    out = io.StringIO()
    call_command("migrate_media", source=str(source), stdout=out)
    assert "0 copied and verified, 3 already in the bucket (same SHA-256), 0 problem(s)" in out.getvalue()

    # A bucket object that differs from the disk is reported, left alone, and the command fails.
    s3_media.write("documents/2026/11/bbbb", b"autre contenu")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("migrate_media", source=str(source), stdout=io.StringIO(), stderr=err)
    assert "documents/2026/11/bbbb: already in the bucket with a different content" in err.getvalue()
    assert s3_media.read("documents/2026/11/bbbb") == b"autre contenu"


def test_migrate_media_reports_files_referenced_but_nowhere(s3_media, tmp_path):
    application = rich_dossier_application(documents=0)
    attach_document(application)  # stored in the bucket: found there, fine
    Document.objects.create(
        application=application,
        kind=Document.Kind.OTHER,
        file="documents/2020/01/lost",
        original_name="perdu.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    (tmp_path / "empty").mkdir()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("migrate_media", source=str(tmp_path / "empty"), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip().splitlines() == [
        "documents/2020/01/lost: referenced by the database, neither on disk nor in the bucket"
    ]


def test_migrate_media_refuses_when_files_are_still_on_disk(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with pytest.raises(CommandError, match="MEDIA_STORAGE=s3"):
        call_command("migrate_media", source=str(tmp_path))


def test_readyz_reports_the_object_store(s3_media, client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["object_store"] == "ok"

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such-bucket"},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["object_store"] == "ClientError"
