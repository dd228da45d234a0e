"""Hostile files, generated on the spot (nothing downloaded): archive and PDF bombs, PDFs with
active content, polyglots, truncated and encrypted files, macro workbooks, XML entity bombs and
the EICAR test file. Used by the tests and by bench/bench_uploads.py.

The bombs are built without ever holding their inflated content: a deflate block of 1 MiB is
compressed once after a full flush and repeated, and the zip or zlib framing is written by hand
(CRC-32 / Adler-32 computed incrementally), so a 1 GiB bomb costs about a second to make.
"""

import io
import struct
import zipfile
import zlib
from functools import lru_cache

from tests import fixtures_files as ff

MIB = 1024 * 1024
# The anti-virus test file (https://www.eicar.org), assembled so this source is not itself it.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _repeated_deflate(chunk: bytes, times: int) -> tuple[bytes, int, int]:
    """Raw deflate data of `chunk` repeated `times` times; (data, crc32, adler32)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)
    crc, adler = 0, 1
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
        adler = zlib.adler32(chunk, adler)
    return block * times + final, crc, adler


def _zip_with(members: list[tuple[str, bytes]], raw_members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of normal `members` plus `raw_members` given already deflated
    (name, deflated, crc32, size), written by hand."""
    out = io.BytesIO()
    entries = []
    for name, data in members:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        raw_members = [(name, deflated, zlib.crc32(data), len(data)), *raw_members]
    for name, deflated, crc, size in raw_members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0)
        )
        out.write(encoded)
        out.write(deflated)
        entries.append((encoded, crc, len(deflated), size, offset))
    directory = out.tell()
    for encoded, crc, compressed, size, offset in entries:
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                compressed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        out.write(encoded)
    end = out.tell()
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - directory, directory, 0)
    )
    return out.getvalue()


def _xlsx_members(
    replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()
) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(ff.xlsx_bytes())) as archive:
        members = [(name, archive.read(name)) for name in archive.namelist() if name not in drop]
    replace = replace or {}
    members = [(name, replace.pop(name, data)) for name, data in members]
    return members + list(replace.items())


@lru_cache(maxsize=4)
def shared_strings_bomb_xlsx(times: int = 400) -> bytes:
    """A real .xlsx whose sharedStrings.xml inflates to `times` MiB of entries (by default
    about 1 MB on disk, 400 MiB and 20 million shared strings once inflated)."""
    unit = b"<si><t>bombe</t></si>"
    chunk = unit * (MIB // len(unit))
    count = (MIB // len(unit)) * times
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (count, count)
    )
    tail = b"</sst>"
    # After a full flush the compressor forgets its history: the same chunk deflates to the same
    # bytes every time, so one block repeated is the deflate stream of the repeated chunk.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head_deflated = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail_deflated = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * times + len(tail)
    deflated = head_deflated + block * times + tail_deflated
    members = _xlsx_members(drop=("xl/sharedStrings.xml",))
    if b"sharedStrings" not in dict(members)["[Content_Types].xml"]:
        content_types = dict(members)["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        members = [(n, content_types if n == "[Content_Types].xml" else d) for n, d in members]
    return _zip_with(members, [("xl/sharedStrings.xml", deflated, crc, size)])


def ratio_bomb_xlsx() -> bytes:
    """16 MiB of shared strings in 40 kB: under the size caps, over the compression ratio."""
    return shared_strings_bomb_xlsx(16)


@lru_cache(maxsize=2)
def lying_sizes_bomb_xlsx() -> bytes:
    """The shared-strings bomb whose central directory declares a tiny size for the member: only
    the byte cap enforced while inflating can stop it."""
    data = bytearray(shared_strings_bomb_xlsx())
    # Patch every declared uncompressed size of sharedStrings.xml to 1 KiB.
    name = b"xl/sharedStrings.xml"
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while True:
            start = data.find(signature, start)
            if start < 0:
                break
            if data[start + name_offset : start + name_offset + len(name)] == name:
                data[start + size_offset : start + size_offset + 4] = struct.pack("<I", 1024)
            start += 4
    return bytes(data)


def entity_bomb_xlsx() -> bytes:
    """Billion laughs in the shared strings of an otherwise real workbook (a few hundred bytes)."""
    laughs = b'<!DOCTYPE sst [<!ENTITY a "hahahahahahahahahaha">'
    for level in range(1, 10):
        previous = b"&a%d;" % (level - 1) if level > 1 else b"&a;"
        laughs += b'<!ENTITY a%d "%s">' % (level, previous * 10)
    laughs += b"]>"
    shared = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + laughs + b'<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&a9;</t></si></sst>'
    )
    return _zip_with(_xlsx_members(replace={"xl/sharedStrings.xml": shared}), [])


def macro_xlsm() -> bytes:
    """A workbook with a VBA project and the macro-enabled content type, as Excel saves .xlsm."""
    with zipfile.ZipFile(io.BytesIO(ff.xlsx_bytes())) as archive:
        content_types = archive.read("[Content_Types].xml")
    content_types = content_types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    vba = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + b'Attribute VB_Name = "Module1"\nSub AutoOpen()\nShell "calc.exe"\nEnd Sub\n'
    )
    return _zip_with(
        _xlsx_members(replace={"[Content_Types].xml": content_types, "xl/vbaProject.bin": vba}), []
    )


