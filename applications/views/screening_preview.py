"""The email a GO or a NO GO will send, shown to the programme manager before they record it
(issue 12, "Build also"): "Prévisualiser le courriel" posts the GO or NO GO form with
`preview`; the staff page comes back with the form as typed and the email in each language of
the applicants. Nothing is recorded or sent until the form is posted without `preview`."""

from django.utils import timezone

from applications.effects import screening_email_context
from applications.models import Application
from applications.selectors.editors import editors_by_language
from cma_portal.mail import email_preview
from waves.deadlines import PARIS, dossier_deadline


def editors_email_previews(application: Application, template: str, context: dict) -> list[dict]:
    """`template` rendered with `context` once per language of the application's editors (with
    the administrators' edited text if any), each with the addresses that will receive it."""
    previews = []
    for language, emails in editors_by_language(application).items():
        preview = email_preview(template, context, language)
        preview["to"] = emails
        previews.append(preview)
    return previews


def go_email_previews(application: Application, note: str) -> list[dict]:
    """The "go_decided" email, with the deadline a GO given now would set."""
    deadline = dossier_deadline(timezone.now(), application.wave.call.dossier_delay_months)
    context = screening_email_context(
        application, deadline_date=deadline.astimezone(PARIS).strftime("%d/%m/%Y"), note=(note or "").strip()
    )
    return editors_email_previews(application, "go_decided", context)


def no_go_email_previews(application: Application, reasons: str) -> list[dict]:
    return editors_email_previews(
        application, "no_go_decided", screening_email_context(application, reasons=reasons)
    )
