"""CSV and XLSX exports of dossiers and reviews, built row by row so that 100,000 rows never
sit in memory at once: querysets are read with `.iterator(chunk_size=2000)`; CSV streams
through `StreamingHttpResponse`; XLSX is written by openpyxl in write-only mode to a temporary
file that is then streamed and removed."""

import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.selectors.questions import export_cells, export_headers, export_questions, prefetch_answers
from cma_portal.csv_export import csv_streaming_response
from cma_portal.formats import XLSX_EUROS, XLSX_NUMBER, Amount, plain_number, spreadsheet_number
from reviews.models import Assignment, Review

CHUNK = 2000


def _date(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _num(value):
    # The number itself: CSV writes it plainly (cma_portal.csv_export), XLSX as a numeric cell.
    return value


def _euros(value):
    return None if value is None else Amount(value)


def dossier_rows(applications) -> Iterator[list]:
    questions = export_questions()  # one column per question per action (issue 15)
    applications = prefetch_answers(applications)
    yield [
        _("Référence"),
        _("Titre"),
        _("Acronyme"),
        _("Vague"),
        _("Actions"),
        _("Établissement porteur"),
        _("État"),
        _("Aide demandée (€)"),
        _("Aide accordée (€)"),
        _("Évaluations transmises"),
        _("Note moyenne (/20)"),
        _("Note minimale (/20)"),
        _("Note maximale (/20)"),
        _("Conflit d'intérêts à traiter"),
        *export_headers(questions),
    ]
    for a in applications.iterator(chunk_size=CHUNK):
        yield [
            a.reference or "",
            a.title,
            a.acronym,
            a.wave.name,
            ", ".join(str(x.number) for x in a.actions.all()),
            a.lead_organisation.name if a.lead_organisation else "",
            a.get_state_display(),
            _euros(a.estimated_aid_requested),
            _euros(a.aid_granted),
            a.reviews_submitted,
            _num(a.score_mean.quantize(a.score_mean.__class__("0.01")) if a.score_mean is not None else None),
            _num(a.score_min),
            _num(a.score_max),
            _("oui") if a.has_conflict else _("non"),
            *export_cells(a, questions),
        ]


def review_rows(applications) -> Iterator[list]:
    yield [
        _("Référence"),
        _("Titre"),
        _("Évaluateur·rice"),
        _("Courriel"),
        _("Transmise le"),
        _("Note pondérée (/20)"),
        _("Recommandation"),
        _("Avis global"),
        _("Notes par critère"),
    ]
    reviews = (
        Review.objects.filter(
            state=Review.State.SUBMITTED,
            assignment__state=Assignment.State.ACCEPTED,
            assignment__application__in=applications.values("pk"),
        )
        .select_related("assignment__application", "assignment__reviewer")
        .prefetch_related("scores__criterion")
        .order_by("assignment__application__reference", "pk")
    )
    for r in reviews.iterator(chunk_size=CHUNK):
        application, reviewer = r.assignment.application, r.assignment.reviewer
        yield [
            application.reference or "",
            application.title,
            reviewer.get_full_name(),
            reviewer.email,
            _date(r.submitted_at),
            _num(r.weighted_score),
            r.get_recommendation_display(),
            r.overall_opinion,
            " ; ".join(
                f"{s.criterion.label} : {plain_number(s.value)}/{s.criterion.scale_max}"
                for s in r.scores.all()
            ),
        ]


def xlsx_response(rows: Iterator[list], filename: str, sheet: str) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from cma_portal.csv_export import FORMULA_PREFIXES

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])

    def cell(value):
        # openpyxl stores any text starting with "=" as a formula: user text must stay text.
        if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
            text = WriteOnlyCell(worksheet, value=value)
            text.data_type = "s"
            return text
        if isinstance(value, Decimal | float):
            number = WriteOnlyCell(worksheet, value=spreadsheet_number(value))
            number.number_format = XLSX_EUROS if isinstance(value, Amount) else XLSX_NUMBER
            return number
        return value

    for row in rows:
        worksheet.append([cell(value) for value in row])
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 — closed by FileResponse
    handle.close()
    workbook.save(handle.name)
    stream = open(handle.name, "rb")  # noqa: SIM115 — closed by FileResponse
    os.unlink(handle.name)  # the open handle keeps the data until the response is closed
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def response(*, what: str, fmt: str, applications):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = dossier_rows(applications) if what == "dossiers" else review_rows(applications)
    name = f"{what}-{stamp}"
    if fmt == "csv":
        return csv_streaming_response(rows, f"{name}.csv")
    return xlsx_response(rows, name, sheet=_("Dossiers") if what == "dossiers" else _("Évaluations"))
