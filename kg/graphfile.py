"""A graph file: its RDF syntax (from the extension), reading it into quads, and writing quads in each syntax."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .errors import GraphError
from .jsonld import jsonld
from .namespace import PREFIXES

# The one table of RDF syntaxes by file extension: the dumps, the stores, the endpoint and its client all derive
# from it (and its media types), so that they cannot drift apart.
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML,
}
MEDIA_TYPES = {ext: fmt.media_type for ext, fmt in RDF_FORMATS.items()}
# What a graph file may be called: the extensions above, and two more that name the same syntaxes.
GRAPH_FORMATS = {**{"." + ext: fmt for ext, fmt in RDF_FORMATS.items()},
                 ".json": ox.RdfFormat.JSON_LD, ".xml": ox.RdfFormat.RDF_XML}


def graph_format(graph: Path) -> ox.RdfFormat:
    """The RDF format of a graph file, from its extension; the file must exist."""
    graph = Path(graph)
    if not graph.is_file():
        raise GraphError("no such graph file", file=str(graph), hint="run `kg build` first, or give --graph")
    fmt = GRAPH_FORMATS.get(graph.suffix.lower())
    if fmt is None:
        raise GraphError(f"unknown graph format {graph.suffix!r}", file=str(graph),
                         hint="use .ttl, .nt, .trig, .nq, .jsonld or .rdf")
    return fmt


@contextmanager
def reading(graph: Path, fmt: ox.RdfFormat) -> Iterator[None]:
    """Where a graph file is read: a syntax error or a file that cannot be read becomes a GraphError naming it."""
    try:
        yield
    except SyntaxError as e:
        raise GraphError(f"is not valid {fmt.name}: {e}", file=str(graph)) from None
    except OSError as e:
        raise GraphError(f"cannot be read: {e}", file=str(graph)) from None


def read_quads(graph: Path) -> list[ox.Quad]:
    """Every quad of a graph file (format from its extension)."""
    fmt = graph_format(graph)
    with reading(graph, fmt):
        return list(ox.parse(path=str(graph), format=fmt))


def triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The union of all named graphs, each triple once, in a fixed order."""
    seen = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(seen, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def to_bytes(data, rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """pyoxigraph's serialization of triples or quads, as bytes (it returns None only when given a file)."""
    out = ox.serialize(data, format=rdf_format, prefixes=prefixes)
    assert out is not None
    return out


def serialize(quads: list[ox.Quad], fmt: str) -> bytes:
    """One serialization, byte-identical for the same quads; quad formats keep the named graphs, triple formats
    their union."""
    rdf_format = RDF_FORMATS[fmt]
    data = quads if rdf_format.supports_datasets else triples(quads)
    if fmt == "jsonld":
        return jsonld(data)
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    return to_bytes(data, rdf_format, prefixes)


def write(quads: list[ox.Quad], out: Path, formats=("ttl", "nt", "trig", "nq", "jsonld")) -> list[Path]:
    """Write graph.<ext> for each format into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out / f"graph.{'jsonld' if fmt == 'jsonld' else fmt}"
        path.write_bytes(serialize(quads, fmt))
        written.append(path)
    return written
