"""The inspection of uploads (cma_portal.uploads) on generated hostile files: each is refused
with its own French message, in bounded time and memory; real files still pass."""

import time

import pytest
from django.core.exceptions import ValidationError

from cma_portal import uploads
from cma_portal.uploads import sandbox
from cma_portal.uploads.limits import MIB, Limits
from tests import fixtures_files as ff
from tests import hostile_files as hf

OFFICE = {*uploads.SPREADSHEETS, *uploads.WORD_PROCESSING}
EVERYTHING = {uploads.PDF, *OFFICE, *uploads.IMAGES}


def refusal_of(content: bytes, accept=frozenset(EVERYTHING), **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(ff.upload(content, "fichier"), accept=accept, **kwargs)
    return error.value


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (hf.shared_strings_bomb_xlsx, "archive_too_big", "bombe de décompression"),
        (hf.ratio_bomb_xlsx, "archive_ratio", "bombe de décompression"),
        # Declared sizes that lie: the inflating stops at the declared size, the CRC fails.
        (hf.lying_sizes_bomb_xlsx, "corrupt_archive", "endommagé"),
        (hf.entity_bomb_xlsx, "xml_declaration", "DOCTYPE ou ENTITY"),
        (hf.macro_xlsm, "macros", "macros"),
        (hf.nested_zip_xlsx, "archive_nested", "archives imbriquées"),
        (hf.many_members_xlsx, "archive_members", "trop d'éléments (5"),
        (hf.deflate_bomb_pdf, "pdf_bomb", "anormalement volumineuses"),
        (hf.javascript_open_action_pdf, "pdf_active_content", "contenu actif"),
        (hf.obfuscated_javascript_pdf, "pdf_active_content", "contenu actif"),
        (hf.javascript_in_object_stream_pdf, "pdf_active_content", "contenu actif"),
        (hf.launch_action_pdf, "pdf_active_content", "contenu actif"),
        (hf.embedded_executable_pdf, "pdf_active_content", "contenu actif"),
        (hf.pdf_followed_by_html, "pdf_trailing_data", "suivi d'autres données"),
        (hf.html_with_pdf_header, "pdf_prefix", "précèdent l'en-tête PDF"),
        (hf.pdf_with_html_in_first_kb, "pdf_html", "page web"),
        (hf.truncated_pdf, "truncated", "tronqué"),
        (hf.encrypted_pdf, "encrypted", "mot de passe"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_hostile_file_is_refused_with_its_french_message(make, code, words):
    error = refusal_of(make())
    assert error.code == code
    assert words in error.messages[0]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (ff.pdf_bytes(2), uploads.PDF),
        (hf.build_pdf(), uploads.PDF),
        (ff.xlsx_bytes(), uploads.XLSX),
        (ff.ods_bytes(), uploads.ODS),
    ],
    ids=["weasyprint-pdf", "hand-written-pdf", "xlsx", "ods"],
)
def test_real_files_pass(content, content_type):
    checked = uploads.check_upload(ff.upload(content, "fichier"), accept=EVERYTHING)
    assert checked.content_type == content_type
    assert checked.scan_status == uploads.ScanStatus.PENDING  # the scanner is off by default


def test_macro_workbook_accepted_when_allowed():
    checked = uploads.check_upload(ff.upload(hf.macro_xlsm(), "m.xlsm"), accept=EVERYTHING, allow_macros=True)
    assert checked.content_type == uploads.XLSM and checked.macros


@pytest.mark.parametrize("make", [hf.shared_strings_bomb_xlsx, hf.deflate_bomb_pdf], ids=["xlsx", "pdf"])
def test_one_megabyte_bomb_refused_in_bounded_time_and_memory(make):
    content = make()
    assert 0.9 * MIB < len(content) < 3 * MIB
    started = time.monotonic()
    refusal_of(content)
    elapsed = time.monotonic() - started
    assert elapsed < 5
    assert sandbox.last_stats["extra"] < 100 * MIB


def test_parser_running_out_of_memory_is_refused_not_fatal():
    # With the archive caps lifted, openpyxl opens 16 MiB of shared strings (800,000 of them):
    # more than 8 MiB of extra memory. The child gets a MemoryError or dies; the web process
    # gets a refusal.
    with pytest.raises(uploads.Refused) as error:
        sandbox.run_inspection(
            hf.ratio_bomb_xlsx(), accept=frozenset(EVERYTHING), limits=Limits(max_ratio=10**6, memory=8 * MIB)
        )
    assert error.value.code == "too_complex"
    assert "limites de temps ou de mémoire" in uploads.refusal("too_complex").messages[0]


def test_parser_running_out_of_time_is_killed():
    # Caps lifted and memory plenty: only the clock stops openpyxl reading 20 million strings.
    started = time.monotonic()
    with pytest.raises(uploads.Refused) as error:
        sandbox.run_inspection(
            hf.shared_strings_bomb_xlsx(),
            accept=frozenset(EVERYTHING),
            limits=Limits(
                max_ratio=10**6, max_member_size=10**10, max_total_size=10**10, memory=4096 * MIB, timeout=0.5
            ),
        )
    assert error.value.code == "too_complex"
    assert time.monotonic() - started < 3
