"""Hostile-file defences for every upload of the portal, independent of any feature app.

`check_upload(file, accept=…)` is the one entry point: ClamAV scans it when `CLAMAV_SOCKET` is
set, then it is recognised by its bytes and inspected in a child process bounded in time and
memory (archives before any parser, PDFs stream by stream, see `archive`, `pdf`, `sandbox`), and
macros are refused unless allowed. Every refusal is a `ValidationError` with a French
message. The verdict is attached to the file object (`checked_upload(file)`) so that the
service storing it records the content type and the scan state without judging it twice.

Policy (docs/security.md "Upload policy per kind"): refuse, never neutralise. Rewriting a PDF
or a workbook would change what the applicant signed and froze (SHA-256 in the submission), and
a rewriter is one more parser facing the hostile file.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import clamav
from .child import (
    DOCX,
    GIF,
    IMAGES,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    SPREADSHEETS,
    WEBP,
    WORD_PROCESSING,
    XLSM,
    XLSX,
)
from .errors import Refused
from .limits import Limits
from .sandbox import run_inspection

__all__ = [
    "DOCX",
    "GIF",
    "IMAGES",
    "JPEG",
    "ODS",
    "ODT",
    "PDF",
    "PNG",
    "SPREADSHEETS",
    "WEBP",
    "WORD_PROCESSING",
    "XLSM",
    "XLSX",
    "CheckedUpload",
    "Limits",
    "Refused",
    "ScanStatus",
    "check_upload",
    "checked_upload",
    "read_upload",
    "refusal",
    "run_inspection",
    "scan_stored",
    "scanner_enabled",
]

logger = logging.getLogger(__name__)


class ScanStatus:
    """What the virus scanner said about a stored file."""

    PENDING = "pending"  # not scanned yet (scanner off at upload, or stored before it existed)
    CLEAN = "clean"
    INFECTED = "infected"


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    page_count: int | None
    macros: bool
    scan_status: str


def _messages() -> dict[str, str]:
    return {
        "not_pdf": _(
            "Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF), quel que soit son nom."
        ),
        "pdf_prefix": _(
            "Ce fichier n'est pas un PDF valide : des données précèdent l'en-tête PDF. "
            "Enregistrez-le de nouveau en PDF puis déposez-le."
        ),
        "pdf_html": _("Ce fichier contient une page web (HTML ou script) déguisée en PDF ; il est refusé."),
        "pdf_trailing_data": _(
            "Le PDF est suivi d'autres données après sa fin (page web, archive…) ; "
            "enregistrez-le de nouveau en PDF puis déposez-le."
        ),
        "truncated": _(
            "Le PDF est endommagé ou illisible (fichier tronqué) ; enregistrez-le de nouveau puis déposez-le."
        ),
        "encrypted": _(
            "Le PDF est chiffré ou protégé par un mot de passe ; déposez une version non protégée."
        ),
        "corrupt": _("Le PDF est endommagé ou illisible ; enregistrez-le de nouveau puis déposez-le."),
        "no_pages": _("Le PDF ne contient aucune page."),
        "pdf_active_content": _(
            "Le PDF contient du contenu actif (JavaScript, action automatique, lancement de programme, "
            "fichier incorporé ou multimédia) ; il est refusé. Imprimez-le en PDF (« Enregistrer au "
            "format PDF ») puis déposez cette version."
        ),
        "pdf_bomb": _(
            "Le PDF contient des données compressées anormalement volumineuses ; il est refusé. "
            "Enregistrez-le de nouveau en PDF puis déposez-le."
        ),
        "corrupt_archive": _(
            "Le fichier est endommagé ou illisible (archive incorrecte) ; enregistrez-le de nouveau puis déposez-le."
        ),
        "archive_members": _(
            "Le fichier contient trop d'éléments (%(count)d, au plus %(max)d) ; il est refusé."
        ),
        "archive_too_big": _(
            "Le fichier se décompresse en un volume anormalement grand (bombe de décompression) ; il est refusé."
        ),
        "archive_ratio": _(
            "Le fichier se décompresse en un volume anormalement grand (bombe de décompression) ; il est refusé."
        ),
        "archive_encrypted": _(
            "Le fichier est protégé par un mot de passe ; déposez une version non protégée."
        ),
        "archive_nested": _("Le fichier contient des archives imbriquées ; il est refusé."),
        "xml_declaration": _(
            "Le fichier contient des déclarations XML interdites (DOCTYPE ou ENTITY) ; il est refusé. "
            "Enregistrez-le de nouveau depuis votre tableur ou traitement de texte."
        ),
        "corrupt_spreadsheet": _(
            "Le tableur est endommagé ou illisible ; enregistrez-le de nouveau puis déposez-le."
        ),
        "corrupt_image": _(
            "L'image est endommagée ou illisible ; enregistrez-la de nouveau puis déposez-la."
        ),
        "image_too_big": _("L'image compte trop de pixels ; réduisez-la puis déposez-la."),
        "too_complex": _(
            "L'analyse de ce fichier a dépassé les limites de temps ou de mémoire (fichier trop "
            "complexe ou piégé) ; il est refusé."
        ),
        "macros": _(
            "Ce fichier contient des macros (VBA, scripts ou contrôles ActiveX) ; les fichiers avec "
            "macros ne sont pas acceptés. Enregistrez-le sans macros (.xlsx, .ods, .docx, .odt) puis "
            "déposez-le."
        ),
        "scanner_unavailable": _(
            "L'analyse antivirus est momentanément indisponible ; le fichier n'a pas été enregistré. "
            "Réessayez dans quelques minutes."
        ),
    }


def refusal(
    code: str, params: dict | None = None, *, type_message: str = "", type_code: str = "type"
) -> ValidationError:
    """The French `ValidationError` for a refusal `code` of the inspection."""
    if code == "type":
        return ValidationError(type_message or _("Ce type de fichier n'est pas accepté."), code=type_code)
    else:
        template = _messages().get(code) or _messages()["too_complex"]
        text = template % params if params and "%(" in template else template
    return ValidationError(text, code=code)


def scanner_enabled() -> bool:
    return bool(settings.CLAMAV_SOCKET)


def _scan(chunks) -> tuple[str, str]:
    """(status, signature) from clamd; `ScannerUnavailable` when it gives no verdict."""
    if not scanner_enabled():
        return ScanStatus.PENDING, ""
    signature = clamav.scan(chunks, socket_path=settings.CLAMAV_SOCKET, timeout=settings.CLAMAV_TIMEOUT)
    return (ScanStatus.INFECTED, signature) if signature else (ScanStatus.CLEAN, "")


def read_upload(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    data = uploaded_file.read(settings.MAX_UPLOAD_SIZE + 1)
    uploaded_file.seek(0)
    return data


def check_upload(
    uploaded_file,
    *,
    accept: set[str] | frozenset[str],
    allow_macros: bool = False,
    type_message: str = "",
    type_code: str = "type",
) -> CheckedUpload:
    """Judge `uploaded_file` (whose size the caller has checked) against the content types of
    `accept`; return the verdict or raise a French `ValidationError`.

    Infected files are refused. When the scanner is on but unreachable the file is refused
    too, with a "réessayez" message (fail closed: a file accepted unscanned could be frozen in
    a submission and handed to staff before anyone scans it)."""
    data = read_upload(uploaded_file)
    # The scanner first: it knows a virus whatever the file claims to be (EICAR is not a PDF).
    try:
        status, signature = _scan([data])
    except clamav.ScannerUnavailable as error:
        logger.error("virus scanner unavailable: %s", error)
        raise refusal("scanner_unavailable") from None
    if status == ScanStatus.INFECTED:
        logger.warning("infected upload refused: %s", signature)
        raise ValidationError(
            _("Ce fichier contient un virus (%(signature)s) ; il est refusé.") % {"signature": signature},
            code="infected",
        )
    try:
        verdict = run_inspection(data, accept=frozenset(accept), limits=Limits.from_settings())
    except Refused as refused:
        raise refusal(refused.code, refused.params, type_message=type_message, type_code=type_code) from None
    if verdict["macros"] and not allow_macros:
        raise refusal("macros")
    checked = CheckedUpload(
        content_type=verdict["content_type"],
        page_count=verdict["page_count"],
        macros=verdict["macros"],
        scan_status=status,
    )
    uploaded_file.cma_checked = checked
    return checked


def checked_upload(uploaded_file) -> CheckedUpload | None:
    """The verdict `check_upload` attached to `uploaded_file`, if it judged it."""
    return getattr(uploaded_file, "cma_checked", None)


def scan_stored(fileobj) -> tuple[str, str]:
    """Scan a stored file (open, binary); (status, signature). Raises
    `clamav.ScannerUnavailable` when the scanner is on but gives no verdict."""
    return _scan(iter(lambda: fileobj.read(clamav.CHUNK), b""))
