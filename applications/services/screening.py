"""Programme managers' decisions on a letter: correction, GO, NO GO, deadline extension, notes.

State changes go through `services.transitions.application_apply_transition`; the thread messages
and emails they cause are the effects listed on their rows of `workflow.TRANSITIONS`.
"""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import TransitionError
from applications.models import Application, StaffNote
from applications.selectors.editors import application_editors
from applications.selectors.staff import format_deadline
from applications.services.transitions import application_apply_transition
from applications.states import State
from cma_portal import roles
from cma_portal.audit import audit_record
from cma_portal.emails import queue_email
from waves.deadlines import PARIS, dossier_deadline, end_of_day


@transaction.atomic
def letter_request_correction(*, application: Application, actor, message: str) -> Application:
    """Send a submitted letter back to its applicants for correction (state li_draft).

    Side effects: the audit event (note = the message) and the effects of the
    `request_correction` row (thread message, email to owner and co-editors). Raises TransitionError (French) on a wrong state, a missing message or a second click.
    """
    message = (message or "").strip()
    return application_apply_transition(
        application=application,
        name="request_correction",
        actor=actor,
        note=message,
        expected_state=State.LI_SUBMITTED,
    )


@transaction.atomic
def letter_go(*, application: Application, actor, note: str = "", at: datetime | None = None) -> Application:
    """Record a GO: the applicants now have until the dossier deadline to submit the full
    dossier. The deadline is the GO date plus the call's delay (three months by default), end of
    that day, Paris time.

    Side effects: `go_decided_at` and `dossier_deadline` set; the audit event and the effects of
    the `go` row (thread message and email with the deadline).
    """
    at = at or timezone.now()
    months = application.wave.call.dossier_delay_months
    deadline = dossier_deadline(at, months)

    def apply(locked: Application) -> None:
        locked.go_decided_at = at
        locked.dossier_deadline = deadline

    return application_apply_transition(
        application=application,
        name="go",
        actor=actor,
        note=(note or "").strip(),
        at=at,
        expected_state=State.LI_SUBMITTED,
        apply=apply,
        data={"dossier_deadline": deadline.astimezone(PARIS).isoformat()},
    )


@transaction.atomic
def letter_no_go(*, application: Application, actor, reasons: str) -> Application:
    """Record a NO GO with its reasons and recommendations, shown to the applicants. This
    application ends (li_rejected); the organisation may submit a new letter later.

    Side effects: `decision_note` set; the audit event and the effects of the `no_go` row
    (thread message and email with the reasons).
    """
    reasons = (reasons or "").strip()

    def apply(locked: Application) -> None:
        locked.decision_note = reasons

    return application_apply_transition(
        application=application,
        name="no_go",
        actor=actor,
        note=reasons,
        expected_state=State.LI_SUBMITTED,
        apply=apply,
    )


def _extension_context(application: Application, **extra) -> dict:
    return {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        "application_path": reverse("applications:messages", args=[application.pk]),
        **extra,
    }


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
        context=_extension_context(
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
