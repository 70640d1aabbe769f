"""kg export: every RDF format carries the graph, JSON-LD under the published context, CMIF for correspSearch."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import GraphError, KgError
from kg.graphfile import read_quads, triples
from kg.jsonld import context
from kg.namespace import PREFIXES
from kg.rdf.cmif import BIBL_ID, LICENCE_TEXT, LICENCE_URL, TEI_NS
from kg.rdf.export import export
from kg.resources import ontology_file

from .conftest import ROOT

T = f"{{{TEI_NS}}}"
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
               "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def _quads(data: bytes, fmt) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in ox.parse(data, format=fmt)}


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_every_format_round_trips(fmt, seed_build, tmp_path):
    source = read_quads(seed_build[1] / "graph.trig")
    done = export(seed_build[1] / "graph.trig", fmt, tmp_path / f"out.{fmt}")
    got = _quads(done.path.read_bytes(), RDF_FORMATS[fmt])
    if RDF_FORMATS[fmt].supports_datasets:
        want = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in source}
        assert done.unit == "quads"
    else:
        want = {(str(t.subject), str(t.predicate), str(t.object), "DEFAULT") for t in triples(source)}
        assert done.unit == "triples"
    assert got == want and done.items == len(want)


def test_jsonld_uses_the_published_context(seed_build):
    doc = json.loads((seed_build[1] / "graph.jsonld").read_text(encoding="utf-8"))
    published = json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert doc["@context"] == published == context() == PREFIXES
    nodes = [n for g in doc["@graph"] for n in g.get("@graph", [g])]
    letter = next(n for n in nodes if "pbo:Letter" in n.get("@type", []))
    assert letter["@id"].startswith("letter:") and "pbo:sourceLine" in letter
    ds = rdflib.Dataset()
    ds.parse(data=json.dumps(doc), format="json-ld")
    assert len(ds) == len(read_quads(seed_build[1] / "graph.nq"))


def test_cmif_lists_every_letter(seed_build, tmp_path):
    done = export(seed_build[1] / "graph.ttl", "cmif", tmp_path / "letters.xml", base_url="http://example.org/c.xml")
    root = ET.parse(done.path).getroot()
    descs = root.findall(f".//{T}correspDesc")
    assert done.items == len(descs) == 21
    assert root.find(f".//{T}idno").text == "http://example.org/c.xml"
    lic = root.find(f".//{T}licence")
    assert lic.get("target") == LICENCE_URL and lic.text == LICENCE_TEXT
    assert root.find(f".//{T}bibl").get("{http://www.w3.org/XML/1998/namespace}id") == BIBL_ID
    first = descs[0]
    assert first.get("source") == "#" + BIBL_ID and first.get("ref").startswith("https://w3id.org/politburo-kg/id/letter/")
    sent, received = first.findall(f"{T}correspAction")
    assert sent.get("type") == "sent" and received.get("type") == "received"
    assert sent.find(f"{T}persName").text == "Iosif Vissarionovich Stalin"
    assert sent.find(f"{T}placeName").text == "Gagra" and sent.find(f"{T}date").get("when") == "1934-10-01"
    assert received.find(f"{T}persName").text == "Lazar Moiseevich Kaganovich"


def test_cmif_timestamp_is_reproducible(seed_graph, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    a = export(seed_graph, "cmif", tmp_path / "a.xml").path.read_bytes()
    b = export(seed_graph, "cmif", tmp_path / "b.xml").path.read_bytes()
    assert a == b and b'<date when="1970-01-01T00:00:00Z"/>' in a


def test_export_errors(tmp_path, seed_graph):
    with pytest.raises(GraphError):
        export(tmp_path / "missing.ttl", "ttl", tmp_path / "o.ttl")
    with pytest.raises(KgError, match="unknown export format"):
        export(seed_graph, "csv", tmp_path / "o.csv")


def test_a_letter_to_the_politburo_names_it_as_addressee(tmp_path):
    """The body a heading addresses is a schema:recipient (an organisation), a CMIF orgName, not a family name."""
    from kg.rdf.pipeline import run_build
    from kg.store.query import load_store, resolve_query, run

    page = ROOT / "tests" / "variants" / "heading-addressed-to-the-politburo" / "page.txt"
    run_build([page], tmp_path / "out")
    graph = tmp_path / "out" / "graph.ttl"
    rows = run(load_store(graph), resolve_query("letters").text, "letters")
    recipients = {r[1].value: set(filter(None, (r[5].value if r[5] else "").split(";"))) for r in rows.rows}
    assert recipients == {"7": {"Kaganovich", "Molotov"}, "22": {"Stalin"}, "32": set()}
    done = export(graph, "cmif", tmp_path / "letters.xml")
    received = [d.find(f"{T}correspAction[@type='received']") for d in ET.parse(done.path).getroot().iter(f"{T}correspDesc")]
    assert [[(e.tag[len(T):], e.text) for e in r] for r in received] == [
        [("persName", "Lazar Moiseevich Kaganovich"), ("persName", "Vyacheslav Mikhailovich Molotov"),
         ("orgName", "Politburo of the Central Committee of the VKP(b)")],
        [("persName", "Iosif Vissarionovich Stalin")],
        [("orgName", "Politburo of the Central Committee of the VKP(b)")],
    ]
