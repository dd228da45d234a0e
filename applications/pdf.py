"""PDF documents of a submission, rendered with WeasyPrint from its frozen snapshot.

- letter of intent: a receipt (reference, timestamp, applicant, organisation, actions,
  estimates, SHA-256 of the uploaded letter);
- full dossier: cover page, table of contents with page numbers, every structured section,
  the list of documents with their SHA-256, a running header with the reference, a
  "page N / M" footer, the generation timestamp and the snapshot's fingerprint.

Only the snapshot is read, never the live application: what was submitted is what is printed.
`submission_render_pdf` stores the file on the Submission; the Celery task calls it.
"""

import hashlib
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from applications.models import Submission

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def format_eur(value) -> str:
    """French money: "1 234 567,89 €" (narrow no-break spaces between thousands)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, _sep, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}{NBSP}€"


def format_int(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def format_size(size) -> str:
    if size in (None, ""):
        return "—"
    size = int(size)
    if size < 1024:
        return f"{size}{NBSP}o"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f}{NBSP}Ko".replace(".", ",")
    return f"{size / (1024 * 1024):.1f}{NBSP}Mo".replace(".", ",")


def format_instant(value) -> str:
    """An ISO-8601 instant (or datetime) as "dd/mm/YYYY à HH:MM" in Europe/Paris."""
    if not value:
        return "—"
    instant = parse_datetime(value) if isinstance(value, str) else value
    if instant is None:
        return str(value)
    return timezone.localtime(instant).strftime("%d/%m/%Y à %H:%M")


def _by_year(lines: list[dict]) -> list[dict]:
    """Budget lines grouped by project year, with subtotals."""
    years: dict = {}
    for line in lines:
        group = years.setdefault(
            line.get("year"),
            {
                "year": line.get("year"),
                "lines": [],
                "eligible": Decimal(0),
                "aid": Decimal(0),
                "co": Decimal(0),
            },
        )
        group["lines"].append(line)
        group["eligible"] += Decimal(line.get("eligible_cost") or 0)
        group["aid"] += Decimal(line.get("aid_requested") or 0)
        group["co"] += Decimal(line.get("co_financing") or 0)
    return [years[key] for key in sorted(years, key=lambda y: (y is None, y))]


def _css_text(value: str) -> str:
    return "".join(ch for ch in value if ch not in '"\\\n')


def pdf_context(snapshot: dict, *, fingerprint: str, generated_at: datetime) -> dict:
    """What the PDF templates need, with every figure already formatted in French."""
    application = snapshot.get("application") or {}
    budget = snapshot.get("budget") or {}
    totals = budget.get("totals") or {}
    lines = [
        {
            **line,
            "eligible_display": format_eur(line.get("eligible_cost")),
            "aid_display": format_eur(line.get("aid_requested")),
            "co_display": format_eur(line.get("co_financing")),
        }
        for line in budget.get("lines") or []
    ]
    years = [
        {
            **group,
            "eligible_display": format_eur(group["eligible"]),
            "aid_display": format_eur(group["aid"]),
            "co_display": format_eur(group["co"]),
        }
        for group in _by_year(lines)
    ]
    documents = [
        {**doc, "size_display": format_size(doc.get("size"))} for doc in snapshot.get("documents") or []
    ]
    targets = snapshot.get("training_targets") or []
    return {
        "s": snapshot,
        "reference": snapshot.get("reference") or "",
        "application": application,
        "submitted_at": format_instant(snapshot.get("submitted_at")),
        "deadline": format_instant(application.get("dossier_deadline")),
        "generated_at": format_instant(generated_at),
        "fingerprint": fingerprint,
        # Running header and footer strings, quoted in the stylesheet: no quote or backslash.
        "css_reference": _css_text(snapshot.get("reference") or ""),
        "css_generated": _css_text(gettext("Généré le %(at)s") % {"at": format_instant(generated_at)}),
        "estimated_total_cost": format_eur(application.get("estimated_total_cost")),
        "estimated_aid_requested": format_eur(application.get("estimated_aid_requested")),
        "people_trained_per_year": format_int(application.get("people_trained_per_year")),
        "budget_years": years,
        "totals": {
            "eligible": format_eur(totals.get("eligible_cost")),
            "aid": format_eur(totals.get("aid_requested")),
            "co": format_eur(totals.get("co_financing")),
            "rate": (totals.get("aid_rate") or "0").replace(".", ","),
        },
        "max_aid_rate": str((snapshot.get("call") or {}).get("max_aid_rate") or "").replace(".", ","),
        "training_targets": [{**t, "people_display": format_int(t.get("people_trained"))} for t in targets],
        "people_trained_total": format_int(sum(int(t.get("people_trained") or 0) for t in targets)),
        "documents": documents,
        "letters": [d for d in documents if d.get("kind") == "letter"],
        "answers": snapshot.get("answers") or [],
    }


def render_html(submission_snapshot: dict, *, fingerprint: str, generated_at: datetime) -> tuple[str, str]:
    """(HTML, CSS) of the PDF of a snapshot; French, whatever the requester's language."""
    kind = submission_snapshot.get("kind")
    template = "pdf/dossier.html" if kind == Submission.Kind.DOSSIER else "pdf/receipt.html"
    with translation.override("fr"):
        context = pdf_context(submission_snapshot, fingerprint=fingerprint, generated_at=generated_at)
        html = render_to_string(template, context)
        css = render_to_string("pdf/pdf.css", context)
    return html, css


