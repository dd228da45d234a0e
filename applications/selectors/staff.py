"""Reads for programme managers: the screening list, an application's staff page, its thread."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from applications.models import Application, Document, Message, Submission
from cma_portal.audit import audit_events_for
from waves.deadlines import PARIS


def screening_applications() -> QuerySet[Application]:
    """Applications programme managers screen: every application that has been submitted at
    least once (it has a reference), whatever its state since, with what the list shows.

    Drafts never submitted stay private to their applicants. The query count does not depend on
    the number of rows (one query for the page, one for the actions).
    """
    return (
        Application.objects.filter(reference__isnull=False)
        .select_related("wave", "lead_organisation", "owner")
        .prefetch_related("actions")
    )


def screening_detail_context(application: Application) -> dict:
    """Everything the staff detail page shows about `application`, fetched in a fixed number
    of queries."""
    # One query for the dossier's documents and the messages' attachments.
    every_document = list(
        application.documents.select_related("partner__organisation", "uploaded_by").order_by(
            "uploaded_at", "id"
        )
    )
    documents = sorted(
        (d for d in every_document if d.message_id is None),
        key=lambda d: (not d.is_current, d.kind, d.uploaded_at, d.id),
    )
    return {
        "actions": list(application.actions.order_by("number")),
        "components": list(application.components.order_by("code")),
        "partners": list(application.partners.select_related("organisation")),
        "documents": documents,
        "submissions": list(
            Submission.objects.filter(application=application)
            .select_related("submitted_by")
            .order_by("-submitted_at", "-id")
        ),
        "events": _labelled(audit_events_for(application).order_by("-created_at", "-id")),
        "staff_notes": list(application.staff_notes.select_related("author").order_by("-created_at", "-id")),
        "thread_messages": thread_messages(application, documents=every_document),
        "collaborators": list(application.collaborators.select_related("user")),
    }


def _labelled(events) -> list:
    """Audit events with their label, details and sentence in the reader's language."""
    from applications.selectors.history import described

    return described(events)


def thread_messages(application: Application, documents: list[Document] | None = None) -> list[Message]:
    """The message thread of `application`, oldest first, with authors and attachments (taken
    from `documents`, every document of the application, when the caller has them loaded)."""
    if documents is not None:
        thread = list(application.messages.select_related("author"))
        by_message: dict[int, list[Document]] = {}
        for document in documents:  # already in (uploaded_at, id) order
            if document.message_id is not None:
                by_message.setdefault(document.message_id, []).append(document)
        for message in thread:
            attachments = message.attachments.all()
            attachments._result_cache = by_message.get(message.pk, [])
            attachments._prefetch_done = True
            message._prefetched_objects_cache = {"attachments": attachments}
        return thread
    return list(
        application.messages.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=Document.objects.order_by("uploaded_at", "id"))
        )
    )


def format_deadline(at: datetime | None) -> str:
    """ "28/02/2027": the Paris date of a deadline, which always falls at 23:59 Paris time."""
    return at.astimezone(PARIS).strftime("%d/%m/%Y") if at else ""
