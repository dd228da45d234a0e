"""Inspection of zip-based office files (OOXML: .xlsx, .xlsm, .docx; ODF: .ods, .odt) before
any parser opens them.

Checked from the central directory first (member count, declared sizes, compression ratio,
encryption), then again while every member is really inflated, with a byte cap that does not
trust the declared sizes. XML members may not declare a DOCTYPE or an ENTITY (the billion-laughs
family); a member that is itself an archive is inspected once with the same budget, an archive
inside it is refused. Macro parts (vbaProject.bin, macro sheets, ActiveX, macro-enabled content
types, ODF Basic scripts and event listeners) are reported, not refused: the caller decides.

Plain Python, no Django: it runs in the bounded child process (see `sandbox`).
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from .errors import Refused
from .limits import Limits

CHUNK = 64 * 1024
# The first bytes of the archive formats a member could hide.
ARCHIVE_MAGICS = (
    b"PK\x03\x04",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"MSCF",  # cabinet
)
ZIP_MAGIC = b"PK\x03\x04"
XML_SUFFIXES = (".xml", ".rels", ".vml", ".xsd")
# Declarations that let an XML document expand itself or fetch outside files. Office suites
# never write them in OOXML or today's ODF.
XML_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
ODF_SCRIPT_MARKERS = re.compile(rb"<script:event-listener|<office:script\b(?!s\s*/>)")
MACRO_CONTENT_TYPES = re.compile(
    rb"macroEnabled|vbaProject|ms-office\.activeX|ms-excel\.intlmacrosheet|ms-excel\.macrosheet",
    re.IGNORECASE,
)


@dataclass
class ArchiveReport:
    names: set[str] = field(default_factory=set)
    content_types: bytes = b""
    mimetype: bytes = b""
    macros: bool = False


@dataclass
class _Budget:
    """What the inspection of one upload (nested archive included) has inflated so far."""

    total: int = 0


def _is_macro_name(name: str) -> bool:
    lowered = name.lower()
    base = lowered.rsplit("/", 1)[-1]
    return (
        base in ("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml")
        or "/macrosheets/" in f"/{lowered}"
        or "/activex/" in f"/{lowered}"
        or (lowered.startswith(("basic/", "scripts/")) and not lowered.endswith("/"))
    )


def inspect_zip(
    data: bytes, limits: Limits, *, _depth: int = 0, _budget: _Budget | None = None
) -> ArchiveReport:
    """Inspect the zip `data`; raise `Refused` at the first problem, else report its names, its
    `[Content_Types].xml` (OOXML) or `mimetype` (ODF) and whether it carries macros."""
    budget = _budget or _Budget()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise Refused("corrupt_archive") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise Refused("archive_members", count=len(infos), max=limits.max_members)
        declared_total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise Refused("archive_encrypted")
            if info.file_size > limits.max_member_size:
                raise Refused("archive_too_big")
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise Refused("archive_ratio")
            declared_total += info.file_size
        if budget.total + declared_total > limits.max_total_size:
            raise Refused("archive_too_big")

        report = ArchiveReport(names={info.filename for info in infos})
        for info in infos:
            if info.is_dir():
                continue
            if _is_macro_name(info.filename):
                report.macros = True
            _inflate_member(archive, info, limits, budget, report, _depth)
    if MACRO_CONTENT_TYPES.search(report.content_types):
        report.macros = True
    return report


def _inflate_member(
    archive, info, limits: Limits, budget: _Budget, report: ArchiveReport, depth: int
) -> None:
    name = info.filename
    lowered = name.lower()
    is_xml = lowered.endswith(XML_SUFFIXES)
    keep = name in ("[Content_Types].xml", "mimetype")
    kept = bytearray()
    nested = None
    size = 0
    tail = b""
    try:
        with archive.open(info) as member:
            first = True
            while True:
                chunk = member.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                budget.total += len(chunk)
                if size > limits.max_member_size or budget.total > limits.max_total_size:
                    raise Refused("archive_too_big")
                if first:
                    first = False
                    if chunk.startswith(ARCHIVE_MAGICS):
                        if depth >= 1 or not chunk.startswith(ZIP_MAGIC):
                            raise Refused("archive_nested")
                        nested = bytearray()
                    if chunk.lstrip()[:5] in (b"<?xml", b"\xef\xbb\xbf<?x") or chunk[:2] in (
                        b"\xff\xfe",
                        b"\xfe\xff",
                    ):
                        is_xml = True
                if is_xml:
                    # NULs out: a UTF-16 document spells its declarations with them in between.
                    window = (tail + chunk).replace(b"\x00", b"")
                    if XML_DECLARATIONS.search(window):
                        raise Refused("xml_declaration")
                    if ODF_SCRIPT_MARKERS.search(window):
                        report.macros = True
                    tail = chunk[-64:]
                if keep and len(kept) < 1024 * 1024:
                    kept += chunk
                if nested is not None:
                    nested += chunk
    except Refused:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        # Bad CRC, a size that lies, an unknown compression method, a truncated member.
        raise Refused("corrupt_archive") from None
    if name == "[Content_Types].xml":
        report.content_types = bytes(kept)
    elif name == "mimetype":
        report.mimetype = bytes(kept).strip()
    if nested is not None:
        inner = inspect_zip(bytes(nested), limits, _depth=depth + 1, _budget=budget)
        report.macros = report.macros or inner.macros
