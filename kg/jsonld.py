"""JSON-LD under the published context (ontology/context.jsonld): compact IRIs, rdf:type as @type, named graphs
kept, one node per line; written whole (`jsonld`) or, by the build, one named graph at a time (`jsonld_items`)."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

import pyoxigraph as ox

from .namespace import RDF, XSD


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
    short = compactor(ctx)

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
    serialized = ox.serialize(data, format=ox.RdfFormat.JSON_LD)
    assert serialized is not None  # written to no file, it is returned
    expanded = json.loads(serialized)
    doc = compact_jsonld(expanded, context())
    return "".join(_document(doc["@graph"], doc["@context"])).encode("utf-8")


def _document(items, ctx: dict):
    """The JSON-LD document as text, piece by piece: the context indented, then one line per node.

    One node per line keeps a large graph readable and lets the C JSON encoder do the work (the indenting
    encoder is pure Python).
    """
    yield document_head(ctx)
    for k, item in enumerate(items):
        yield item_separator(k == 0) + _item(item)
    yield document_tail()


def document_head(ctx: dict | None = None) -> str:
    """The JSON-LD document up to its first item."""
    head = json.dumps({"@context": context() if ctx is None else ctx}, ensure_ascii=False, indent=1)
    return head[:head.rindex("\n}")] + ',\n "@graph": ['


def item_separator(first: bool) -> str:
    """What stands before an item of the document's @graph."""
    return "\n  " if first else ",\n  "


def document_tail() -> str:
    """The JSON-LD document after its last item."""
    return "\n ]\n}\n"


def jsonld_items(graphs) -> str:
    """Named graphs of N-Quads terms as the document's items, joined as the document joins them."""
    short = compactor(context())
    # Types, persons, places and sources recur as objects; the bound keeps memory flat.
    ref = lru_cache(maxsize=100_000)(lambda t: '{"@id": ' + _encode(_ident(t, short)) + "}")
    return item_separator(False).join(_graph_item(g[1:-1], triples, short, ref) for g, triples in graphs.items())


def _ident(t: str, short) -> str:
    """An N-Triples IRI or blank node as the document names it: a compact IRI, or the blank node's _:label."""
    return short(t[1:-1]) if t[0] == "<" else t


def _item(item: dict) -> str:
    if set(item) == {"@id", "@graph"}:
        nodes = ",\n    ".join(json.dumps(n, ensure_ascii=False) for n in item["@graph"])
        return f'{{\n   "@id": {_encode(item["@id"])},\n   "@graph": [\n    {nodes}\n   ]\n  }}'
    return json.dumps(item, ensure_ascii=False)


def compactor(prefixes: dict[str, str]):
    """compact_iri under a prefix table such as the context, remembering the IRIs that repeat (up to a bound)."""
    namespaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    # The repeats are predicates, types and shared nodes; the bound keeps memory flat.
    return lru_cache(maxsize=100_000)(lambda iri: compact_iri(iri, namespaces))


_XSD_STRING = str(XSD.string)
_RDF_TYPE = f"<{RDF.type}>"
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)


def _unescape(text: str) -> str:
    """A literal's lexical form from its N-Triples spelling."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None else _ECHARS[m.group(3)],
                       text)


def _graph_item(graph: str, triples: list[tuple[str, str, str]], short, ref) -> str:
    """One named graph's sorted triples (N-Triples terms) as the document's item: what `_item` writes of the
    graph object compact_jsonld makes of pyoxigraph's JSON-LD, spelled out directly (a tenth of the work)."""
    enc = _encode

    def ident(t: str) -> str:
        return _ident(t, short)

    def value(t: str) -> str:
        if t[0] != '"':
            return ref(t)
        end = t.rindex('"')
        lexical, rest = enc(_unescape(t[1:end])), t[end + 1:]
        if not rest:
            return '{"@value": ' + lexical + "}"
        if rest[0] == "@":
            return '{"@language": ' + enc(rest[1:]) + ', "@value": ' + lexical + "}"
        dt = rest[3:-1]  # ^^<datatype>
        if dt == _XSD_STRING:
            return '{"@value": ' + lexical + "}"
        return '{"@type": ' + enc(short(dt)) + ', "@value": ' + lexical + "}"

    nodes = []
    for subject, by_subject in groupby(triples, key=itemgetter(0)):
        node = ['{"@id": ' + enc(ident(subject))]
        for predicate, by_predicate in groupby(by_subject, key=itemgetter(1)):
            objects = [t[2] for t in by_predicate]
            if predicate == _RDF_TYPE and all(o[0] != '"' for o in objects):
                node.append('"@type": [' + ", ".join(enc(ident(o)) for o in objects) + "]")
            else:
                node.append(enc(short(predicate[1:-1])) + ": [" + ", ".join(value(o) for o in objects) + "]")
        nodes.append(", ".join(node) + "}")
    return '{\n   "@id": ' + enc(short(graph)) + ',\n   "@graph": [\n    ' + ",\n    ".join(nodes) + "\n   ]\n  }"


_encode = json.encoder.encode_basestring
