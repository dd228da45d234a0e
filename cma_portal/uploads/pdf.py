"""Inspection of PDFs before they are stored and handed to staff.

Refused: anything before the `%PDF-` header or HTML/script markup in the first kilobyte (a web
page that a browser would render), data after the last `%%EOF` (a PDF followed by HTML or an
archive), a missing `%%EOF` (truncated), encryption, active content (JavaScript, open actions
running JavaScript, Launch, embedded files, RichMedia, additional actions, XFA forms, GoToE,
ImportData, SubmitForm) and streams that inflate beyond the caps (deflate bombs).

Active content is looked for twice: by name in the bytes outside streams and in inflated object
streams (which also finds objects no cross-reference table points at, that a viewer repairing the
file would see), then by walking every object pypdf resolves. Names are compared after `#xx`
escapes are decoded (`/J#61vaScript` is `/JavaScript`).

Plain Python and pypdf, no Django: it runs in the bounded child process (see `sandbox`).
"""

import io
import logging
import re
import zlib

from .errors import Refused
from .limits import Limits

HEADER = b"%PDF-"
# Markup a browser would render if it took the file for a web page.
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|a\s|img\s|form|style)",
    re.IGNORECASE,
)
TRAILING_ALLOWED = b"\x00\t\n\x0c\r "
DANGEROUS_NAMES = {
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"RichMediaExecute",
    b"AA",
    b"XFA",
    b"GoToE",
    b"ImportData",
    b"SubmitForm",
}
NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]*)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM_START = re.compile(rb"stream(?:\r\n|\n|\r)")
OBJ_START = re.compile(rb"\d+\s+\d+\s+obj\b")
FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
INFLATE_STEP = 1024 * 1024
OBJSTM_KEEP = 16 * 1024 * 1024

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _names(text: bytes) -> set[bytes]:
    found = set()
    for match in NAME.finditer(text):
        raw = match.group(1)
        if b"#" in raw:
            raw = HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        found.add(raw)
    return found


def _refuse_active(text: bytes) -> None:
    if _names(text) & DANGEROUS_NAMES:
        raise Refused("pdf_active_content")


class _Inflated:
    """Counts what the streams of one PDF inflate to, across all of them."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.total = 0

    def inflate(self, raw: bytes, *, keep: bool) -> bytes:
        """Inflate `raw`, counting; return what was inflated when `keep` (capped), else b""."""
        decompressor = zlib.decompressobj()
        kept = bytearray()
        size = 0
        pending = raw
        try:
            while pending and not decompressor.eof:
                out = decompressor.decompress(pending, INFLATE_STEP)
                pending = decompressor.unconsumed_tail
                size += len(out)
                self.total += len(out)
                if size > self.limits.max_stream_size or self.total > self.limits.max_streams_total:
                    raise Refused("pdf_bomb")
                if keep and len(kept) < OBJSTM_KEEP:
                    kept += out
                if not out and pending:
                    break
        except zlib.error:
            # A damaged or encrypted stream: nothing more comes out of it, it bombs nobody.
            pass
        return bytes(kept)


def _scan_raw(data: bytes, limits: Limits) -> None:
    """Names outside streams and inside object streams; every Flate stream inflated with caps."""
    inflated = _Inflated(limits)
    position = 0
    outside = []
    while True:
        match = STREAM_START.search(data, position)
        if match is None:
            outside.append(data[position:])
            break
        head_start = position
        # The stream's dictionary: from the start of its object to the `stream` keyword.
        for obj in OBJ_START.finditer(data, max(position, match.start() - 4096), match.start()):
            head_start = obj.start()
        outside.append(data[position : match.start()])
        end = data.find(b"endstream", match.end())
        if end < 0:
            end = len(data)
        head = data[head_start : match.start()]
        if FLATE.search(head):
            content = inflated.inflate(data[match.end() : end], keep=bool(OBJSTM.search(head)))
            if content:
                _refuse_active(content)
        position = end + len(b"endstream")
        if position >= len(data):
            break
    _refuse_active(b"\n".join(outside))


def _walk(reader) -> None:
    """Every object pypdf resolves: dangerous keys, or actions of a dangerous type."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    dangerous = {"/" + name.decode() for name in DANGEROUS_NAMES}

    def visit(obj, depth=0):
        if depth > 50:
            return
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in dangerous:
                    raise Refused("pdf_active_content")
                if (
                    key in ("/S", "/Type", "/Subtype")
                    and isinstance(value, NameObject)
                    and value in dangerous
                ):
                    raise Refused("pdf_active_content")
                if not isinstance(value, IndirectObject):
                    visit(value, depth + 1)
        elif isinstance(obj, ArrayObject):
            for item in obj:
                if not isinstance(item, IndirectObject):
                    visit(item, depth + 1)

    visit(reader.trailer)
    for generation, numbers in list(reader.xref.items()):
        for number in list(numbers):
            visit(reader.get_object(IndirectObject(number, generation, reader)))
    for number in list(reader.xref_objStm):
        visit(reader.get_object(IndirectObject(number, 0, reader)))


def inspect_pdf(data: bytes, limits: Limits) -> int:
    """Inspect the PDF `data`; raise `Refused` at the first problem, else return its page count."""
    from pypdf import PdfReader

    if not data.startswith(HEADER):
        raise Refused("pdf_prefix" if HEADER in data[:1024] else "not_pdf")
    if HTML_MARKERS.search(data[:1024]):
        raise Refused("pdf_html")
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        raise Refused("truncated")
    if data[eof + 5 :].strip(TRAILING_ALLOWED):
        raise Refused("pdf_trailing_data")
    # Bombs and active content first: pypdf inflates object streams as it opens the file.
    _scan_raw(data, limits)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Refused:
        raise
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 — any failure to parse means the file is unusable
        raise Refused("corrupt") from None
    if encrypted:
        raise Refused("encrypted")
    try:
        page_count = len(reader.pages)
        _walk(reader)
    except Refused:
        raise
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001
        raise Refused("corrupt") from None
    if page_count == 0:
        raise Refused("no_pages")
    return page_count