def nested_zip_xlsx() -> bytes:
    """A workbook carrying a zip that carries a zip."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("payload.txt", b"x")
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    return _zip_with(_xlsx_members(replace={"xl/embeddings/archive.zip": middle.getvalue()}), [])


def many_members_xlsx(count: int = 5000) -> bytes:
    return _zip_with(_xlsx_members(replace={f"xl/media/empty{n}.txt": b"" for n in range(count)}), [])


# PDFs ---------------------------------------------------------------------------------------


def build_pdf(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = (), tail: bytes = b"") -> bytes:
    """A small, valid one-page PDF written by hand (real xref offsets). `catalog_extra` goes into
    the catalog dictionary; `extra_objects` are numbered from 4 on; `tail` follows %%EOF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue() + tail


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


@lru_cache(maxsize=2)
def deflate_bomb_pdf(inflated_mib: int = 1024) -> bytes:
    """A one-page PDF carrying a FlateDecode stream of about 1 MB that inflates to 1 GiB."""
    raw, _, adler = _repeated_deflate(b"\x00" * MIB, inflated_mib)
    data = b"\x78\xda" + raw + struct.pack(">I", adler)
    return build_pdf(extra_objects=(_stream(b"/Filter /FlateDecode", data),))


def javascript_open_action_pdf() -> bytes:
    return build_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert\\('ouvert'\\)) >>")


def obfuscated_javascript_pdf() -> bytes:
    """`/J#61vaScript` is `/JavaScript` once the name escape is decoded."""
    return build_pdf(b"/OpenAction 4 0 R", (b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",))


def javascript_in_object_stream_pdf() -> bytes:
    """The action hides in a compressed object stream that no xref entry points at."""
    inner = b"5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    first = len(b"5 0 ")
    data = zlib.compress(inner)
    return build_pdf(
        extra_objects=(_stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % first, data),)
    )


def launch_action_pdf() -> bytes:
    return build_pdf(b"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>")


def embedded_executable_pdf() -> bytes:
    return build_pdf(
        b"/Names << /EmbeddedFiles << /Names [(setup.exe) 4 0 R] >> >>",
        (
            b"<< /Type /Filespec /F (setup.exe) /EF << /F 5 0 R >> >>",
            _stream(b"/Type /EmbeddedFile", ff.exe_bytes()),
        ),
    )


def pdf_followed_by_html() -> bytes:
    # A page content of 2 kB, so that the HTML lies beyond the first kilobyte.
    return build_pdf(
        extra_objects=(_stream(b"", b"0 0 m\n" * 400),),
        tail=b"<html><body><script>document.location='https://example.org/'</script></body></html>\n",
    )


def html_with_pdf_header() -> bytes:
    """A web page that carries `%PDF-` in its first kilobyte (the tolerance of PDF readers)."""
    page = b"<html><head><title>%PDF-1.7</title></head><body><script>alert(document.cookie)</script></body></html>\n"
    return page + build_pdf()


def pdf_with_html_in_first_kb() -> bytes:
    """Starts like a PDF, and a comment in the first kilobyte is a web page."""
    return build_pdf().replace(b"%\xe2\xe3\xcf\xd3\n", b"%<html><script>alert(1)</script></html>\n", 1)


def truncated_pdf() -> bytes:
    whole = ff.pdf_bytes(1)
    return whole[: len(whole) * 2 // 3]


def encrypted_pdf() -> bytes:
    return ff.encrypted_pdf_bytes()
