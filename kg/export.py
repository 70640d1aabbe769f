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
    rdf_type = str(RDF.type)
    short = _compactor(ctx)

    def node(obj: dict) -> dict:
        out: dict = {}
        for key, value in obj.items():
            if key == "@id":
                out["@id"] = short(value)
            elif key == "@graph":
                out["@graph"] = [node(n) for n in value]
            elif key == rdf_type and all(set(v) == {"@id"} for v in value):
                out["@type"] = [short(v["@id"]) for v in value]
            elif key.startswith("@"):
                out[key] = value
            else:
                out[short(key)] = [obj_value(v) for v in value]
        return out

    def obj_value(v: dict) -> dict:
        if "@id" in v:
            return {"@id": short(v["@id"])}
        if "@type" in v:
            return {**v, "@type": short(v["@type"])}
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


def write_keys(keys: list[tuple[str, str, str, str]], out: Path, progress=None) -> list[Path]:
    """Write every format from sorted (graph, subject, predicate, object) N-Quads terms, as `write` would.

    N-Quads and N-Triples are written line by line; Turtle and TriG stream from them through pyoxigraph;
    JSON-LD is compacted one named graph at a time, so no format needs the whole graph as objects.
    """
    out.mkdir(parents=True, exist_ok=True)
    step = progress or (lambda name: None)
    nq, nt, ttl, trig, jld = (out / f"graph.{ext}" for ext in ("nq", "nt", "ttl", "trig", "jsonld"))
    _write_lines(nq, (f"{s} {p} {o} {g} .\n" for g, s, p, o in keys))
    step("nq")
    _write_lines(nt, (f"{s} {p} {o} .\n" for s, p, o in sorted({k[1:] for k in keys})))
    step("nt")
    ox.serialize(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES), output=str(ttl),
                 format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    step("ttl")
    ox.serialize(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS), output=str(trig),
                 format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    step("trig")
    _write_jsonld(keys, jld)
    step("jsonld")
    return [ttl, nt, trig, nq, jld]


def _write_lines(path: Path, lines, chunk: int = 20000) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        buf = []
        for line in lines:
            buf.append(line)
            if len(buf) >= chunk:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


def _write_jsonld(keys, path: Path) -> None:
    """JSON-LD byte for byte as `jsonld` writes it, one named graph at a time (keys are sorted by graph)."""
    from itertools import groupby

    ctx = context()
    short = _compactor(ctx)
    with open(path, "w", encoding="utf-8") as f:
        head = _dumps({"@context": ctx, "@graph": [None]}, 0)
        f.write(head[:head.rindex("null")])
        for k, (_, group) in enumerate(groupby(keys, key=lambda k: k[0])):
            text = "".join(f"{s} {p} {o} {g} .\n" for g, s, p, o in group).encode("utf-8")
            node = _graph_object(list(ox.parse(text, format=ox.RdfFormat.N_QUADS)), short)
            f.write(("" if k == 0 else ",\n  ") + _dumps(node, 2))
        f.write(head[head.rindex("null") + 4:] + "\n")


def _compactor(ctx: dict):
    """compact_iri under the context, remembering the IRIs that repeat (up to a bound)."""
    namespaces = sorted(ctx.items(), key=lambda kv: -len(kv[1]))
    cache: dict[str, str] = {}

    def short(iri: str) -> str:
        c = cache.get(iri)
        if c is None:
            c = compact_iri(iri, namespaces)
            if len(cache) < 100_000:  # bounded; the repeats are predicates, types and shared nodes
                cache[iri] = c
        return c

    return short


_XSD_STRING = str(XSD.string)
_RDF_TYPE = str(RDF.type)


def _graph_object(quads: list[ox.Quad], short) -> dict:
    """One named graph's sorted quads as compact JSON-LD, as compact_jsonld makes of pyoxigraph's JSON-LD."""
    from itertools import groupby

    def ident(t) -> str:
        return "_:" + t.value if isinstance(t, ox.BlankNode) else short(t.value)

    def value(t) -> dict:
        if not isinstance(t, ox.Literal):
            return {"@id": ident(t)}
        if t.language:
            return {"@language": t.language, "@value": t.value}
        dt = t.datatype.value
        return {"@value": t.value} if dt == _XSD_STRING else {"@type": short(dt), "@value": t.value}

    nodes = []
    for subject, by_subject in groupby(quads, key=lambda q: q.subject):
        node = {"@id": ident(subject)}
        for predicate, by_predicate in groupby(by_subject, key=lambda q: q.predicate):
            objects = [q.object for q in by_predicate]
            if predicate.value == _RDF_TYPE and not any(isinstance(o, ox.Literal) for o in objects):
                node["@type"] = [ident(o) for o in objects]
            else:
                node[short(predicate.value)] = [value(o) for o in objects]
        nodes.append(node)
    return {"@id": ident(quads[0].graph_name), "@graph": nodes}


def _dumps(obj, level: int) -> str:
    """json.dumps(obj, ensure_ascii=False, indent=1) at a nesting depth, without its pure-Python encoder's cost."""
    parts: list[str] = []
    _dump(obj, level, parts)
    return "".join(parts)


_encode = json.encoder.encode_basestring


def _dump(obj, level: int, out: list) -> None:
    if type(obj) is str:
        out.append(_encode(obj))
    elif type(obj) in (dict, list):
        is_dict = type(obj) is dict
        if not obj:
            out.append("{}" if is_dict else "[]")
            return
        pad = "\n" + " " * (level + 1)
        sep = "{" if is_dict else "["
        for item in (obj.items() if is_dict else obj):
            if is_dict:
                out.append(sep + pad + _encode(item[0]) + ": ")
                item = item[1]
            else:
                out.append(sep + pad)
            sep = ","
            _dump(item, level + 1, out)
        out.append("\n" + " " * level + ("}" if is_dict else "]"))
    else:
        out.append(json.dumps(obj))


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
