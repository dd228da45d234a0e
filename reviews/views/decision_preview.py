"""The email a decision will send, shown to the programme manager before they record it
(issue 12): "Prévisualiser le courriel" on the dossier's decision form posts the form to
`selection:decide` with `preview`; the page comes back with the form as typed and, for each
language among the recipients, the subject and body they will read. Nothing is recorded and
nothing is sent until the form is posted without `preview`."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application
from applications.views.screening_preview import editors_email_previews
from reviews.effects import decision_notice_context

TEMPLATE = "decision_notice"


def decision_email_previews(application: Application, data: dict) -> list[dict]:
    """One preview per language of the application's editors (owner's language first), with
    who receives it; rendered with the edited text of "decision_notice" when there is one."""
    decision = getattr(application, "decision", None)
    letter_url = (
        settings.SITE_URL + reverse("laureates:letter", args=[decision.pk])
        if decision is not None
        else _("[lien vers la lettre de décision, créé à l'enregistrement]")
    )
    aid = data.get("aid_granted") if data.get("outcome") == "selected" else None
    context = decision_notice_context(
        application, outcome=data["outcome"], aid_granted=aid, letter_url=letter_url
    )
    return editors_email_previews(application, TEMPLATE, context)
