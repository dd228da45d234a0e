"""The decision letter, rendered with WeasyPrint from `templates/pdf/decision_letter.html`.

The letter carries the decision, the aid granted and the committee's rationale; never the
reviewers' names nor their reviews.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from reviews.models import Decision


def decision_letter_html(decision: Decision, language: str = "fr") -> str:
    application = decision.application
    with translation.override(language or "fr"):
        return render_to_string(
            "pdf/decision_letter.html",
            {
                "decision": decision,
                "application": application,
                "wave": application.wave,
                "call": application.wave.call,
                "decided_at": timezone.localtime(decision.decided_at),
                "site_url": settings.SITE_URL,
                # the letter's lang attribute, hence the tagged PDF's /Lang
                "LANGUAGE_CODE": translation.get_language(),
            },
        )


def render_decision_letter(decision: Decision, language: str = "fr") -> bytes:
    """The letter as PDF bytes (about a second for WeasyPrint to lay out)."""
    from weasyprint import HTML

    return HTML(string=decision_letter_html(decision, language), base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_tags=True
    )


def letter_filename(decision: Decision) -> str:
    reference = decision.application.reference or f"dossier-{decision.application_id}"
    return f"decision-{reference}.pdf"
