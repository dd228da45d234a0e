"""Messages to many (issue 15): one message from the programme team to every application
matching a filter of the staff list, each copy posted in the application's thread (a staff
`Message`), recorded in its history (AuditEvent "message_posted" with the bulk message's id) and
emailed through the outbox to its editors (template `message_to_applicants`), in batches."""

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import TransitionError
from applications.models import Application, BulkMessage, Collaborator, Message
from applications.services.messages import MAX_BODY_LENGTH
from cma_portal import roles
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email, queue_emails_batch

BATCH_SIZE = 100


def _editors(application: Application) -> list:
    """The owner and the accepted co-editors, from the prefetched collaborators."""
    return [application.owner] + [c.user for c in application.collaborators.all()]


def _batches(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def bulk_message_send(
    *, author, applications: QuerySet, body: str, token: str, filters: dict, batch_size: int = BATCH_SIZE
) -> BulkMessage:
    """Post `body` to every application of `applications` (once each), `batch_size` applications
    per transaction. `token` comes from the preview: sending twice with one token is refused
    (TransitionError), as is an empty body or an author who may not screen letters."""
    if not roles.may(author, "screen_letters"):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    body = (body or "").strip()
    if not body:
        raise TransitionError(_("Le message est vide."))
    if len(body) > MAX_BODY_LENGTH:
        raise TransitionError(_("Le message est trop long."))
    ids = sorted(set(applications.order_by().values_list("pk", flat=True)))
    try:
        with transaction.atomic():
            bulk = BulkMessage.objects.create(
                token=token, author=author, body=body, filters=filters, recipient_count=len(ids)
            )
    except IntegrityError:
        raise TransitionError(_("Ce message groupé a déjà été envoyé.")) from None
    accepted = Collaborator.objects.filter(user__isnull=False, accepted_at__isnull=False).select_related(
        "user"
    )
    for batch in _batches(ids, batch_size):
        with transaction.atomic(), queue_emails_batch():
            rows = list(
                Application.objects.filter(pk__in=batch)
                .select_related("owner")
                .prefetch_related(Prefetch("collaborators", queryset=accepted))
                .order_by("pk")
            )
            posted = Message.objects.bulk_create(
                [Message(application=a, author=author, from_staff=True, body=body) for a in rows]
            )
            for application, message in zip(rows, posted, strict=True):
                audit_record(
                    actor=author,
                    verb="message_posted",
                    obj=application,
                    data={"message_id": message.pk, "from_staff": True, "attachments": [], "bulk": bulk.pk},
                )
                queue_email(
                    recipients=_editors(application),
                    template="message_to_applicants",
                    context={
                        "reference": application.reference or "",
                        "title": application.title,
                        "acronym": application.acronym,
                        "author": "",
                        "body": body,
                        "attachment_count": 0,
                        "path": reverse("applications:messages", args=[application.pk]),
                    },
                )
    bulk.sent_at = timezone.now()
    bulk.save(update_fields=["sent_at"])
    return bulk
