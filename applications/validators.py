"""Checks on what applicants send: PDFs, spreadsheets, SIRET and UAI numbers.

Files are judged by their content, never by their name or the browser's content type: a
`.exe` renamed `.pdf` is refused, a real spreadsheet named oddly is accepted. Every upload path
(letter, dossier presentation, annex, commitment letters, further documents, message
attachments) goes through `validate_pdf`, `validate_spreadsheet` or `validate_upload`, which all
end in `cma_portal.uploads.check_upload`: archive and PDF inspection in a bounded child process,
macros refused unless the call allows them, ClamAV scan when it is on. Every refusal is a
`ValidationError` with a French message naming the problem.
"""

import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.fr import siret as stdnum_siret

from cma_portal import uploads

PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.12"
ODS_CONTENT_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_CONTENT_TYPE = "application/vnd.oasis.opendocument.text"
PNG_CONTENT_TYPE = "image/png"
JPEG_CONTENT_TYPE = "image/jpeg"
GIF_CONTENT_TYPE = "image/gif"
WEBP_CONTENT_TYPE = "image/webp"
# How far into the file the PDF header may start (the PDF specification tolerates leading bytes).
PDF_HEADER_WINDOW = 1024

# pypdf logs a warning for every oddity of a broken file; the user gets one French message.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _head(uploaded_file, size: int) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(size)
    uploaded_file.seek(0)
    return head


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")


def validate_size(uploaded_file) -> None:
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier pèse %(size)s Mo ; la taille maximale est de %(max)s Mo.")
            % {"size": _megabytes(size), "max": _megabytes(settings.MAX_UPLOAD_SIZE)},
            code="too_large",
        )


def validate_pdf(uploaded_file, *, max_pages: int | None) -> int:
    """Check that `uploaded_file` is a readable, unencrypted PDF without active content, of at
    most `max_pages` pages (None: no limit), and return its page count. The inspection runs in
    a bounded child process and ends with the virus scan (`cma_portal.uploads`)."""
    validate_size(uploaded_file)
    checked = uploads.check_upload(
        uploaded_file,
        accept={uploads.PDF},
        type_code="not_pdf",
        type_message=_(
            "Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF), quel que soit son nom."
        ),
    )
    page_count = checked.page_count
    if max_pages is not None and page_count > max_pages:
        raise ValidationError(
            ngettext(
                "Le document compte %(count)d page ; la limite est de %(max)d pages.",
                "Le document compte %(count)d pages ; la limite est de %(max)d pages.",
                page_count,
            )
            % {"count": page_count, "max": max_pages},
            code="too_many_pages",
        )
    return page_count


def validate_spreadsheet(uploaded_file, *, allow_macros: bool = False) -> str:
    """Accept an Excel workbook (.xlsx, .xlsm when `allow_macros`) or an OpenDocument
    spreadsheet (.ods), judged by content after the archive inspection; return its content
    type."""
    validate_size(uploaded_file)
    checked = uploads.check_upload(
        uploaded_file,
        accept=uploads.SPREADSHEETS,
        allow_macros=allow_macros,
        type_code="not_spreadsheet",
        type_message=_(
            "Ce fichier n'est pas un tableur reconnu : déposez un classeur Excel (.xlsx, .xlsm) "
            "ou OpenDocument (.ods)."
        ),
    )
    return checked.content_type


def validate_upload(
    uploaded_file,
    *,
    accept: set[str],
    type_message: str,
    max_pages: int | None = None,
    allow_macros: bool = False,
) -> uploads.CheckedUpload:
    """The one check for uploads that take several kinds (further documents, message
    attachments): content type among `accept` (read from the bytes), each kind inspected as
    the dedicated slots inspect it, PDFs of at most `max_pages` pages, then the virus scan."""
    validate_size(uploaded_file)
    checked = uploads.check_upload(
        uploaded_file, accept=accept, allow_macros=allow_macros, type_message=type_message
    )
    if checked.content_type == PDF_CONTENT_TYPE and max_pages is not None and checked.page_count > max_pages:
        raise ValidationError(
            ngettext(
                "Le document compte %(count)d page ; la limite est de %(max)d pages.",
                "Le document compte %(count)d pages ; la limite est de %(max)d pages.",
                checked.page_count,
            )
            % {"count": checked.page_count, "max": max_pages},
            code="too_many_pages",
        )
    return checked


