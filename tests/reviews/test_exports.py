"""CSV (streamed) and XLSX (write-only workbook) exports of dossiers and reviews."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from reviews import exports, selectors
from tests.factories import WaveFactory, covering_reviewer, programme_manager
from tests.reviews.helpers import reviewed_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    wave = WaveFactory()
    reviewers = [covering_reviewer(last_name="Expert"), covering_reviewer()]
    dossiers = [reviewed_dossier(wave, reviewers, values=(4, 2)) for _ in range(3)]
    return wave, reviewers, dossiers


def _csv(response):
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_csv_exports_stream_every_row(client, data):
    wave, reviewers, dossiers = data
    client.force_login(programme_manager())
    rows = _csv(client.get(reverse("selection:export", args=["dossiers", "csv"]), {"wave": wave.pk}))
    assert rows[0][0] == "Référence" and len(rows) == 4
    first = next(r for r in rows if r[0] == dossiers[0].reference)
    assert first[10] == "12"  # mean of 16 and 8, written plainly
    rows = _csv(client.get(reverse("selection:export", args=["reviews", "csv"]), {"wave": wave.pk}))
    assert len(rows) == 7
    assert any("Expert" in r[2] for r in rows[1:])


def test_xlsx_exports_open_in_openpyxl(client, data):
    wave, reviewers, dossiers = data
    client.force_login(programme_manager())
    for what, expected in (("dossiers", 4), ("reviews", 7)):
        response = client.get(reverse("selection:export", args=[what, "xlsx"]), {"wave": wave.pk})
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        assert len(list(sheet.iter_rows(values_only=True))) == expected


def test_export_rows_are_generated_lazily(data):
    """The generator yields the header before reading any application: nothing is loaded up
    front, rows come chunk by chunk from `.iterator(chunk_size=2000)`."""
    rows = exports.dossier_rows(selectors.selection_dossiers())
    assert next(rows)[0] == "Référence"
    assert len(list(rows)) == 3


def test_export_forbidden_to_reviewers(client, data):
    client.force_login(data[1][0])
    assert client.get(reverse("selection:export", args=["reviews", "csv"])).status_code == 403


def test_exports_keep_formula_like_user_text_as_text(client, data):
    """A title typed as `=HYPERLINK(...)` must not become a live formula in a spreadsheet."""
    wave, reviewers, dossiers = data
    dossiers[0].title = '=HYPERLINK("http://evil.example","clic")'
    dossiers[0].save(update_fields=["title"])
    client.force_login(programme_manager())
    rows = _csv(client.get(reverse("selection:export", args=["dossiers", "csv"]), {"wave": wave.pk}))
    cells = [cell for row in rows for cell in row]
    assert "'" + dossiers[0].title in cells and dossiers[0].title not in cells
    response = client.get(reverse("selection:export", args=["dossiers", "xlsx"]), {"wave": wave.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == dossiers[0].title]
    assert cells and all(cell.data_type == "s" for cell in cells)
