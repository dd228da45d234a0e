"""What a state change of an application causes, besides the state itself.

Each function is an effect named on a row of `workflow.TRANSITIONS` and called by
`services.transitions.application_apply_transition` as effect(application, actor, note, data),
inside the transition's transaction and after the audit event. Effects write the thread
messages and outbox emails that belong to the change (they commit or roll back with it) and
start background work on commit. They import only models, selectors, emails and tasks.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Message, Submission
from applications.selectors.editors import application_editors
from applications.tasks import rendering
from cma_portal import roles
from cma_portal.emails import queue_email
from waves.deadlines import PARIS


def _deadline_date(application: Application) -> str:
    """ "28/02/2027": the Paris date of the dossier deadline (always 23:59 Paris time)."""
    deadline = application.dossier_deadline
    return deadline.astimezone(PARIS).strftime("%d/%m/%Y") if deadline else ""


def _context(application: Application, **extra) -> dict:
    return {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        "wave": str(application.wave.name),
        "url": f"{settings.SITE_URL}{application.get_absolute_url()}",
        "application_path": reverse("applications:messages", args=[application.pk]),
        **extra,
    }


def screening_email_context(application: Application, **extra) -> dict:
    """The context of the letter's emails (GO, NO GO, correction): what they are sent with, and
    what the staff preview renders (`views.screening_preview`) before the decision is recorded."""
    return _context(application, **extra)


def _latest_submission(application: Application, kind: str) -> Submission | None:
    return (
        Submission.objects.filter(application_id=application.pk, kind=kind)
        .order_by("-submitted_at", "-id")
        .first()
    )


def _post_staff_message(application: Application, actor, body: str) -> None:
    """A decision's text, copied into the thread so the applicant reads it in the portal."""
    Message.objects.create(application=application, author=actor, from_staff=True, body=body)


# --- submit_letter -----------------------------------------------------------------------------


def email_letter_submitted(application: Application, actor, note: str, data: dict) -> None:
    context = _context(application)
    submission = _latest_submission(application, Submission.Kind.LETTER)
    if submission is not None:
        context["submitted_at"] = timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M:%S")
        context["receipt_url"] = settings.SITE_URL + reverse(
            "applications:receipt", args=[application.pk, submission.pk]
        )
    queue_email(recipients=application_editors(application), template="letter_submitted", context=context)


def render_letter_receipt(application: Application, actor, note: str, data: dict) -> None:
    submission = _latest_submission(application, Submission.Kind.LETTER)
    if submission is not None:
        rendering.schedule_submission_pdf(submission.pk)


# --- submit_dossier ----------------------------------------------------------------------------


def email_dossier_submitted(application: Application, actor, note: str, data: dict) -> None:
    managers = (
        get_user_model().objects.filter(groups__name=roles.PROGRAMME_MANAGER, is_active=True).distinct()
    )
    submitted = timezone.localtime(application.dossier_submitted_at, timezone.get_default_timezone())
    context = {
        "reference": application.reference or "",
        "title": application.title,
        "acronym": application.acronym,
        "submitted_date": submitted.strftime("%d/%m/%Y"),
        "submitted_time": submitted.strftime("%H:%M"),
        "url": reverse("applications:dossier", args=[application.pk]),
    }
    queue_email(
        recipients=[*application_editors(application), *managers],
        template="dossier_submitted",
        context=context,
    )


def render_dossier_pdf(application: Application, actor, note: str, data: dict) -> None:
    submission = _latest_submission(application, Submission.Kind.DOSSIER)
    if submission is not None:
        rendering.schedule_submission_pdf(submission.pk)


# --- screening: request_correction, go, no_go ----------------------------------------------------


def post_correction_message(application: Application, actor, note: str, data: dict) -> None:
    _post_staff_message(application, actor, _("Demande de correction : %(message)s") % {"message": note})


def email_correction_requested(application: Application, actor, note: str, data: dict) -> None:
    queue_email(
        recipients=application_editors(application),
        template="correction_requested",
        context=_context(application, message=note),
    )


def post_go_message(application: Application, actor, note: str, data: dict) -> None:
    body = _(
        "GO : votre lettre d'intention est retenue. Déposez le dossier complet au plus tard le "
        "%(date)s à 23:59 (heure de Paris)."
    ) % {"date": _deadline_date(application)}
    if note.strip():
        body += "\n\n" + note.strip()
    _post_staff_message(application, actor, body)


def email_go_decided(application: Application, actor, note: str, data: dict) -> None:
    queue_email(
        recipients=application_editors(application),
        template="go_decided",
        context=_context(application, deadline_date=_deadline_date(application), note=note),
    )


def post_no_go_message(application: Application, actor, note: str, data: dict) -> None:
    _post_staff_message(
        application, actor, _("NO GO — motifs et recommandations : %(reasons)s") % {"reasons": note}
    )


def email_no_go_decided(application: Application, actor, note: str, data: dict) -> None:
    queue_email(
        recipients=application_editors(application),
        template="no_go_decided",
        context=_context(application, reasons=application.decision_note or note),
    )


# --- expire, withdraw --------------------------------------------------------------------------


def email_expired(application: Application, actor, note: str, data: dict) -> None:
    queue_email(
        recipients=[application.owner],
        template="expired",
        context={
            "reference": application.reference or "",
            "title": application.title or application.acronym or "",
            "deadline": timezone.localtime(application.dossier_deadline).strftime("%d/%m/%Y %H:%M"),
            "url": reverse("applications:detail", args=[application.pk]),
        },
    )


def email_withdrawn(application: Application, actor, note: str, data: dict) -> None:
    context = {**_context(application), "by": str(actor) if actor else ""}
    queue_email(recipients=application_editors(application), template="withdrawn", context=context)
