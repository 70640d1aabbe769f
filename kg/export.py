"""Write a build to disk: Turtle, N-Triples, TriG, N-Quads and JSON-LD, byte-identical for the same sources."""
from __future__ import annotations

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


def serialize(quads: list[ox.Quad], fmt: str) -> bytes:
    """One serialization; quad formats keep the named graphs, triple formats their union."""
    rdf_format = FORMATS[fmt]
    data = quads if rdf_format.supports_datasets else triples(quads)
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
