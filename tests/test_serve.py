"""The SPARQL server over real HTTP: protocol, content negotiation, read-only, limits, dumps, VoID, pages."""
from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from kg.rdf.build import EDITION
from kg.store.endpoint import EndpointStore
from kg.store.query import list_queries, open_store
from kg.web.protocol import negotiate, query_form, uses_service
from kg.web.serve import DUMP_FORMATS, Settings, _write_dumps, prepare
from kg.web.workers import Job

from .rows import comparable
from .tools import serving

TIMEOUT = 2.0
LETTERS = "SELECT ?l WHERE { ?l a <https://w3id.org/politburo-kg/ontology#Letter> } ORDER BY ?l"
CONSTRUCT = "CONSTRUCT WHERE { ?l a <https://w3id.org/politburo-kg/ontology#Letter> }"
# Billions of rows to count on the seed: far longer than the time limit.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(seed_graph):
    with serving(Settings(seed_graph, port=0, workers=2, timeout=TIMEOUT, max_rows=1000, max_body=20_000)) as srv:
        yield srv


def call(server, path="/sparql", params=None, data=None, headers=None, method=None):
    url = server.url.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read(), e.headers


def raw(server, method="GET", path="/sparql", headers=None, body=None, source="127.0.0.1"):
    """One request as written (no redirect followed), from a chosen loopback address: (status, headers, body)."""
    port = server.site.settings.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def test_select_negotiates_every_result_format(server):
    want = [r[0].value for r in open_store(server.site.settings.graph).query(LETTERS).rows]
    for accept, ctype in (("application/sparql-results+json", "application/sparql-results+json"),
                          ("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/tab-separated-values", "text/tab-separated-values")):
        status, got_type, body, _ = call(server, params={"query": LETTERS}, headers={"Accept": accept})
        assert status == 200 and got_type.startswith(ctype)
        fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}.get(
            ctype.split("+")[-1], ox.QueryResultsFormat.TSV)
        assert [s["l"].value for s in ox.parse_query_results(body, format=fmt)] == want
    status, got_type, body, _ = call(server, params={"query": LETTERS}, headers={"Accept": "text/csv"})
    assert got_type.startswith("text/csv")
    assert [r["l"] for r in csv.DictReader(io.StringIO(body.decode()))] == want


def test_default_and_wildcard_accept_give_json(server):
    for headers in ({}, {"Accept": "*/*"}):
        status, ctype, body, _ = call(server, params={"query": "ASK { ?s ?p ?o }"}, headers=headers)
        assert status == 200 and ctype.startswith("application/sparql-results+json")
        assert json.loads(body) == {"head": {}, "boolean": True}


def test_construct_negotiates_rdf_formats(server):
    n = len(open_store(server.site.settings.graph).query(CONSTRUCT).graph)
    for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                        ("application/ld+json", ox.RdfFormat.JSON_LD)):
        status, ctype, body, _ = call(server, params={"query": CONSTRUCT}, headers={"Accept": accept})
        assert status == 200 and ctype.startswith(accept)
        assert len(list(ox.parse(body, format=fmt))) == n == 21
    _, _, body, _ = call(server, params={"query": CONSTRUCT}, headers={"Accept": "application/ld+json"})
    assert json.loads(body)["@context"]["pbo"] == "https://w3id.org/politburo-kg/ontology#"


