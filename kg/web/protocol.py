"""The SPARQL 1.1 Protocol's side of a query: content negotiation and the result formats, written as they come."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..graphfile import MEDIA_TYPES, to_bytes
from ..jsonld import jsonld
from ..namespace import PREFIXES
from ..store.results import RESULT_MEDIA, csv_lines
from ..store.sparql import FORMS, QueryInfo, lexical

UTF8 = "; charset=utf-8"


@dataclass(frozen=True)
class Format:
    """A format an answer is written in, and the Content-Type it is labelled with."""

    name: str  # json, xml, csv, tsv, ttl, nt, rdfxml, jsonld, html
    content_type: str


# Offered media types for each kind of answer, by preference (the first is the default). An alias is labelled
# with the type the client asked for where the body is truly of that type too (Turtle is N3 and TriG,
# N-Triples is N-Quads), else with the format's own type.
_RESULTS_JSON = Format("json", "application/sparql-results+json")
_RESULTS_XML = Format("xml", "application/sparql-results+xml" + UTF8)
SOLUTION_TYPES: dict[str, Format] = {
    "application/sparql-results+json": _RESULTS_JSON,
    "application/sparql-results+xml": _RESULTS_XML,
    "text/csv": Format("csv", "text/csv" + UTF8),
    "text/tab-separated-values": Format("tsv", "text/tab-separated-values" + UTF8),
    "application/json": _RESULTS_JSON,
    "application/xml": _RESULTS_XML,
    "text/xml": _RESULTS_XML,
}
assert {f.name for f in SOLUTION_TYPES.values()} == set(RESULT_MEDIA.values())
BOOLEAN_TYPES = {media: f for media, f in SOLUTION_TYPES.items() if f.name in ("json", "xml")}
_TURTLE = Format("ttl", MEDIA_TYPES["ttl"] + UTF8)
_NTRIPLES = Format("nt", MEDIA_TYPES["nt"])
_RDFXML = Format("rdfxml", MEDIA_TYPES["rdf"] + UTF8)
_JSONLD = Format("jsonld", MEDIA_TYPES["jsonld"])
GRAPH_TYPES: dict[str, Format] = {
    MEDIA_TYPES["ttl"]: _TURTLE,
    MEDIA_TYPES["nt"]: _NTRIPLES,
    MEDIA_TYPES["rdf"]: _RDFXML,
    MEDIA_TYPES["jsonld"]: _JSONLD,
    "application/x-turtle": _TURTLE,
    "application/turtle": _TURTLE,
    "text/n3": Format("ttl", "text/n3" + UTF8),
    "text/rdf+n3": Format("ttl", "text/rdf+n3" + UTF8),
    "application/n3": Format("ttl", "application/n3" + UTF8),
    MEDIA_TYPES["trig"]: Format("ttl", MEDIA_TYPES["trig"] + UTF8),
    MEDIA_TYPES["nq"]: Format("nt", MEDIA_TYPES["nq"]),
    "text/plain": Format("nt", "text/plain" + UTF8),
    "application/xml": _RDFXML,
    "text/xml": _RDFXML,
    "application/json": _JSONLD,
}
HTML = Format("html", "text/html" + UTF8)
# What GET at the endpoint URL without a query answers: the service description, or the query page for a
# client whose first choice is HTML.
DESCRIPTION_TYPES: dict[str, Format] = {**{m: f for m, f in GRAPH_TYPES.items() if m != "text/plain"},
                                        "text/html": HTML, "application/xhtml+xml": HTML}
_OFFERED = {"solutions": SOLUTION_TYPES, "boolean": BOOLEAN_TYPES, "graph": GRAPH_TYPES,
            "description": DESCRIPTION_TYPES}
# Names a format= parameter may give (links cannot set Accept), per kind of answer.
_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
          "ttl": "ttl", "turtle": "ttl", "n3": "ttl", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
          "jsonld": "jsonld", "json-ld": "jsonld", "rdf": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml",
          "rdf/xml": "rdfxml"}
_GRAPH_NAMES = {"json": "jsonld", "xml": "rdfxml"}


def offered(kind: str) -> dict[str, Format]:
    """Media types offered for a kind of answer (solutions, boolean, graph, description)."""
    return _OFFERED[kind]


def _refused(accept: str) -> set[str]:
    """The media types an Accept header refuses outright (q=0)."""
    return {m for m, q in _ranges(accept) if q <= 0}


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with q > 0, best first (at equal q, more specific, then in order)."""
    return [(m, q) for m, q in _ranges(accept) if q > 0]


def _ranges(accept: str) -> list[tuple[str, float]]:
    out = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        out.append((media, q, specificity, -i))
    out.sort(key=lambda x: (x[1], x[2], x[3]), reverse=True)
    return [(m, q) for m, q, _, _ in out]


def _hint(kind: str, fmt: str | None) -> Format | None:
    if not fmt:
        return None
    name = _NAMES.get(fmt.strip().lower())
    if kind == "graph":
        name = _GRAPH_NAMES.get(fmt.strip().lower(), name)
    return next((f for f in offered(kind).values() if f.name == name), None)


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> Format | None:
    """The format to answer in, or None if nothing offered is acceptable.

    Accept decides; a format= parameter is a hint, read only when none of the client's first choices (its
    media ranges of the highest q) names an offered type: a browser following a download link asks for HTML
    first, SPARQLWrapper sends format=xml beside an Accept that is to be honoured.
    """
    types = offered(kind)
    default = next(iter(types.values()))
    hint = _hint(kind, fmt)
    ranges = _accepted(accept) if accept and accept.strip() else None
    if ranges is None:
        return hint if fmt else default
    refused = _refused(accept or "")
    top = ranges[0][1] if ranges else None
    if hint is not None and not any(media in types for media, q in ranges if q == top):
        return hint
    for media, _ in ranges:
        if media in types:
            return types[media]
        if media == "*/*" or media.endswith("/*"):
            # a wildcard stands for the offered types the client has not refused
            found = next((f for t, f in types.items() if t not in refused
                          and (media == "*/*" or t.startswith(media[:-1]))), None)
            if found is not None:
                return found
    return hint


