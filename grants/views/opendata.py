"""/donnees/subventions.csv and .json: public, streamed, UTF-8."""

import csv
import json

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from grants.opendata import COLUMNS, subvention_rows


class _Echo:
    def write(self, value):
        return value


@require_GET
def subventions_csv(request):
    """Comma separated, UTF-8 without byte order mark, a header row (SCDL)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def stream():
        yield writer.writerow(COLUMNS)
        for row in subvention_rows():
            yield writer.writerow([row[c] for c in COLUMNS])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="subventions.csv"'
    return response


@require_GET
def subventions_json(request):
    """A JSON array of the same rows (same keys, same text values)."""

    def stream():
        yield "["
        for n, row in enumerate(subvention_rows()):
            yield ("," if n else "") + json.dumps(row, ensure_ascii=False)
        yield "]"

    return StreamingHttpResponse(stream(), content_type="application/json; charset=utf-8")
