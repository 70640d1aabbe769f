"""Every serialization carries the same graph, and text with markup is escaped correctly in each."""
from __future__ import annotations

import pyoxigraph as ox
import rdflib

from kg.parse.authority import load_authority
from kg.graphfile import serialize, triples
from kg.parse import parse_text
from kg.rdf.build import build_graph

HOSTILE = '''Kaganovich to Stalin October 5, 1934

Archive: RGASPI F. 558. Op. 11. D. 86. L. 14. Original. Typescript.

Gagra. Tov. Stalin.

We ask for your consent: <script>alert("x")</script> \\ back\\slash "quoted" {braces} & ampersand.

Kaganovich.
'''


def _triple_set(quads):
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in triples(quads)}


def test_formats_round_trip_with_markup():
    page = parse_text(HOSTILE, "hostile.txt", load_authority())
    quads = build_graph([page], load_authority())
    want = _triple_set(quads)
    for fmt, oxfmt in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("trig", ox.RdfFormat.TRIG),
                       ("nq", ox.RdfFormat.N_QUADS), ("jsonld", ox.RdfFormat.JSON_LD), ("rdf", ox.RdfFormat.RDF_XML)):
        data = serialize(quads, fmt)
        got = {(str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(data, format=oxfmt)}
        assert got == want, fmt
    g = rdflib.Graph().parse(data=serialize(quads, "ttl"), format="turtle")
    texts = [str(o) for o in g.objects(None, rdflib.URIRef("https://schema.org/text"))]
    assert any('<script>alert("x")</script> \\ back\\slash "quoted"' in t for t in texts)


def test_each_page_is_its_own_named_graph(seed_build):
    out = seed_build[1]
    names = {q.graph_name.value for q in ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
             if isinstance(q.graph_name, ox.NamedNode)}
    assert "https://w3id.org/politburo-kg/id/source/000-066ec2fc61583e2f" in names
    assert "https://w3id.org/politburo-kg/id/graph/authority" in names
