"""The decision letter and the evaluation summary, rendered with WeasyPrint from
`templates/pdf/decision_letter.html` and `templates/pdf/evaluation_summary.html`.

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


def evaluation_summary_html(summary, application, language: str = "fr") -> str:
    """The evaluation summary: per criterion the consensus's score and comment as staff worded
    them, and the overall opinion. No reviewer's name, no individual review."""
    with translation.override(language or "fr"):
        return render_to_string(
            "pdf/evaluation_summary.html",
            {
                "summary": summary,
                "items": list(summary.items.all()),
                "application": application,
                "call": application.wave.call,
                "site_url": settings.SITE_URL,
                "LANGUAGE_CODE": translation.get_language(),
            },
        )


def render_evaluation_summary(summary, application, language: str = "fr") -> bytes:
    """The summary as tagged PDF bytes (PDF/UA structure tree, /Lang of `language`)."""
    from weasyprint import HTML

    html = evaluation_summary_html(summary, application, language)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_tags=True)


def summary_filename(application) -> str:
    reference = application.reference or f"dossier-{application.pk}"
    return f"synthese-evaluation-{reference}.pdf"
