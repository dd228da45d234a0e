"""The message thread of an application: applicants (owner and co-editors) on one side,
programme managers on the other, with attachments.

`attachment_check` validates an uploaded file with the shared validators (content, inspection,
macros, virus scan), never by its name;
`message_post` stores a message and its attachments and notifies the other side.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import validators
from applications.errors import TransitionError
from applications.models import Application, Document, Message
from applications.selectors.access import is_editor
from applications.selectors.editors import application_editors
from cma_portal import roles, uploads
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email

MAX_ATTACHMENTS = 5
MAX_BODY_LENGTH = 10_000


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    scan_status: str


# What a message may carry: documents, spreadsheets and pictures, no word-processing files.
ATTACHMENT_CONTENT_TYPES = {
    validators.PDF_CONTENT_TYPE,
    validators.PNG_CONTENT_TYPE,
    validators.JPEG_CONTENT_TYPE,
    validators.GIF_CONTENT_TYPE,
    validators.WEBP_CONTENT_TYPE,
    validators.XLSX_CONTENT_TYPE,
    validators.XLSM_CONTENT_TYPE,
    validators.ODS_CONTENT_TYPE,
}


def attachment_check(upload, *, allow_macros: bool = False) -> CheckedFile:
    """Validate one attachment with the shared validators (the same inspection, macro rule and
    virus scan as every other upload); ValidationError with a French message naming the file
    and the problem."""
    name = getattr(upload, "name", "") or _("fichier")
    # Not `validators.validate_size`: a message carries several files, so each refusal names one.
    size = upload.size
    if not size:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name}, code="empty")
    if size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier « %(name)s » dépasse la taille maximale de %(max)s Mo.")
            % {"name": name, "max": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
            code="too_large",
        )
    checked = uploads.checked_upload(upload)
    if checked is None or (checked.macros and not allow_macros):
        try:
            checked = validators.validate_upload(
                upload,
                accept=ATTACHMENT_CONTENT_TYPES,
                allow_macros=allow_macros,
                type_message=_(
                    "Ce fichier n'est pas d'un type accepté : seuls les PDF, les images "
                    "(PNG, JPEG, GIF, WebP) et les tableurs (XLSX, XLSM, ODS) sont acceptés."
                ),
            )
        except ValidationError as error:
            raise ValidationError(
                _("Le fichier « %(name)s » est refusé : %(reason)s")
                % {"name": name, "reason": error.messages[0]},
                code=error.code,
            ) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        content_type=checked.content_type,
        size=size,
        sha256=digest.hexdigest(),
        scan_status=checked.scan_status,
    )


def _store_attachment(*, application: Application, message: Message, upload, author) -> Document:
    checked = attachment_check(upload, allow_macros=application.wave.call.allow_macro_workbooks)
    document = Document(
        application=application,
        message=message,
        kind=Document.Kind.ATTACHMENT,
        original_name=(getattr(upload, "name", "") or "piece-jointe")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scan_status=checked.scan_status,
        uploaded_by=author,
    )
    upload.seek(0)
    # The storage name is random (document_upload_to); the original name is only displayed.
    document.file.save(
        "attachment", upload if hasattr(upload, "chunks") else io.BytesIO(upload.read()), save=False
    )
    document.save()
    return document


def programme_managers():
    """Active users with the programme manager role: who hears from applicants."""
    return list(
        get_user_model()
        .objects.filter(groups__name=roles.PROGRAMME_MANAGER, is_active=True)
        .distinct()
        .order_by("id")
    )


@transaction.atomic
def message_post(*, application: Application, author, body: str, attachments=(), as_staff: bool) -> Message:
    """Post a message in the thread of `application`, as staff (`as_staff`, a programme manager
    or administrator) or as the applicant side (the owner or an accepted co-editor).

    Side effects: a Message, one Document (kind attachment) per file, stored under a random
    name with its SHA-256 and size; audit event "message_posted" (without the text); on commit,
    email `message_to_applicants` to owner and co-editors, or `message_to_staff` to programme
    managers. Raises TransitionError when the author may not write here, ValidationError for a
    bad attachment (nothing is stored then).
    """
    if as_staff and not roles.may(author, "screen_letters"):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    if not as_staff and not is_editor(author, application):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    body = (body or "").strip()
    attachments = list(attachments or ())
    if not body and not attachments:
        raise TransitionError(_("Le message est vide."))
    if len(attachments) > MAX_ATTACHMENTS:
        raise TransitionError(_("Au plus %(n)d pièces jointes par message.") % {"n": MAX_ATTACHMENTS})

    message = Message.objects.create(application=application, author=author, from_staff=as_staff, body=body)
    documents = [
        _store_attachment(application=application, message=message, upload=upload, author=author)
        for upload in attachments
    ]
    audit_record(
        actor=author,
        verb="message_posted",
        obj=application,
        data={
            "message_id": message.pk,
            "from_staff": as_staff,
            "attachments": [{"id": d.pk, "sha256": d.sha256, "size": d.size} for d in documents],
        },
    )
    context = {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        # Applicants are named to staff; staff write to applicants as "the programme team".
        "author": "" if as_staff else (author.get_full_name() or author.email),
        "body": body,
        "attachment_count": len(documents),
    }
    if as_staff:
        context["path"] = reverse("applications:messages", args=[application.pk])
        queue_email(
            recipients=application_editors(application), template="message_to_applicants", context=context
        )
    else:
        context["path"] = reverse("instruction:detail", args=[application.pk]) + "#messages"
        recipients = [u for u in programme_managers() if u.pk != author.pk]
        queue_email(recipients=recipients, template="message_to_staff", context=context)
    return message
