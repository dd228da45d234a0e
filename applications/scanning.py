"""Virus scans of stored documents: the verdict recorded on `Document.scan_status`.

Uploads are scanned by their validators before they are stored (`cma_portal.uploads`); what was
stored while the scanner was off stays "pending" and is scanned here, by `document_scan` when it
is about to be served, or in bulk by `manage.py scan_documents`.
"""

from applications.models import Document
from cma_portal import uploads
from cma_portal.audit import audit_record


def document_scan(*, document: Document) -> str:
    """Scan `document` if the scanner is on and it is still pending; record and return its state.

    Side effects: `scan_status` updated; an AuditEvent "document_infected" on the application
    when the scanner finds something. Raises `clamav.ScannerUnavailable` when the scanner is on
    but gives no verdict (the state stays pending)."""
    if document.scan_status != uploads.ScanStatus.PENDING or not uploads.scanner_enabled():
        return document.scan_status
    with document.file.open("rb") as handle:
        status, signature = uploads.scan_stored(handle)
    Document.objects.filter(pk=document.pk).update(scan_status=status)
    document.scan_status = status
    if status == uploads.ScanStatus.INFECTED:
        audit_record(
            actor=None,
            verb="document_infected",
            obj=document.application,
            data={"document_id": document.pk, "signature": signature},
        )
    return status
