"""What runs in the bounded child process: recognise a file by its bytes, inspect it, and let
the parsers that the portal relies on open it (pypdf, openpyxl, odfpy, Pillow).

`inspect_file` is the whole verdict, callable in-process too (the tests of the inspection
rules use it directly); `main` is the child's entry point, which sets the memory and CPU limits
first and sends the verdict back through a pipe. No Django here.
"""

import io
import resource

from .archive import inspect_zip
from .errors import Refused
from .limits import Limits
from .pdf import inspect_pdf

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"

SPREADSHEETS = {XLSX, XLSM, ODS}
WORD_PROCESSING = {DOCX, ODT}
IMAGES = {PNG, JPEG, GIF, WEBP}


def _image_type(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _office_type(report) -> str | None:
    names = report.names
    if "[Content_Types].xml" in names:
        if "xl/workbook.xml" in names:
            return XLSM if report.macros else XLSX
        if "word/document.xml" in names:
            return DOCX
        return None
    if report.mimetype in (ODS.encode(), ODT.encode()) and "content.xml" in names:
        return report.mimetype.decode()
    return None


def _open_spreadsheet(data: bytes, content_type: str) -> None:
    if content_type == ODS:
        from odf.opendocument import load

        load(io.BytesIO(data))
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True)
        workbook.close()


def _open_image(data: bytes, limits: Limits) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > limits.max_pixels:
            raise Refused("image_too_big")
        # Not `verify()`: pictures are never decoded here; only their announced size matters
        # (a pixel bomb would take down the viewer of whoever opens it).


def inspect_file(data: bytes, *, accept: frozenset[str], limits: Limits) -> dict:
    """Recognise `data` among the content types of `accept` and inspect it.

    Returns {"content_type", "page_count" (PDF), "macros" (office files)}; raises `Refused`.
    Nothing here refuses macros: the caller knows whether the administrator allows them.
    """
    head = data[:1024]
    if data.startswith(b"%PDF-") or (b"%PDF-" in head and PDF in accept):
        if PDF not in accept:
            raise Refused("type")
        return {"content_type": PDF, "page_count": inspect_pdf(data, limits), "macros": False}
    image = _image_type(head)
    if image:
        if image not in accept:
            raise Refused("type")
        try:
            _open_image(data, limits)
        except Refused:
            raise
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 — Pillow's many ways of saying "broken"
            raise Refused("corrupt_image") from None
        return {"content_type": image, "page_count": None, "macros": False}
    if data.startswith(b"PK\x03\x04") and accept & (SPREADSHEETS | WORD_PROCESSING):
        report = inspect_zip(data, limits)
        content_type = _office_type(report)
        if content_type is None or content_type not in accept:
            raise Refused("type")
        if content_type in SPREADSHEETS:
            try:
                _open_spreadsheet(data, content_type)
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 — a zip the spreadsheet readers cannot open
                raise Refused("corrupt_spreadsheet") from None
        return {"content_type": content_type, "page_count": None, "macros": report.macros}
    raise Refused("type")


def _vm_size() -> int:
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _rss() -> int:
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def judge(data: bytes, *, accept: frozenset[str], limits: Limits) -> tuple:
    """In the child: bound this process, judge `data`, return ("ok", result, stats) or
    ("refused", code, params, stats). `stats` gives the memory the judgement used."""
    start_rss = _rss()
    ceiling = _vm_size() + limits.memory
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    cpu = int(limits.timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    def stats():
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return {"start_rss": start_rss, "peak_rss": peak, "extra": max(0, peak - start_rss)}

    try:
        return ("ok", inspect_file(data, accept=accept, limits=limits), stats())
    except Refused as refusal:
        return ("refused", refusal.code, refusal.params, stats())
    except (MemoryError, RecursionError):
        return ("refused", "too_complex", {}, stats())