def query_form(sparql: str) -> str | None:
    """select, ask, construct, describe or update, from the first keyword outside strings, IRIs and comments."""
    return lexical(sparql).form


def uses_service(sparql: str) -> bool:
    """Whether the query's text federates to another endpoint (SERVICE), by the lexer's reading."""
    return lexical(sparql).service


def result_kind(form: str | None) -> str:
    """boolean, graph or solutions: what a form of query answers with."""
    return QueryInfo(form, False, False, 0).kind if form in FORMS else "solutions"


# ------------------------------------------------------------------------------------------------ writers

# XML 1.0 cannot carry these characters at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# RDF/XML writes a predicate as a namespace and an XML name: its IRI must end in one.
_XML_LOCAL = re.compile(r"[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*$")


class NotRepresentable(ValueError):
    """The answer holds a value the chosen format cannot carry."""


def _check_xml(value: str) -> str:
    m = _NOT_XML.search(value)
    if m:
        raise NotRepresentable(f"the answer holds U+{ord(m.group()):04X}, which XML 1.0 cannot carry; "
                               "ask for application/sparql-results+json (or N-Triples, Turtle, JSON-LD)")
    return value


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
        if _direction(t):
            out["its:dir"] = _direction(t)
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = t.datatype.value
    return out


def _direction(t) -> str | None:
    """ltr or rtl for a literal with a base direction ("…"@ar--rtl), as SPARQL 1.2 results write it."""
    d = getattr(t, "direction", None)
    return None if d is None else str(getattr(d, "name", d)).lower().split(".")[-1]


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(_check_xml(t.value))}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    value = escape(_check_xml(t.value), {"\r": "&#13;"})
    if t.language:
        way = _direction(t)
        direction = f" its:dir={quoteattr(way)}" if way else ""
        return f"<literal xml:lang={quoteattr(t.language)}{direction}>{value}</literal>"
    if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(t.datatype.value)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _csv_value(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Triple):
        return str(t)
    return t.value


def _tsv_value(t) -> str:
    if t is None:
        return ""
    # N-Triples syntax, with the tab that syntax leaves raw escaped too
    return str(t).replace("\t", "\\t")


def write_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in SPARQL JSON or XML."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n").encode()


def write_solutions(columns: list[str], rows: Iterable, fmt: str) -> Iterator[str]:
    """A SELECT answer in SPARQL JSON, XML, CSV or TSV, piece by piece as the rows come."""
    if fmt == "json":
        yield '{"head": {"vars": ' + json.dumps(columns, ensure_ascii=False) + '}, "results": {"bindings": ['
        sep = ""
        for row in rows:
            yield sep + json.dumps({c: _json_term(t) for c, t in zip(columns, row, strict=True) if t is not None},
                                   ensure_ascii=False)
            sep = ", "
        yield "]}}"
    elif fmt == "xml":
        yield ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#" '
               'xmlns:its="http://www.w3.org/2005/11/its">\n<head>'
               + "".join(f"<variable name={quoteattr(c)}/>" for c in columns) + "</head>\n<results>\n")
        for row in rows:
            yield "<result>" + "".join(f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
                                       for c, t in zip(columns, row, strict=True) if t is not None) + "</result>\n"
        yield "</results>\n</sparql>\n"
    elif fmt == "csv":
        # SPARQL 1.1 CSV: lines end in CRLF, blank nodes keep their _: label
        yield from csv_lines(columns, rows, _csv_value, "\r\n")
    elif fmt == "tsv":
        yield "\t".join("?" + c for c in columns) + "\n"
        for row in rows:
            yield "\t".join(_tsv_value(t) for t in row) + "\n"
    else:
        raise ValueError(f"unknown result format {fmt!r}")


def write_graph(triples: list[ox.Triple], fmt: str) -> bytes:
    """A CONSTRUCT or DESCRIBE answer in Turtle, N-Triples, RDF/XML or JSON-LD."""
    if fmt in ("jsonld", "rdfxml") and any(isinstance(x, ox.Triple) for t in triples for x in (t.subject, t.object)):
        raise NotRepresentable("the answer holds a triple term, which RDF/XML and JSON-LD cannot carry yet; "
                               "ask for text/turtle or application/n-triples")
    if fmt == "jsonld":
        return jsonld(triples)
    if fmt == "rdfxml":
        for t in triples:
            if isinstance(t.predicate, ox.NamedNode) and not _XML_LOCAL.search(t.predicate.value):
                raise NotRepresentable(f"the predicate <{t.predicate.value}> ends in no XML name, so RDF/XML cannot "
                                       "write it; ask for text/turtle or application/n-triples")
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, (ox.NamedNode, ox.Literal)):
                    _check_xml(term.value)
        return to_bytes(triples, ox.RdfFormat.RDF_XML)
    rdf = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
    return to_bytes(triples, rdf, prefixes=PREFIXES if fmt == "ttl" else None)


def capped(items: Iterable, limit: int, on_cut: Callable[[], None]) -> Iterator:
    """The first `limit` items; on_cut() is called if there were more (one more is read to know)."""
    it = iter(items)
    for n, item in enumerate(it):
        if n == limit:
            on_cut()
            return
        yield item
