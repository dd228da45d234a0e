"""Storing uploaded documents: random name on disk, SHA-256, size, page count, audit."""

import hashlib

from django.core.files.base import File
from django.db import transaction

from applications.models import Application, ConsortiumPartner, Document
from applications.validators import sniff_content_type
from cma_portal import uploads
from cma_portal.audit import audit_record

# Kinds of which an application holds one current document (per partner for commitments):
# uploading a new one retires the previous one, which stays for the submissions that froze it.
SINGLE_DOCUMENT_KINDS = {
    Document.Kind.LETTER,
    Document.Kind.PRESENTATION,
    Document.Kind.FINANCIAL_ANNEX,
    Document.Kind.COMMITMENT,
}


def _digest(uploaded_file) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in (
        uploaded_file.chunks()
        if hasattr(uploaded_file, "chunks")
        else iter(lambda: uploaded_file.read(65536), b"")
    ):
        sha.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    return sha.hexdigest(), size


@transaction.atomic
def document_store(
    *,
    application: Application,
    kind: str,
    uploaded_file,
    user,
    label: str = "",
    partner: ConsortiumPartner | None = None,
    page_count: int | None = None,
    message=None,
    content_type: str = "",
) -> Document:
    """Store `uploaded_file` (already validated by the caller) as a document of `application`.
    `content_type` overrides the type sniffed from the content (PDF, workbooks, else binary).

    Side effects: the previous current document of a single-document kind leaves the current
    set; an AuditEvent "document_uploaded" on the application.
    """
    sha256, size = _digest(uploaded_file)
    if kind in SINGLE_DOCUMENT_KINDS and message is None:
        previous = application.documents.filter(kind=kind, is_current=True, message__isnull=True)
        if kind == Document.Kind.COMMITMENT:
            previous = previous.filter(partner=partner)
        previous.update(is_current=False)
    document = Document(
        application=application,
        kind=kind,
        original_name=(getattr(uploaded_file, "name", "") or "document").rsplit("/", 1)[-1][:255],
        content_type=content_type or sniff_content_type(uploaded_file),
        size=size,
        sha256=sha256,
        page_count=page_count,
        label=label,
        uploaded_by=user if getattr(user, "pk", None) else None,
        partner=partner,
        message=message,
        # The verdict of the upload's validation; a file nobody scanned stays "pending".
        scan_status=getattr(uploads.checked_upload(uploaded_file), "scan_status", uploads.ScanStatus.PENDING),
    )
    # The storage name comes from `document_upload_to` (random); the original name is kept apart.
    document.file.save("upload", File(uploaded_file), save=False)
    document.save()
    audit_record(
        actor=user,
        verb="document_uploaded",
        obj=application,
        data={
            "document_id": document.pk,
            "kind": kind,
            "original_name": document.original_name,
            "sha256": sha256,
            "size": size,
            "page_count": page_count,
        },
    )
    return document
