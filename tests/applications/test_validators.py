"""The file and identifier checks, on real files."""

import pytest
from django.core.exceptions import ValidationError

from applications.validators import (
    ODS_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    validate_pdf,
    validate_siret,
    validate_spreadsheet,
    validate_uai,
)
from tests import fixtures_files as ff


def test_validate_pdf_returns_page_count():
    assert validate_pdf(ff.pdf_upload(2), max_pages=2) == 2
    assert validate_pdf(ff.upload(ff.blank_pdf_bytes(20), "x.pdf"), max_pages=None) == 20


def test_validate_pdf_refuses_too_many_pages_naming_count_and_limit():
    with pytest.raises(ValidationError) as error:
        validate_pdf(ff.pdf_upload(3), max_pages=2)
    assert error.value.messages == ["Le document compte 3 pages ; la limite est de 2 pages."]


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"", "empty", "vide"),
        (ff.exe_bytes(), "not_pdf", "n'est pas un PDF"),
        # No %%EOF any more: refused as truncated (before, pypdf's repair mode read it).
        (ff.corrupt_pdf_bytes(), "truncated", "endommagé"),
        (ff.zero_page_pdf_bytes(), "no_pages", "aucune page"),
    ],
)
def test_validate_pdf_refusals_name_the_problem(content, code, words):
    with pytest.raises(ValidationError) as error:
        validate_pdf(ff.upload(content, "lettre.pdf"), max_pages=2)
    assert error.value.code == code
    assert words in error.value.messages[0]


def test_validate_pdf_refuses_encrypted():
    with pytest.raises(ValidationError) as error:
        validate_pdf(ff.upload(ff.encrypted_pdf_bytes(), "lettre.pdf"), max_pages=2)
    assert error.value.code == "encrypted"
    assert "mot de passe" in error.value.messages[0]


def test_validate_pdf_refuses_too_large(settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    content = ff.pdf_bytes(1) + b"\n%" + b"x" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        validate_pdf(ff.upload(content, "lettre.pdf"), max_pages=2)
    assert error.value.code == "too_large"
    assert "1 Mo" in error.value.messages[0]


def test_validate_pdf_judges_content_not_name():
    assert validate_pdf(ff.upload(ff.pdf_bytes(1), "scan.jpg"), max_pages=2) == 1


def test_validate_spreadsheet_accepts_real_xlsx_and_ods_whatever_their_name():
    assert validate_spreadsheet(ff.upload(ff.xlsx_bytes(), "annexe.xlsx")) == XLSX_CONTENT_TYPE
    assert validate_spreadsheet(ff.upload(ff.ods_bytes(), "annexe.bin")) == ODS_CONTENT_TYPE


@pytest.mark.parametrize(
    "content",
    [ff.fake_spreadsheet_bytes(), ff.zip_not_spreadsheet_bytes(), ff.exe_bytes(), ff.pdf_bytes(1)],
)
def test_validate_spreadsheet_refuses_files_that_are_not_workbooks(content):
    with pytest.raises(ValidationError) as error:
        validate_spreadsheet(ff.upload(content, "annexe.xlsx"))
    assert "tableur" in error.value.messages[0]


def test_validate_spreadsheet_refuses_broken_workbook():
    content = ff.xlsx_bytes()
    broken = content.replace(b"xl/workbook.xml", b"xl/workbook.xml", 1)[: len(content) // 2]
    with pytest.raises(ValidationError):
        validate_spreadsheet(ff.upload(broken, "annexe.xlsx"))


@pytest.mark.parametrize("siret", ["19751718800011", "356 000 000 00048", "35600000049837", "73282932000074"])
def test_validate_siret_accepts_valid(siret):
    assert validate_siret(siret) == siret.replace(" ", "")


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("1975171880001", "siret_format"),
        ("19751718800015", "siret_checksum"),
        ("1975171880001A", "siret_format"),
    ],
)
def test_validate_siret_refuses_invalid(siret, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == code


def test_validate_uai_checks_format_and_letter():
    assert validate_uai("0751717j") == "0751717J"
    with pytest.raises(ValidationError) as error:
        validate_uai("0751717K")
    assert error.value.code == "uai_checksum"
    with pytest.raises(ValidationError) as error:
        validate_uai("075171J")
    assert error.value.code == "uai_format"
