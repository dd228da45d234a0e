"""Real test files: PDFs rendered by WeasyPrint, encrypted and broken PDFs, a Windows
executable renamed `.pdf`, real .xlsx and .ods workbooks, and files that only pretend.

Each helper returns bytes; the `*_upload` helpers wrap them in a `SimpleUploadedFile` as the
browser would send them.
"""

import io
import zipfile
from functools import lru_cache

from django.core.files.uploadedfile import SimpleUploadedFile


@lru_cache(maxsize=32)
def pdf_bytes(pages: int = 1, text: str = "Lettre d'intention — projet de test") -> bytes:
    """A real PDF of `pages` A4 pages with text on each, rendered by WeasyPrint."""
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><h1>{text}</h1><p>Page {n + 1} sur {pages}.</p></section>'
        for n in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def blank_pdf_bytes(pages: int = 1) -> bytes:
    """A PDF of blank pages (pypdf), fast, for large page counts."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zero_page_pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=4)
def encrypted_pdf_bytes(password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(1))))
    writer.encrypt(user_password=password, owner_password=password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupt_pdf_bytes() -> bytes:
    """Starts like a PDF, then the second half of a real one is replaced by noise."""
    good = pdf_bytes(1)
    return good[:200] + b"\x00garbage\xff" * 80


def exe_bytes() -> bytes:
    """The start of a Windows PE executable (MZ header, DOS stub)."""
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + stub + b"\x00" * 400


@lru_cache(maxsize=2)
def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet.append(["Année", "Catégorie", "Coût éligible", "Aide demandée"])
    sheet.append([1, "Personnel", 100000, 70000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=2)
def ods_bytes() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Budget")
    for values in (["Année", "Coût éligible"], ["1", "100000"]):
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def fake_spreadsheet_bytes() -> bytes:
    """Plain text pretending to be a workbook."""
    return "Année;Coût\n1;100000\n".encode()


def zip_not_spreadsheet_bytes() -> bytes:
    """A real zip archive that is not a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "pas un tableur")
    return buffer.getvalue()


def upload(content: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(pages: int = 1, name: str = "lettre.pdf", text: str | None = None) -> SimpleUploadedFile:
    content = pdf_bytes(pages) if text is None else pdf_bytes(pages, text)
    return upload(content, name, "application/pdf")
