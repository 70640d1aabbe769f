"""Write the graph to disk: Turtle, N-Triples, TriG, N-Quads, JSON-LD and CMIF, byte-identical for the same sources."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .namespace import BASE, DCTERMS, FOAF, ID, PBO, PROV, RDF, RDFS, RICO, SCHEMA, SKOS, XSD

PREFIXES = {
    "pbo": str(PBO._NS),
    "id": str(ID),
    "letter": str(ID) + "letter/",
    "person": str(ID) + "person/",
    "place": str(ID) + "place/",
    "org": str(ID) + "org/",
    "decision": str(ID) + "decision/",
    "source": str(ID) + "source/",
    "archive": str(ID) + "archive/",
    "ref": str(ID) + "ref/",
    "note": str(ID) + "note/",
    "request": str(ID) + "request/",
    "response": str(ID) + "response/",
    "transmission": str(ID) + "transmission/",
    "document": str(ID) + "document/",
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rico": str(RICO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}


def triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The union of all named graphs, each triple once, in a fixed order."""
    seen = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(seen, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


@lru_cache(maxsize=1)
def context() -> dict:
    """The published JSON-LD context (ontology/context.jsonld): the project's prefixes."""
    from .resources import ontology_file

    return json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


def compact_iri(iri: str, namespaces: list[tuple[str, str]]) -> str:
    """prefix:local for an IRI under one of the namespaces (longest first), else the IRI itself."""
    for prefix, ns in namespaces:
        # "p://x" would read as an absolute IRI, so such locals stay expanded
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def compact_jsonld(expanded: list, ctx: dict) -> dict:
    """Expanded JSON-LD (as pyoxigraph writes it) in compact IRIs under the context; rdf:type as @type."""
    namespaces = sorted(ctx.items(), key=lambda kv: -len(kv[1]))
    rdf_type = str(RDF.type)

    def node(obj: dict) -> dict:
        out: dict = {}
        for key, value in obj.items():
            if key == "@id":
                out["@id"] = compact_iri(value, namespaces)
            elif key == "@graph":
                out["@graph"] = [node(n) for n in value]
            elif key == rdf_type and all(set(v) == {"@id"} for v in value):
                out["@type"] = [compact_iri(v["@id"], namespaces) for v in value]
            elif key.startswith("@"):
                out[key] = value
            else:
                out[compact_iri(key, namespaces)] = [obj_value(v) for v in value]
        return out

    def obj_value(v: dict) -> dict:
        if "@id" in v:
            return {"@id": compact_iri(v["@id"], namespaces)}
        if "@type" in v:
            return {**v, "@type": compact_iri(v["@type"], namespaces)}
        return v

    return {"@context": ctx, "@graph": [node(n) for n in expanded]}


def jsonld(data: list[ox.Quad] | list[ox.Triple]) -> bytes:
    """JSON-LD under the published context, named graphs kept."""
    expanded = json.loads(ox.serialize(data, format=ox.RdfFormat.JSON_LD))
    doc = compact_jsonld(expanded, context())
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def serialize(quads: list[ox.Quad], fmt: str) -> bytes:
    """One serialization; quad formats keep the named graphs, triple formats their union."""
    rdf_format = FORMATS[fmt]
    data = quads if rdf_format.supports_datasets else triples(quads)
    if fmt == "jsonld":
        return jsonld(data)
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    return ox.serialize(data, format=rdf_format, prefixes=prefixes)


def write(quads: list[ox.Quad], out: Path, formats=("ttl", "nt", "trig", "nq", "jsonld")) -> list[Path]:
    """Write graph.<ext> for each format into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out / f"graph.{'jsonld' if fmt == 'jsonld' else fmt}"
        path.write_bytes(serialize(quads, fmt))
        written.append(path)
    return written


EXPORT_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld", "cmif")


@dataclass
class Exported:
    """What `kg export` wrote."""

    path: Path
    format: str
    items: int  # triples, quads, or letters (CMIF)
    unit: str


def read_quads(graph: Path) -> list[ox.Quad]:
    """Every quad of a graph file (format from its extension)."""
    from .errors import GraphError
    from .store import graph_format

    fmt = graph_format(graph)
    try:
        return list(ox.parse(path=str(graph), format=fmt))
    except SyntaxError as e:
        raise GraphError(f"is not valid {fmt.name}: {e}", file=str(graph)) from None
    except OSError as e:
        raise GraphError(f"cannot be read: {e}", file=str(graph)) from None


def export(graph: Path, fmt: str, out: Path, base_url: str | None = None) -> Exported:
    """Write the graph file in another format (CMIF: the letters as TEI correspDesc)."""
    from .errors import KgError

    if fmt not in EXPORT_FORMATS:
        raise KgError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}")
    quads = read_quads(Path(graph))
    if fmt == "cmif":
        from .cmif import cmif

        data, count = cmif(quads, url=base_url)
        unit = "letters"
    else:
        data = serialize(quads, fmt)
        count = len(quads) if FORMATS[fmt].supports_datasets else len(triples(quads))
        unit = "quads" if FORMATS[fmt].supports_datasets else "triples"
    out = Path(out)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return Exported(out, fmt, count, unit)
