"""PDF receipts and dossiers rendered from the snapshot, read back with pypdf; their views."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from applications.effects import render_dossier_pdf, render_letter_receipt
from applications.models import Submission
from applications.pdf import format_eur, submission_render_pdf
from applications.tasks.rendering import render_submission_pdf_task
from applications.workflow import TRANSITIONS
from tests.factories import (
    CollaboratorFactory,
    UserFactory,
    administrator,
    programme_manager,
    reviewer,
    rich_dossier_application,
    submit_snapshot,
)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text.replace("\u202f", " ").replace("\xa0", " ")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def dossier_submission(db):
    return submit_snapshot(rich_dossier_application())


@pytest.mark.django_db
def test_dossier_pdf_has_every_section(dossier_submission):
    submission = submission_render_pdf(submission_id=dossier_submission.pk)
    assert submission.pdf_status == Submission.PdfStatus.READY
    data = submission.pdf.read()
    assert len(submission.pdf_sha256) == 64
    import hashlib

    assert hashlib.sha256(data).hexdigest() == submission.pdf_sha256
    pages, text = pdf_text(data)
    snapshot = submission.snapshot
    assert pages > 1
    assert text.count(snapshot["reference"]) >= pages  # running header on every page but the cover
    assert f"page {pages} / {pages}" in text
    totals = snapshot["budget"]["totals"]
    for amount in (totals["eligible_cost"], totals["aid_requested"], totals["co_financing"]):
        assert format_eur(amount).replace("\u202f", " ").replace("\xa0", " ") in text
    assert len(snapshot["documents"]) == 4
    for document in snapshot["documents"]:
        assert document["sha256"] in squash(text)
        assert document["original_name"] in text
    assert submission.fingerprint in squash(text)
    for heading in ("Sommaire", "Budget", "Objectifs de formation", "Jalons", "Pièces déposées", "Généré le"):
        assert heading in text
    for partner in snapshot["partners"]:
        assert partner["organisation"]["name"] in text
    assert snapshot["milestones"][-1]["title"].split(":")[0] in text
    # The table of contents carries page numbers (target-counter).
    assert re.search(r"3\. Budget\s*\.+\s*\d+", text)


@pytest.mark.django_db
def test_letter_receipt_pdf():
    application = rich_dossier_application(state="li_draft")
    submission = submit_snapshot(application, kind="letter")
    submission = submission_render_pdf(submission_id=submission.pk)
    _pages, text = pdf_text(submission.pdf.read())
    letter = next(d for d in submission.snapshot["documents"] if d["kind"] == "letter")
    assert "Accusé de réception" in text
    assert application.reference in text
    assert letter["sha256"] in squash(text)
    assert application.lead_organisation.name in text
    assert "Action 3" in text
    assert format_eur(application.estimated_total_cost).replace("\u202f", " ").replace("\xa0", " ") in text


@pytest.mark.django_db
def test_render_is_idempotent_and_forced_on_demand(dossier_submission):
    first = submission_render_pdf(submission_id=dossier_submission.pk)
    again = submission_render_pdf(submission_id=dossier_submission.pk)
    assert (again.pdf.name, again.pdf_rendered_at, again.pdf_sha256) == (
        first.pdf.name,
        first.pdf_rendered_at,
        first.pdf_sha256,
    )
    forced = submission_render_pdf(submission_id=dossier_submission.pk, force=True)
    assert forced.pdf_rendered_at > first.pdf_rendered_at
    # A stored file that no longer matches its SHA-256 is rendered again.
    with open(forced.pdf.path, "ab") as handle:
        handle.write(b"tampered")
    repaired = submission_render_pdf(submission_id=dossier_submission.pk)
    assert repaired.pdf_rendered_at > forced.pdf_rendered_at
    with repaired.pdf.open("rb") as handle:
        import hashlib

        assert hashlib.sha256(handle.read()).hexdigest() == repaired.pdf_sha256


@pytest.mark.django_db
def test_task_renders_and_missing_submission_is_not_retried(dossier_submission):
    sha = render_submission_pdf_task.delay(dossier_submission.pk).get()
    dossier_submission.refresh_from_db()
    assert sha == dossier_submission.pdf_sha256
    assert dossier_submission.pdf_status == Submission.PdfStatus.READY
    with pytest.raises(Submission.DoesNotExist):
        render_submission_pdf_task.delay(10**9).get()


@pytest.mark.django_db
def test_pdf_rendering_starts_on_commit_of_a_submission(django_capture_on_commit_callbacks):
    assert render_dossier_pdf in TRANSITIONS["submit_dossier"].effects
    assert render_letter_receipt in TRANSITIONS["submit_letter"].effects
    application = rich_dossier_application()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            submission = submit_snapshot(application)
            transaction.on_commit(lambda: render_dossier_pdf(application, application.owner, "", {}))
            submission.refresh_from_db()
            assert submission.pdf_status == Submission.PdfStatus.PENDING
    submission.refresh_from_db()
    assert submission.pdf_status == Submission.PdfStatus.READY
    assert PdfReader(submission.pdf.path).pages


@pytest.mark.django_db
def test_render_pdf_command(dossier_submission, tmp_path, capsys):
    output = tmp_path / "dossier.pdf"
    call_command("render_pdf", dossier_submission.snapshot["reference"], "--output", str(output))
    pages, text = pdf_text(output.read_bytes())
    assert pages > 1 and dossier_submission.snapshot["reference"] in text
    assert "SHA-256" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("render_pdf", "CMA-SN-1999-0000")


# --- views -------------------------------------------------------------------------------------


def urls(submission):
    args = [submission.application_id, submission.pk]
    return (
        reverse("applications:submission_pdf", args=args),
        reverse("applications:submission_pdf_status", args=args),
        reverse("applications:submission_zip", args=args),
    )


@pytest.mark.django_db
def test_pending_page_then_download(client_for, dossier_submission):
    pdf_url, status_url, zip_url = urls(dossier_submission)
    client = client_for(dossier_submission.application.owner)
    response = client.get(pdf_url)
    assert response.status_code == 202
    assert "en cours de génération" in response.content.decode()
    assert "django_htmx/htmx-2.min.js" in response.content.decode()
    fragment = client.get(status_url).content.decode()
    assert f'hx-get="{status_url}"' in fragment and 'hx-trigger="every 3s"' in fragment
    assert client.get(zip_url).status_code == 202

    submission_render_pdf(submission_id=dossier_submission.pk)
    fragment = client.get(status_url).content.decode()
    assert 'data-pdf-status="ready"' in fragment and pdf_url in fragment and zip_url in fragment
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("owner", True),
        ("co_editor", True),
        ("other_applicant", False),
        ("reviewer", False),
        ("programme_manager", True),
        ("administrator", True),
    ],
)
def test_downloads_per_role(client_for, dossier_submission, who, allowed):
    submission_render_pdf(submission_id=dossier_submission.pk)
    application = dossier_submission.application
    user = {
        "anonymous": lambda: None,
        "owner": lambda: application.owner,
        "co_editor": lambda: CollaboratorFactory(application=application).user,
        "other_applicant": UserFactory,
        "reviewer": reviewer,
        "programme_manager": programme_manager,
        "administrator": administrator,
    }[who]()
    client = client_for(user)
    refused = 302 if user is None else 404  # anonymous: to the login page
    for url in urls(dossier_submission):
        response = client.get(url)
        assert response.status_code == (200 if allowed else refused), url
    # A submission of another application is not reachable through this one.
    other = submit_snapshot(rich_dossier_application(documents=0))
    url = reverse("applications:submission_pdf", args=[application.pk, other.pk])
    assert client.get(url).status_code == refused


@pytest.mark.django_db
def test_readiness_shown_without_hashing_but_serving_verifies():
    """Pages only check that the file is there; a file changed on disk is not served."""
    from applications.pdf import submission_pdf_is_ready, submission_render_pdf

    application = rich_dossier_application()
    submission = submit_snapshot(application)
    submission = submission_render_pdf(submission_id=submission.pk, force=True)
    assert submission_pdf_is_ready(submission) and submission_pdf_is_ready(submission, verify=False)
    with open(submission.pdf.path, "ab") as handle:
        handle.write(b"tampered")
    assert submission_pdf_is_ready(submission, verify=False)
    assert not submission_pdf_is_ready(submission)
    submission.pdf.storage.delete(submission.pdf.name)
    assert not submission_pdf_is_ready(submission, verify=False)
