"""Download of a submission's PDF and ZIP bundle, and the status polled while it renders.

Who: the owner, accepted co-editors and staff who screen letters (programme managers,
administrators) — through `selectors.get_application_for`; 404 for everyone else.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications.bundles import bundle_filename, submission_bundle_write
from applications.models import Submission
from applications.pdf import submission_pdf_filename, submission_pdf_is_ready
from applications.selectors.access import get_application_for


def _submission_for(request, pk: int, submission_id: int, *, verify: bool = True) -> tuple[Submission, bool]:
    application = get_application_for(request.user, pk)
    submission = get_object_or_404(
        Submission.objects.select_related("application"), pk=submission_id, application=application
    )
    return submission, submission_pdf_is_ready(submission, verify=verify)


def _pending(request, submission: Submission, status: int = 202):
    """While the PDF renders: a page that says so and offers the download when it is ready."""
    return render(
        request,
        "pdf/pending.html",
        {"title": _("Document en cours de génération"), "submission": submission, "ready": False},
        status=status,
    )


@login_required
@require_GET
def submission_pdf(request, pk: int, submission_id: int):
    submission, ready = _submission_for(request, pk, submission_id)
    if not ready:
        return _pending(request, submission)
    return FileResponse(
        submission.pdf.open("rb"),
        as_attachment=True,
        filename=submission_pdf_filename(submission),
        content_type="application/pdf",
    )


@login_required
@require_GET
def submission_pdf_status(request, pk: int, submission_id: int):
    """HTML fragment: the status and, when ready, the download links (polled by htmx, `hx-trigger="every 3s"`)."""
    submission, ready = _submission_for(request, pk, submission_id, verify=False)
    response = render(request, "pdf/status_fragment.html", {"submission": submission, "ready": ready})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def submission_zip(request, pk: int, submission_id: int):
    submission, ready = _submission_for(request, pk, submission_id)
    if not ready:
        return _pending(request, submission)
    # Removed from disk when closed, i.e. once the response has been sent.
    archive = tempfile.TemporaryFile()  # noqa: SIM115 — closed by FileResponse
    try:
        submission_bundle_write(submission=submission, fileobj=archive)
    except FileNotFoundError:
        archive.close()
        raise Http404 from None
    archive.seek(0)
    return FileResponse(
        archive, as_attachment=True, filename=bundle_filename(submission), content_type="application/zip"
    )
