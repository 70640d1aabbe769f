"""SPARQL results as text: the syntaxes by media type, which the endpoint client reads and kg serve offers."""
from __future__ import annotations

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
