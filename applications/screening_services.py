"""Programme managers' screening: the list of letters, and the decisions taken on a letter.

Reads (`screening_*` selectors) and writes (`letter_*`, `application_extend_deadline`,
`staff_note_add`) for the `/instruction/` pages. Every state change goes through
`services.application_transition`; the emails of those transitions are registered here with
`on_transition`, so they go out whoever applies the transition (a view, seed_demo, a shell).
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cma_portal import roles
from cma_portal.audit import audit_events_for, audit_record
from cma_portal.emails import queue_email
from waves.deadlines import PARIS, dossier_deadline, end_of_day

from .models import Application, Document, Message, StaffNote, Submission
from .selectors import application_editors
from .services import TransitionError, application_transition, on_transition
from .workflow import State

# ---------------------------------------------------------------------------------------------
# Selectors


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
    documents = list(
        application.documents.filter(message__isnull=True)
        .select_related("partner__organisation", "uploaded_by")
        .order_by("-is_current", "kind", "uploaded_at", "id")
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
        "thread_messages": thread_messages(application),
        "collaborators": list(application.collaborators.select_related("user")),
    }


def _labelled(events) -> list:
    """Audit events with their label, details and sentence in the reader's language."""
    from .history import described

    return described(events)


def thread_messages(application: Application) -> list[Message]:
    """The message thread of `application`, oldest first, with authors and attachments."""
    return list(
        application.messages.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=Document.objects.order_by("uploaded_at", "id"))
        )
    )


def format_deadline(at: datetime | None) -> str:
    """ "28/02/2027": the Paris date of a deadline, which always falls at 23:59 Paris time."""
    return at.astimezone(PARIS).strftime("%d/%m/%Y") if at else ""


def applicant_thread_path(application: Application) -> str:
    """Where applicants read staff messages and decisions (their dashboard until the thread's
    URLs are mounted)."""
    try:
        return reverse("applications:messages", args=[application.pk])
    except NoReverseMatch:
        return reverse("applications:dashboard")