def test_unoffered_types_get_406(server):
    status, _, body, _ = call(server, params={"query": LETTERS}, headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, _, _ = call(server, params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert status == 406


def test_format_parameter_for_links(server):
    status, ctype, _, _ = call(server, params={"query": LETTERS, "format": "csv"})
    assert status == 200 and ctype.startswith("text/csv")


def test_post_form_and_query_body(server):
    for data, ctype in ((urllib.parse.urlencode({"query": LETTERS}).encode(), "application/x-www-form-urlencoded"),
                        (LETTERS.encode(), "application/sparql-query")):
        status, _, body, _ = call(server, data=data, headers={"Content-Type": ctype})
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 21


def test_syntax_error_is_400_with_the_parser_message(server):
    status, ctype, body, _ = call(server, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert status == 400 and ctype.startswith("text/plain")
    assert b"SPARQL syntax error" in body and b"1:" in body


def test_no_query_is_400(server):
    assert call(server, data=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert call(server, params={"default-graph-uri": "urn:x"})[0] == 400


def test_update_is_refused(server):
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    assert call(server, data=update.encode(), headers={"Content-Type": "application/sparql-update"})[0] == 403
    form = urllib.parse.urlencode({"update": update}).encode()
    assert call(server, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert call(server, params={"query": update})[0] == 403
    assert call(server, params={"query": "ASK { <http://example.org/a> ?p ?o }"})[2] == \
        b'{"head": {}, "boolean": false}'


def test_graph_store_writes_are_refused(server):
    for method, path in (("PUT", "/data/graph.ttl"), ("POST", "/store?default"), ("DELETE", "/data/graph.ttl")):
        status, _, _, headers = call(server, path, data=b"<a> <b> <c> .", method=method,
                                     headers={"Content-Type": "text/turtle"})
        assert status == 405, (method, path)


def test_service_is_refused(server):
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body, _ = call(server, params={"query": q})
    assert status == 403 and b"--allow-service" in body


def test_body_is_capped(server):
    data = urllib.parse.urlencode({"query": LETTERS + " #" + "x" * 30_000}).encode()
    assert call(server, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 413


def test_rows_are_capped(server):
    status, _, body, headers = call(server, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 1000
    assert headers["X-Result-Truncated"].endswith("first 1000 sent")


def test_slow_query_is_stopped_while_others_are_served(server):
    slow = {}

    def run_slow():
        t = time.monotonic()
        status, headers, body = raw(server, path="/sparql?" + urllib.parse.urlencode({"query": SLOW}),
                                    source="127.0.0.2")
        slow["answer"] = (status, headers.get("Content-Type", ""), body, headers)
        slow["seconds"] = time.monotonic() - t

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    t = time.monotonic()
    status, _, body, _ = call(server, params={"query": LETTERS})
    assert status == 200 and time.monotonic() - t < TIMEOUT and thread.is_alive()
    thread.join(30)
    status, _, body, _ = slow["answer"]
    assert status == 503 and b"time limit" in body
    assert TIMEOUT - 0.5 <= slow["seconds"] < TIMEOUT + 5
    # the stopped worker is replaced and the server goes on
    for _ in range(4):
        assert call(server, params={"query": LETTERS})[0] == 200


@pytest.mark.parametrize("q", [q for q in list_queries()], ids=lambda q: q.name)
def test_every_query_through_http_as_in_process(server, q):
    local = open_store(server.site.settings.graph).query(q.text, q.name)
    remote = EndpointStore(server.url + "sparql").query(q.text, q.name)
    assert comparable(remote, q.text) == comparable(local, q.text)


def test_dumps_and_context(server):
    n = open_store(server.site.settings.graph).triple_count()
    for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.nt", ox.RdfFormat.N_TRIPLES),
                      ("graph.jsonld", ox.RdfFormat.JSON_LD)):
        status, _, body, _ = call(server, "/data/" + name)
        assert status == 200
        assert len({(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}) == n
    status, ctype, body, _ = call(server, "/data/context.jsonld")
    assert status == 200 and ctype.startswith("application/ld+json") and "@context" in json.loads(body)
    status, ctype, body, _ = call(server, "/data/cmif.xml")
    assert status == 200 and b"<correspDesc" in body and server.url.encode() + b"data/cmif.xml" in body
    assert call(server, "/data/secrets.txt")[0] == 404


def test_void_description(server):
    status, ctype, body, _ = call(server, "/.well-known/void")
    assert status == 200 and ctype.startswith("text/turtle")
    g = ox.Store()
    g.load(body, format=ox.RdfFormat.TURTLE)
    prefix = """PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
                PREFIX dcterms: <http://purl.org/dc/terms/> """
    row = list(g.query(prefix + """SELECT ?n ?classes ?endpoint ?licence ?edition ?title WHERE {
        ?d a void:Dataset, dcat:Dataset ; void:triples ?n ; void:classes ?classes ; void:sparqlEndpoint ?endpoint ;
           dcterms:license ?licence ; dcterms:source ?edition . ?edition dcterms:title ?title }"""))[0]
    assert int(row["n"].value) == open_store(server.site.settings.graph).triple_count()
    assert int(row["classes"].value) > 10
    assert row["endpoint"].value == server.url + "sparql"
    assert row["edition"].value == EDITION.value and "Kaganovich" in row["title"].value
    dumps = [s["u"].value for s in g.query(prefix + "SELECT ?u WHERE { ?d void:dataDump ?u }")]
    assert {u.rsplit("/", 1)[-1] for u in dumps} == {"graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld"}
    for url in dumps + [s["u"].value for s in g.query(prefix + "SELECT ?u WHERE { ?x dcat:downloadURL ?u }")]:
        assert urllib.request.urlopen(url, timeout=10).status == 200
    status, ctype, _, _ = call(server, "/.well-known/void", headers={"Accept": "application/ld+json"})
    assert status == 200 and ctype.startswith("application/ld+json")


def test_query_page_is_self_contained(server):
    status, ctype, body, _ = call(server, "/")
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    for q in list_queries():
        assert f'"name": "{q.name}"' in page
    assert "<script src" not in page and "<link" not in page and "cdn" not in page.lower()
    assert "/sparql" in page and "/data/graph.ttl" in page


def test_browser_without_query_goes_to_the_page(server):
    req = urllib.request.Request(server.url + "sparql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.url == server.url and r.status == 200


def test_explorer_page(server):
    status, ctype, body, _ = call(server, "/explore")
    assert ctype.startswith("text/html")
    try:
        import kg.explore.page  # noqa: F401
    except ImportError:
        assert status == 404 and b"explorer is not built" in body
    else:
        assert status == 200


def test_query_form_and_service_detection():
    assert query_form("PREFIX select: <http://x/> # SELECT\nINSERT DATA { <a> <b> 'select' }") == "update"
    assert query_form("BASE <http://x/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == "construct"
    assert query_form('SELECT ?s WHERE { ?s <http://x/delete> "insert" }') == "select"
    assert not uses_service('SELECT * { ?s <http://x/service> "SERVICE" } # SERVICE')
    assert uses_service("select * { service <http://x> { ?s ?p ?o } }")


def test_negotiation_rules():
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    def name(kind, accept, fmt=None):
        chosen = negotiate(kind, accept, fmt)
        return chosen and chosen.name

    assert name("solutions", browser) == "xml"
    assert name("solutions", "text/csv;q=0.5, application/sparql-results+json") == "json"
    assert name("graph", "text/*") == "ttl"
    assert name("graph", "application/sparql-results+json") is None
    assert name("boolean", "text/csv") is None
    assert name("graph", None, "json") == "jsonld"
    # format= is a hint: it decides for a browser following a link (its first choice, HTML, is not offered) ...
    assert name("solutions", browser, "csv") == "csv"
    assert name("solutions", "*/*", "tsv") == "tsv"
    # ... but not against an Accept whose first choice is offered (SPARQLWrapper sends format=xml beside it)
    assert name("graph", "application/rdf+xml", "xml") == "rdfxml"
    assert name("graph", "text/turtle", "xml") == "ttl"
    assert name("solutions", "application/sparql-results+json", "xml") == "json"
    # nothing acceptable in Accept: the hint, else nothing
    assert name("graph", "image/png", "nt") == "nt"
    assert name("graph", "image/png") is None
    assert name("boolean", None, "csv") is None
    # the endpoint URL without a query: HTML only for a client that asks for it first
    assert name("description", browser) == "html"
    assert name("description", "application/n-quads, text/html;q=0.5") == "nt"
    assert name("description", None) == "ttl"


def test_csv_of_the_endpoint_and_of_kg_query():
    """One CSV writer, two uses: the endpoint writes SPARQL 1.1 CSV (CRLF, blank nodes as _:label), kg query a
    table of values (line feeds, a blank node's label alone); both quote as RFC 4180 does."""
    from kg.store.base import Result
    from kg.store.query import render
    from kg.web.protocol import write_solutions

    rows = [[ox.NamedNode("http://x/a"), ox.Literal('say "hi", then\nleave')], [ox.BlankNode("b0"), None]]
    assert "".join(write_solutions(["s", "o"], iter(rows), "csv")) == \
        's,o\r\nhttp://x/a,"say ""hi"", then\nleave"\r\n_:b0,\r\n'
    assert render(Result(["s", "o"], rows), "csv") == 's,o\nhttp://x/a,"say ""hi"", then\nleave"\nb0,\n'


def test_serve_from_an_on_disk_store(seed_graph, tmp_path):
    with serving(Settings(seed_graph, port=0, workers=2, timeout=TIMEOUT, store_path=tmp_path / "store")) as srv:
        q = next(q for q in list_queries() if q.name == "decisions")
        remote = EndpointStore(srv.url + "sparql").query(q.text)
        assert comparable(remote, q.text) == comparable(open_store(seed_graph).query(q.text), q.text)
        assert (tmp_path / "store" / "kg-store.json").is_file()
        assert {g for g, _ in srv.site.graphs} >= {"https://w3id.org/politburo-kg/id/graph/authority"}


def test_dumps_are_written_unless_the_build_left_them_beside_the_graph(seed_build, tmp_path):
    from kg.graphfile import read_quads, serialize

    built = seed_build[1]
    reused = _write_dumps(built / "graph.ttl", tmp_path, "http://example.org")
    assert {name: path for name, path in reused.items() if name != "cmif.xml"} == \
        {f"graph.{fmt}": built / f"graph.{fmt}" for fmt in DUMP_FORMATS}
    graph = tmp_path / "mine.ttl"
    graph.write_bytes((built / "graph.ttl").read_bytes())
    (tmp_path / "mine.nt").write_text("not a dump")
    workdir = tmp_path / "work"
    workdir.mkdir()
    written = _write_dumps(graph, workdir, "http://example.org")
    assert sorted(written) == sorted([f"graph.{fmt}" for fmt in DUMP_FORMATS] + ["cmif.xml"])
    quads = read_quads(graph)
    for fmt in DUMP_FORMATS:
        assert written[f"graph.{fmt}"] == workdir / f"graph.{fmt}"
        assert written[f"graph.{fmt}"].read_bytes() == serialize(quads, fmt)
    assert b"<correspDesc" in written["cmif.xml"].read_bytes()


def test_page_and_description_are_prepared_once(server, monkeypatch):
    import kg.store.query
    import kg.web.serve

    page = call(server, "/")[2]
    void = {fmt: call(server, "/.well-known/void", params={"format": fmt})[2] for fmt in ("ttl", "nt", "jsonld")}

    def gone(*a, **k):
        raise AssertionError("prepared again")

    monkeypatch.setattr(kg.web.serve, "TEMPLATES", server.site.workdir / "no-templates")
    monkeypatch.setattr(kg.store.query, "list_queries", gone)
    monkeypatch.setattr(ox, "serialize", gone)
    status, _, body, _ = call(server, "/")
    assert status == 200 and body == page
    for fmt, body in void.items():
        status, _, got, _ = call(server, "/.well-known/void", params={"format": fmt})
        assert status == 200 and got == body


def test_workers_get_the_graph_checksum_from_the_server(seed_graph, tmp_path, monkeypatch):
    import kg.store.oxigraph

    hashed = []
    real = kg.store.oxigraph._sha256
    monkeypatch.setattr(kg.store.oxigraph, "_sha256", lambda path: hashed.append(path) or real(path))
    site = prepare(Settings(seed_graph, workers=1, timeout=TIMEOUT, store_path=tmp_path / "store"))
    quads = seed_graph.with_suffix(".nq")
    try:
        # the graph and the build's quads file beside it, each hashed once, by the server alone
        assert sorted(hashed) == sorted([seed_graph, quads])
        assert site.pool.spec.sha256 == hashlib.sha256(seed_graph.read_bytes()).hexdigest()
        assert site.pool.spec.companion_sha256 == hashlib.sha256(quads.read_bytes()).hexdigest()
        assert site.pool.execute(Job("ASK { ?s ?p ?o }")).status == 200
    finally:
        site.close()
