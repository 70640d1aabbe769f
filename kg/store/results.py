"""SPARQL results as text: the syntaxes by media type, which the endpoint client reads and kg serve offers, and the
CSV table writer that kg serve (W3C SPARQL CSV) and kg query (--format csv) share."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

# The one table of SPARQL result syntaxes: what the endpoint offers (the first is its default) and what the
# endpoint client reads.
RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
RESULT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}


def csv_lines(columns: list[str], rows: Iterable, value: Callable[[object], str], newline: str) -> Iterator[str]:
    """A table as CSV (RFC 4180 quoting), a line at a time as the rows come: the header, then one line per row,
    each cell (a term, or None where unbound) written by value()."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)

    def line(cells: list[str]) -> str:
        writer.writerow(cells)
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    yield line(columns)
    for row in rows:
        yield line([value(t) for t in row])
