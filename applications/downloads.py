"""The one way a stored document leaves the portal: `document_response(doc)`, for applicants,
programme managers and reviewers alike (each view checks access first)."""

import logging

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from applications.models import Document
from applications.scanning import document_scan
from cma_portal import uploads
from cma_portal.uploads.clamav import ScannerUnavailable

logger = logging.getLogger(__name__)


def document_response(doc: Document) -> HttpResponse:
    """`doc` as an attachment under its original name and the content type recorded at upload;
    404 when the file is missing from storage. Never sniffed by the browser, never cached.

    An infected document is never served (403); one still pending is scanned first when the
    scanner is on, and withheld (503, "réessayez") if the scanner gives no verdict."""
    try:
        status = document_scan(document=doc)
    except FileNotFoundError:
        raise Http404 from None
    except ScannerUnavailable as error:
        logger.error("virus scanner unavailable while serving document %s: %s", doc.pk, error)
        return HttpResponse(
            _("L'analyse antivirus est momentanément indisponible ; réessayez dans quelques minutes."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    if status == uploads.ScanStatus.INFECTED:
        return HttpResponse(
            _("Ce fichier contient un virus : il a été mis en quarantaine et ne peut pas être téléchargé."),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=doc.original_name,
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