def _email_context(application: Application, **extra) -> dict:
    return {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        "application_path": applicant_thread_path(application),
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Services


def _post_staff_message(application: Application, actor, body: str) -> Message:
    """A decision's text, copied into the thread so the applicant reads it in the portal."""
    return Message.objects.create(application=application, author=actor, from_staff=True, body=body)


@transaction.atomic
def letter_request_correction(*, application: Application, actor, message: str) -> Application:
    """Send a submitted letter back to its applicants for correction (state li_draft).

    Side effects: transition audit event (note = the message); the message is posted in the
    application's thread; on commit, email `correction_requested` to owner and co-editors.
    Raises TransitionError (French) on a wrong state, a missing message or a second click.
    """
    message = (message or "").strip()
    application = application_transition(
        application=application,
        name="request_correction",
        actor=actor,
        note=message,
        expected_state=State.LI_SUBMITTED,
    )
    _post_staff_message(application, actor, _("Demande de correction : %(message)s") % {"message": message})
    return application


@transaction.atomic
def letter_go(*, application: Application, actor, note: str = "", at: datetime | None = None) -> Application:
    """Record a GO: the applicants now have until the dossier deadline to submit the full
    dossier. The deadline is the GO date plus the call's delay (three months by default), end of
    that day, Paris time.

    Side effects: `go_decided_at` and `dossier_deadline` set; transition audit event; a message
    in the thread; on commit, email `go_decided` with the deadline to owner and co-editors.
    """
    at = at or timezone.now()
    months = application.wave.call.dossier_delay_months
    deadline = dossier_deadline(at, months)

    def apply(locked: Application) -> None:
        locked.go_decided_at = at
        locked.dossier_deadline = deadline

    application = application_transition(
        application=application,
        name="go",
        actor=actor,
        note=(note or "").strip(),
        at=at,
        expected_state=State.LI_SUBMITTED,
        apply=apply,
        data={"dossier_deadline": deadline.astimezone(PARIS).isoformat()},
    )
    body = _(
        "GO : votre lettre d'intention est retenue. Déposez le dossier complet au plus tard le "
        "%(date)s à 23:59 (heure de Paris)."
    ) % {"date": format_deadline(deadline)}
    if note.strip():
        body += "\n\n" + note.strip()
    _post_staff_message(application, actor, body)
    return application


@transaction.atomic
def letter_no_go(*, application: Application, actor, reasons: str) -> Application:
    """Record a NO GO with its reasons and recommendations, shown to the applicants. This
    application ends (li_rejected); the organisation may submit a new letter later.

    Side effects: `decision_note` set; transition audit event; a message in the thread; on
    commit, email `no_go_decided` with the reasons to owner and co-editors.
    """
    reasons = (reasons or "").strip()

    def apply(locked: Application) -> None:
        locked.decision_note = reasons

    application = application_transition(
        application=application,
        name="no_go",
        actor=actor,
        note=reasons,
        expected_state=State.LI_SUBMITTED,
        apply=apply,
    )
    _post_staff_message(
        application, actor, _("NO GO — motifs et recommandations : %(reasons)s") % {"reasons": reasons}
    )
    return application


@transaction.atomic
def application_extend_deadline(
    *, application: Application, new_date: date, reason: str, actor
) -> Application:
    """Move the dossier deadline of an application waiting for its dossier to the end of
    `new_date` (Paris time), later than the current deadline.

    Locks the row. Side effects: `dossier_deadline` and `version` updated; audit event
    "deadline_extended" with the old and new deadline and the reason; on commit, email
    `extension_granted` to owner and co-editors. Reminders key on the deadline, so the
    reminder sweep re-arms them by itself. Raises TransitionError (French) otherwise.
    """
    if not roles.may(actor, "extend_deadline"):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Indiquez le motif de la prolongation."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != State.DOSSIER_DRAFT:
        raise TransitionError(
            _(
                "Seul un dossier complet en attente de dépôt peut voir son délai prolongé (état actuel : « %(state)s »)."
            )
            % {"state": locked.get_state_display()}
        )
    new_deadline = end_of_day(new_date)
    old_deadline = locked.dossier_deadline
    if old_deadline is not None and new_deadline <= old_deadline:
        raise TransitionError(
            _("La nouvelle date doit être postérieure à la date limite actuelle (%(date)s).")
            % {"date": format_deadline(old_deadline)}
        )
    locked.dossier_deadline = new_deadline
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["dossier_deadline", "version", "updated_at"])
    audit_record(
        actor=actor,
        verb="deadline_extended",
        obj=locked,
        note=reason,
        data={
            "old_deadline": old_deadline.astimezone(PARIS).isoformat() if old_deadline else None,
            "new_deadline": new_deadline.astimezone(PARIS).isoformat(),
        },
    )
    queue_email(
        recipients=application_editors(locked),
        template="extension_granted",
        context=_email_context(
            locked,
            deadline_date=format_deadline(new_deadline),
            old_deadline_date=format_deadline(old_deadline),
            reason=reason,
        ),
    )
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def staff_note_add(*, application: Application, author, body: str) -> StaffNote:
    """Add a private note for programme managers; never shown to applicants.

    Side effects: audit event "staff_note_added" (without the text: the history may be shown to
    applicants, the note may not).
    """
    if not roles.may(author, "screen_letters"):
        raise TransitionError(_("Vous n'avez pas le droit d'effectuer cette action."))
    body = (body or "").strip()
    if not body:
        raise TransitionError(_("La note est vide."))
    note = StaffNote.objects.create(application=application, author=author, body=body)
    audit_record(actor=author, verb="staff_note_added", obj=application, data={"staff_note_id": note.pk})
    return note


# ---------------------------------------------------------------------------------------------
# Emails of the screening transitions (run on commit by application_transition).


@on_transition("request_correction")
def _email_correction(application, actor, note, data):
    queue_email(
        recipients=application_editors(application),
        template="correction_requested",
        context=_email_context(application, message=note),
    )


@on_transition("go")
def _email_go(application, actor, note, data):
    queue_email(
        recipients=application_editors(application),
        template="go_decided",
        context=_email_context(
            application, deadline_date=format_deadline(application.dossier_deadline), note=note
        ),
    )


@on_transition("no_go")
def _email_no_go(application, actor, note, data):
    queue_email(
        recipients=application_editors(application),
        template="no_go_decided",
        context=_email_context(application, reasons=application.decision_note or note),
    )