def html_to_pdf(html: str, css: str) -> bytes:
    """WeasyPrint alone: HTML and CSS strings in, PDF bytes out."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~0.3 s per process

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css)], pdf_tags=True
    )


def render_snapshot_pdf(snapshot: dict, *, fingerprint: str, generated_at: datetime | None = None) -> bytes:
    html, css = render_html(snapshot, fingerprint=fingerprint, generated_at=generated_at or timezone.now())
    return html_to_pdf(html, css)


def _stored_sha256(submission: Submission) -> str | None:
    """SHA-256 of the stored PDF file, None when there is no readable file."""
    if not submission.pdf:
        return None
    try:
        with submission.pdf.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, OSError):
        return None


def submission_pdf_is_ready(submission: Submission, *, verify: bool = True) -> bool:
    """Ready, and the stored file is there and (with `verify`) is the one that was rendered.

    Hashing reads the whole file: pages that only show whether the PDF is there (the receipt,
    the status polled every few seconds) pass `verify=False`; serving and re-rendering verify.
    """
    if submission.pdf_status != Submission.PdfStatus.READY or not submission.pdf_sha256:
        return False
    if not verify:
        return bool(submission.pdf) and submission.pdf.storage.exists(submission.pdf.name)
    return _stored_sha256(submission) == submission.pdf_sha256


def submission_pdf_filename(submission: Submission) -> str:
    reference = submission.snapshot.get("reference") or f"depot-{submission.pk}"
    label = "dossier" if submission.kind == Submission.Kind.DOSSIER else "accuse-reception"
    return f"{reference}-{label}-{submission.pk}.pdf"


def submission_render_pdf(*, submission_id: int, force: bool = False) -> Submission:
    """Render and store the PDF of submission `submission_id`.

    Idempotent: when the PDF is ready and its file matches the recorded SHA-256, nothing is
    done unless `force`. On failure the status becomes "failed" (the task retries) and the error
    propagates. Side effects: the file `submissions/…` in the default storage (disk or bucket), the fields `pdf`,
    `pdf_status`, `pdf_rendered_at`, `pdf_sha256`; the previous file is replaced.
    """
    submission = Submission.objects.get(pk=submission_id)
    if not force and submission_pdf_is_ready(submission):
        return submission
    generated_at = timezone.now()
    try:
        content = render_snapshot_pdf(
            submission.snapshot, fingerprint=submission.fingerprint, generated_at=generated_at
        )
    except Exception:
        Submission.objects.filter(pk=submission.pk).exclude(pdf_status=Submission.PdfStatus.READY).update(
            pdf_status=Submission.PdfStatus.FAILED
        )
        raise
    previous = submission.pdf.name if submission.pdf else None
    storage = submission.pdf.storage
    name = storage.save(f"submissions/{submission_pdf_filename(submission)}", ContentFile(content))
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(
            pdf=name,
            pdf_status=Submission.PdfStatus.READY,
            pdf_rendered_at=generated_at,
            pdf_sha256=hashlib.sha256(content).hexdigest(),
        )
    if previous and previous != name:
        storage.delete(previous)
    submission.refresh_from_db()
    return submission
