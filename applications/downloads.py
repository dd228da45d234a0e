"""The one way a stored document leaves the portal: `document_response(doc)`, for applicants,
programme managers and reviewers alike (each view checks access first)."""

from django.http import FileResponse, Http404

from applications.models import Document


def document_response(doc: Document) -> FileResponse:
    """`doc` as an attachment under its original name and the content type recorded at upload;
    404 when the file is missing from storage. Never sniffed by the browser, never cached."""
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
