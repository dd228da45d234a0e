"""The agreement as a PDF (WeasyPrint), tagged for accessibility (PDF/UA-1, /Lang fr)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.pdf import format_eur
from grants.models import Agreement

CSS = """
@page { size: A4; margin: 2cm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #888; padding: 4px; text-align: left; }
dt { font-weight: bold; } dd { margin: 0 0 0.4em 0; }
"""


def agreement_filename(agreement: Agreement) -> str:
    return f"convention-{agreement.application.reference or agreement.application_id}.pdf"


def render_agreement_pdf(agreement: Agreement) -> bytes:
    """French whatever the requester's language: the agreement is a legal text."""
    from weasyprint import CSS as WeasyCSS  # imported here: loading Pango costs ~0.3 s per process
    from weasyprint import HTML

    application = agreement.application
    instalments = list(agreement.instalments.select_related("report"))
    with translation.override("fr"):
        html = render_to_string(
            "pdf/grant_agreement.html",
            {
                "agreement": agreement,
                "application": application,
                "call": application.wave.call,
                "amount": format_eur(agreement.amount_granted),
                "instalments": [(i, format_eur(i.amount)) for i in instalments],
                "reports": list(agreement.reports.all()),
                "partners": list(application.partners.select_related("organisation")),
                "generated_at": timezone.localtime(),
            },
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[WeasyCSS(string=CSS)], pdf_variant="pdf/ua-1")
