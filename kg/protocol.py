"""The SPARQL 1.1 Protocol's side of a query: its form, content negotiation and the result formats."""
from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .store import MEDIA_TYPES, RESULT_MEDIA, Result

# Media types offered for each query form, by preference; the first is the default.
RESULT_TYPES = RESULT_MEDIA
BOOLEAN_TYPES = {k: v for k, v in RESULT_TYPES.items() if v in ("json", "xml")}
GRAPH_TYPES = {
    MEDIA_TYPES["ttl"]: "ttl",
    MEDIA_TYPES["nt"]: "nt",
    MEDIA_TYPES["jsonld"]: "jsonld",
    "application/x-turtle": "ttl",
    "text/plain": "nt",
}
CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": MEDIA_TYPES["ttl"] + "; charset=utf-8",
    "nt": MEDIA_TYPES["nt"],
    "jsonld": MEDIA_TYPES["jsonld"],
}
# Names a ?format= parameter may give (for links, where no Accept header can be set).
FORMAT_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
                "ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
                "jsonld": "jsonld", "json-ld": "jsonld"}
FORMS = ("select", "ask", "construct", "describe")
UPDATE_WORDS = ("insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with")

# Strings, IRIs and comments, whose text must not be read as keywords.
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_KEYWORD = re.compile(r"(?<![\w:?$])(" + "|".join(FORMS + UPDATE_WORDS) + r")(?![\w:])", re.I)
_SERVICE = re.compile(r"(?<![\w:?$])service(?![\w:])", re.I)


def _code(sparql: str) -> str:
    return _OPAQUE.sub(" ", sparql)


def query_form(sparql: str) -> str | None:
    """select, ask, construct, describe or update, from the first keyword outside strings, IRIs and comments."""
    m = _KEYWORD.search(_code(sparql))
    if not m:
        return None
    word = m.group(1).lower()
    return word if word in FORMS else "update"


def uses_service(sparql: str) -> bool:
    """Whether the query federates to another endpoint (SERVICE)."""
    return bool(_SERVICE.search(_code(sparql)))


def result_kind(form: str | None) -> str:
    """boolean, graph or solutions: what a form of query answers with."""
    return "boolean" if form == "ask" else "graph" if form in ("construct", "describe") else "solutions"


def offered(kind: str) -> dict[str, str]:
    """Media types offered for a kind of result."""
    return BOOLEAN_TYPES if kind == "boolean" else GRAPH_TYPES if kind == "graph" else RESULT_TYPES


def _accepted(accept: str) -> list[tuple[str, float]]:
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
        # more specific ranges win at equal q, then the client's order
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        out.append((media, q, specificity, -i))
    out.sort(key=lambda x: (x[1], x[2], x[3]), reverse=True)
    return [(m, q) for m, q, _, _ in out if q > 0]


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> str | None:
    """The format to answer in (json, xml, csv, tsv, ttl, nt, jsonld), or None if nothing offered is acceptable."""
    types = offered(kind)
    if fmt:
        name = FORMAT_NAMES.get(fmt.lower())
        if kind == "graph" and name == "json":
            name = "jsonld"
        return name if name in types.values() else None
    if not accept or not accept.strip():
        return next(iter(types.values()))
    for media, _ in _accepted(accept):
        if media in types:
            return types[media]
        if media == "*/*":
            return next(iter(types.values()))
        if media.endswith("/*"):
            major = media[:-1]
            for t, name in types.items():
                if t.startswith(major):
                    return name
    return None


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
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = t.datatype.value
    return out


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
    if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
    return f"<literal>{escape(t.value)}</literal>"


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


def serialize_result(result: Result, fmt: str) -> bytes:
    """A result in one of the W3C result formats (SELECT, ASK) or an RDF syntax (CONSTRUCT, DESCRIBE)."""
    if result.graph is not None:
        if fmt == "jsonld":
            from .export import jsonld

            return jsonld(result.graph)
        from .export import PREFIXES

        rdf = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
        return ox.serialize(result.graph, format=rdf, prefixes=PREFIXES if fmt == "ttl" else None)
    if fmt == "json":
        if result.boolean is not None:
            doc = {"head": {}, "boolean": result.boolean}
        else:
            doc = {"head": {"vars": result.columns},
                   "results": {"bindings": [{c: _json_term(t) for c, t in zip(result.columns, row) if t is not None}
                                            for row in result.rows]}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        if result.boolean is not None:
            out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
        else:
            out.append("<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in result.columns) + "</head>")
            out.append("<results>")
            for row in result.rows:
                out.append("<result>" + "".join(f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
                                                for c, t in zip(result.columns, row) if t is not None) + "</result>")
            out.append("</results>")
        out.append("</sparql>")
        return ("\n".join(out) + "\n").encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(result.columns)
        w.writerows([[_csv_value(t) for t in row] for row in result.rows])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + c for c in result.columns)]
        lines += ["\t".join(_tsv_value(t) for t in row) for row in result.rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r}")
