"""/donnees/subventions.csv: exactly the SCDL columns in order, valid against the Table Schema
written from ../shared/open-data-subventions.md, only signed agreements, point decimals."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from frictionless import Resource, Schema, validate

from grants.opendata import COLUMNS
from grants.services.agreements import agreement_prepare
from tests.factories import programme_manager
from tests.grants.helpers import laureate, signed_agreement

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[2] / "grants" / "schemas" / "subventions.json"


def test_subventions_csv_follows_the_schema_and_lists_only_signed_agreements(client, tmp_path):
    pm = programme_manager()
    signed = signed_agreement(laureate(aid=Decimal("47800.20"), manager=pm), pm)
    unsigned = laureate(aid=Decimal("90000.00"), manager=pm)
    agreement_prepare(
        application=unsigned,
        actor=pm,
        amount_granted=unsigned.aid_granted,
        aid_rate=Decimal("50"),
        start_date=signed.start_date,
        duration_months=24,
    )
    response = client.get(reverse("opendata:subventions_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    schema = json.loads(SCHEMA.read_text())
    assert [f["name"] for f in schema["fields"]] == list(COLUMNS)
    assert len(rows) == 2, "only the signed agreement"
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["montant"] == "47800.20"
    assert record["referenceDecision"] == signed.application.reference
    assert record["dateConvention"] == signed.signed_on.isoformat()
    assert record["conditionsVersement"] == "échelonné" and "/" in record["datesPeriodeVersement"]
    path = tmp_path / "subventions.csv"
    path.write_bytes(body)
    report = validate(Resource(path=path.name, basepath=str(tmp_path), schema=Schema.from_descriptor(schema)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    data = json.loads(b"".join(client.get(reverse("opendata:subventions_json")).streaming_content))
    assert [list(d) for d in data] == [list(COLUMNS)] and data[0]["montant"] == "47800.20"


def test_the_schema_rejects_a_comma_decimal(tmp_path):
    schema = json.loads(SCHEMA.read_text())
    row = [
        "ANR",
        "13000250400020",
        "2026-01-05",
        "R",
        "U",
        "19751718800011",
        "",
        "Objet",
        "47800,20",
        "aide en numéraire",
        "unique",
        "2026-01-05",
        "",
        "non",
        "1.00",
        "cma",
    ]
    path = tmp_path / "bad.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([COLUMNS, row])
    assert not validate(
        Resource(path=path.name, basepath=str(tmp_path), schema=Schema.from_descriptor(schema))
    ).valid
