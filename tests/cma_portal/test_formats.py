"""Numbers as readers of each language expect them (issue 12, point 7): the helper, the template
filters, the pages, CSV exports with plain numbers and XLSX amounts as numeric euro cells."""

import html
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.forms.letters import EuroField
from cma_portal import formats
from cma_portal.csv_export import _safe_row
from tests.factories import WaveFactory, covering_reviewer, programme_manager
from tests.reviews.helpers import reviewed_dossier

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (Decimal("700000000.00"), "700 000 000 €", "700,000,000 €"),
        (Decimal("1234.5"), "1 234,50 €", "1,234.50 €"),
        (Decimal("0"), "0 €", "0 €"),
        (None, "—", "—"),
    ],
)
def test_euros_in_both_languages(value, french, english):
    with translation.override("fr"):
        assert formats.euros(value).replace(NBSP, " ") == french
    with translation.override("en"):
        assert formats.euros(value).replace(NBSP, " ") == english


def test_number_rounds_instead_of_cutting():
    with translation.override("fr"):
        assert formats.number(15.527, 2) == "15,53"
        assert formats.number(Decimal("14.8000000000000")) == "14,8"
        assert formats.number(300) == "300"


def test_plain_numbers_for_exports():
    assert formats.plain_number(Decimal("14.8000000000000")) == "14.8"
    assert formats.plain_number(Decimal("2000000.00")) == "2000000"
    assert formats.plain_number(None) == ""
    assert _safe_row([Decimal("14.80"), 2.50, "=cmd", 3]) == ["14.8", "2.5", "'=cmd", 3]


def test_template_filters():
    template = Template("{% load cma_formats %}{{ a|euros }}|{{ n|number:2 }}|{{ c|cell }}")
    with translation.override("fr"):
        out = template.render(Context({"a": Decimal("2000000.00"), "n": 14.8, "c": Decimal("5000000.00")}))
    assert out.replace(NBSP, " ") == "2 000 000 €|14,80|5 000 000"


def test_amount_input_shows_the_stored_value_grouped_and_reads_it_back():
    field = EuroField()
    with translation.override("fr"):
        shown = field.prepare_value(Decimal("300000.00"))
        assert shown.replace(NBSP, " ") == "300 000"
        assert field.clean(shown) == Decimal("300000")
        assert field.clean("1 250 000,50") == Decimal("1250000.50")
    with translation.override("en"):
        shown = field.prepare_value(Decimal("300000.00"))
        assert shown == "300,000"
        assert field.clean(shown) == Decimal("300000")
        assert field.clean("1,250,000.50") == Decimal("1250000.50")


@pytest.mark.django_db
def test_pilotage_dashboard_page_groups_the_envelope(client):
    from waves.models import Call

    call = Call.current()
    call.budget_envelope = Decimal("700000000.00")
    call.save()
    admin = programme_manager()
    client.force_login(admin)
    page = html.unescape(client.get("/pilotage/").content.decode()).replace(NBSP, " ")
    assert "700 000 000" in page and "700000000.00" not in page


@pytest.mark.django_db
def test_xlsx_amounts_are_numeric_cells_with_a_euro_format(client):
    wave = WaveFactory()
    reviewers = [covering_reviewer(), covering_reviewer()]
    dossier = reviewed_dossier(wave, reviewers, values=(4, 3))
    client.force_login(programme_manager())
    response = client.get(reverse("selection:export", args=["dossiers", "xlsx"]), {"wave": wave.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == dossier.reference)
    requested = row[header.index("Aide demandée (€)")]
    assert requested.data_type == "n" and requested.value == 600000
    assert "€" in requested.number_format
    mean = row[header.index("Note moyenne (/20)")]
    assert mean.data_type == "n" and mean.value == 14
