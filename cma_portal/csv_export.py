"""The CSV files the portal hands out: semicolon separated, UTF-8 with a byte order mark so that
spreadsheet software reads the accents. `csv_response` writes a small table in memory,
`csv_streaming_response` sends a long one row by row."""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

from .formats import plain_number

CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
DELIMITER = ";"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """`value` as text, neutralised when a spreadsheet would read it as a formula (= + - @).
    Idempotent: an already neutralised cell starts with a quote and is left alone."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_PREFIXES else text


def _safe_row(row: Iterable) -> list:
    # Text typed by users (titles, opinions) is neutralised; numbers stay numbers, so that a
    # negative amount is not turned into text.
    # Decimals and floats are written plainly ("14.8", not "14.8000000000000").
    return [
        csv_cell(value)
        if isinstance(value, str)
        else plain_number(value)
        if isinstance(value, Decimal | float)
        else value
        for value in row
    ]


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Iterable], filename: str) -> HttpResponse:
    response = HttpResponse(content_type=CONTENT_TYPE)
    response.write(BOM)
    csv.writer(response, delimiter=DELIMITER).writerows(_safe_row(row) for row in rows)
    return _attachment(response, filename)


class _Echo:
    def write(self, value):
        return value


def csv_streaming_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=DELIMITER)

    def stream():
        yield BOM
        for row in rows:
            yield writer.writerow(_safe_row(row))

    return _attachment(StreamingHttpResponse(stream(), content_type=CONTENT_TYPE), filename)
