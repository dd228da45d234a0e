"""Checks on what applicants send: PDFs, spreadsheets, SIRET and UAI numbers.

Files are judged by their content, never by their name or the browser's content type: a
`.exe` renamed `.pdf` is refused, a real spreadsheet named oddly is accepted. Every refusal is a
`ValidationError` with a French message naming the problem.
"""

import logging
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.fr import siret as stdnum_siret

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
    """Check that `uploaded_file` is a readable, unencrypted PDF of at most `max_pages` pages
    (None: no limit) and return its page count."""
    from pypdf import PdfReader

    validate_size(uploaded_file)
    if PDF_MAGIC not in _head(uploaded_file, PDF_HEADER_WINDOW):
        raise ValidationError(
            _(
                "Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF), quel que soit son nom."
            ),
            code="not_pdf",
        )
    try:
        reader = PdfReader(uploaded_file)
        if reader.is_encrypted:
            raise ValidationError(
                _("Le PDF est chiffré ou protégé par un mot de passe ; déposez une version non protégée."),
                code="encrypted",
            )
        page_count = len(reader.pages)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — any failure to parse means the file is unusable
        raise ValidationError(
            _("Le PDF est endommagé ou illisible ; enregistrez-le de nouveau puis déposez-le."),
            code="corrupt",
        ) from None
    finally:
        uploaded_file.seek(0)
    if page_count == 0:
        raise ValidationError(_("Le PDF ne contient aucune page."), code="no_pages")
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


def validate_spreadsheet(uploaded_file) -> str:
    """Accept an Excel workbook (.xlsx, .xlsm) or an OpenDocument spreadsheet (.ods), judged by
    content; return its content type."""
    validate_size(uploaded_file)
    refused = ValidationError(
        _(
            "Ce fichier n'est pas un tableur reconnu : déposez un classeur Excel (.xlsx, .xlsm) "
            "ou OpenDocument (.ods)."
        ),
        code="not_spreadsheet",
    )
    uploaded_file.seek(0)
    try:
        if not zipfile.is_zipfile(uploaded_file):
            raise refused
        uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                content_types = archive.read("[Content_Types].xml")
                kind = XLSM_CONTENT_TYPE if b"macroEnabled" in content_types else XLSX_CONTENT_TYPE
            elif "mimetype" in names and archive.read("mimetype").strip() == ODS_CONTENT_TYPE.encode():
                if "content.xml" not in names:
                    raise refused
                kind = ODS_CONTENT_TYPE
            else:
                raise refused
        uploaded_file.seek(0)
        if kind == ODS_CONTENT_TYPE:
            from odf.opendocument import load

            load(uploaded_file)
        else:
            from openpyxl import load_workbook

            workbook = load_workbook(uploaded_file, read_only=True)
            workbook.close()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — a zip that the spreadsheet readers cannot open
        raise ValidationError(
            _("Le tableur est endommagé ou illisible ; enregistrez-le de nouveau puis déposez-le."),
            code="corrupt_spreadsheet",
        ) from None
    finally:
        uploaded_file.seek(0)
    return kind


def recognised_content_type(uploaded_file) -> str | None:
    """The content type of a file we recognise by its bytes (never its name): PDF, PNG, JPEG,
    GIF, WebP, Excel (.xlsx, .xlsm), Word (.docx), OpenDocument (.ods, .odt); None for anything
    else. Each upload applies its own allowlist on top of it."""
    head = _head(uploaded_file, 16)
    if head.startswith(PDF_MAGIC):
        return PDF_CONTENT_TYPE
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG_CONTENT_TYPE
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG_CONTENT_TYPE
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF_CONTENT_TYPE
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP_CONTENT_TYPE
    if head.startswith(b"PK\x03\x04"):
        return _zip_content_type(uploaded_file)
    return None


_ODF_CONTENT_TYPES = {ODS_CONTENT_TYPE, ODT_CONTENT_TYPE}


def _zip_content_type(uploaded_file) -> str | None:
    """The Office Open XML or OpenDocument type of a zip, read from its members."""
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                if "xl/workbook.xml" in names:
                    macros = b"macroEnabled" in archive.read("[Content_Types].xml")
                    return XLSM_CONTENT_TYPE if macros else XLSX_CONTENT_TYPE
                if "word/document.xml" in names:
                    return DOCX_CONTENT_TYPE
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype if mimetype in _ODF_CONTENT_TYPES else None
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        uploaded_file.seek(0)
    return None


def sniff_content_type(uploaded_file) -> str:
    """The content type we vouch for, from the first bytes (never the browser's claim).

    Not `recognised_content_type`: this is what `document_store` records for any kind of
    document, with a lenient PDF header window and a full spreadsheet check; the forms that
    accept other types pass the type they recognised."""
    head = _head(uploaded_file, PDF_HEADER_WINDOW)
    if PDF_MAGIC in head:
        return PDF_CONTENT_TYPE
    if head.startswith(b"PK"):
        try:
            return validate_spreadsheet(uploaded_file)
        except ValidationError:
            return "application/zip"
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