_ALL_TYPES = frozenset({PDF_CONTENT_TYPE, *uploads.SPREADSHEETS, *uploads.WORD_PROCESSING, *uploads.IMAGES})


def recognised_content_type(uploaded_file) -> str | None:
    """The content type of a file we recognise by its bytes (never its name): PDF, PNG, JPEG,
    GIF, WebP, Excel (.xlsx, .xlsm), Word (.docx), OpenDocument (.ods, .odt); None for anything
    else, or for a file the inspection refuses. Each upload applies its own allowlist on top."""
    checked = uploads.checked_upload(uploaded_file)
    if checked:
        return checked.content_type
    head = _head(uploaded_file, 16)
    if not head.startswith(b"PK\x03\x04"):
        # Never opens the file: PDFs and pictures are told by their first bytes.
        for magic, content_type in _MAGICS:
            if head.startswith(magic):
                return content_type
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return WEBP_CONTENT_TYPE
        return None
    # A zip is only opened by the bounded inspection (its central directory alone can be a bomb).
    try:
        validate_size(uploaded_file)
        return uploads.run_inspection(
            uploads.read_upload(uploaded_file), accept=_ALL_TYPES, limits=uploads.Limits.from_settings()
        )["content_type"]
    except (ValidationError, uploads.Refused):
        return None


_MAGICS = [
    (PDF_MAGIC, PDF_CONTENT_TYPE),
    (b"\x89PNG\r\n\x1a\n", PNG_CONTENT_TYPE),
    (b"\xff\xd8\xff", JPEG_CONTENT_TYPE),
    (b"GIF87a", GIF_CONTENT_TYPE),
    (b"GIF89a", GIF_CONTENT_TYPE),
]


def sniff_content_type(uploaded_file) -> str:
    """The content type we vouch for: the verdict of the upload's inspection when it had one
    (every form runs it), else from the first bytes; what `document_store` records."""
    checked = uploads.checked_upload(uploaded_file)
    if checked:
        return checked.content_type
    head = _head(uploaded_file, PDF_HEADER_WINDOW)
    if head.startswith(PDF_MAGIC):
        return PDF_CONTENT_TYPE
    if head.startswith(b"PK"):
        return recognised_content_type(uploaded_file) or "application/zip"
    return "application/octet-stream"


def validate_siret(value: str) -> str:
    """14 digits whose SIREN (first nine) and SIRET keys both check, La Poste's rule included:
    python-stdnum's `fr.siret`, which the INSEE rules are written into."""
    siret = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{14}", siret):
        raise ValidationError(_("Le SIRET doit comporter exactement 14 chiffres."), code="siret_format")
    if not stdnum_siret.is_valid(siret):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les 14 chiffres."),
            code="siret_checksum",
        )
    return siret


# UAI (ex-RNE): 7 characters then a check letter, the rest of the number modulo 23 in this
# 23-letter alphabet (no I, O or Q).
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def validate_uai(value: str) -> str:
    uai = re.sub(r"\s", "", value or "").upper()
    if not re.fullmatch(r"\d{7}[A-Z]", uai):
        raise ValidationError(
            _("L'UAI doit comporter 7 chiffres suivis d'une lettre (par exemple 0751717J)."),
            code="uai_format",
        )
    if UAI_LETTERS[int(uai[:7]) % 23] != uai[7]:
        raise ValidationError(
            _("Cet UAI n'est pas valide (lettre de contrôle incorrecte)."), code="uai_checksum"
        )
    return uai
