"""Third-party SPARQL clients against `kg serve`, each as its users call it: SPARQLWrapper, rdflib's SPARQLStore and
Comunica get the graph's own answers (the ones `kg query` gives on the same graph)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores import sparqlconnector
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.namespace import ID
from kg.store.base import Result
from kg.store.oxigraph import OxigraphStore, load_memory
from kg.store.query import list_queries, open_store, resolve_query
from kg.web.serve import Server, Settings

from .rows import comparable, concat_columns
from .tools import require, serving

CLIENTS = Path(__file__).resolve().parent / "clients"
# Comunica answers a named query in a second or two; one that reads the endpoint as something else may run on for
# ever (it evaluates the query itself over what it read).
COMUNICA_TIMEOUT = 30
PREFIXES = """PREFIX pbo: <https://w3id.org/politburo-kg/ontology#>
PREFIX schema: <https://schema.org/>
"""
# One query of each form, on the served graph; a false ASK too, so that "true" alone is no answer.
FORMS = {
    "select": resolve_query("letters").text,
    "ask": PREFIXES + "ASK { ?l a pbo:Letter ; schema:dateSent ?d ; pbo:sourceLine ?n }",
    "ask-false": PREFIXES + "ASK { ?l a pbo:Letter ; pbo:sourceLine -1 }",
    "construct": PREFIXES + """CONSTRUCT { ?l a pbo:Letter ; schema:dateSent ?d ; pbo:sourceLine ?n ; schema:sender ?a }
WHERE { ?l a pbo:Letter ; pbo:sourceLine ?n . OPTIONAL { ?l schema:dateSent ?d } OPTIONAL { ?l schema:sender ?a } }""",
    "describe": PREFIXES + "DESCRIBE ?l WHERE { ?l a pbo:Letter ; pbo:sourceLine ?n } ORDER BY ?n LIMIT 1",
}
# SPARQLWrapper's return formats, for the forms each makes sense for (CSV and TSV are defined for SELECT only).
RETURN_FORMATS = {
    "select": (JSON, XML, CSV, TSV),
    "ask": (JSON, XML),
    "ask-false": (JSON, XML),
    "construct": (XML, RDFXML, N3, TURTLE, JSONLD),
    "describe": (XML, RDFXML, N3, TURTLE, JSONLD),
}
# How SPARQLWrapper sends the query: GET (its default), POST form-encoded (its POST default) or POST as the body.
METHODS = ("GET", "POST", "POST-directly")
COUNT_LETTERS = PREFIXES + "SELECT (COUNT(?l) AS ?n) WHERE { ?l a pbo:Letter }"
NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


# ------------------------------------------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def served(seed_build) -> Path:
    """The seed's TriG: its named graphs (a source page, the authority file, the vocabulary) and their union."""
    return seed_build[1] / "graph.trig"


@pytest.fixture(scope="module")
def server(served: Path) -> Iterator[Server]:
    """`kg serve` on the seed's TriG, on a free loopback port, in a thread."""
    with serving(Settings(served, port=0, workers=2, timeout=30)) as srv:
        yield srv


@pytest.fixture(scope="module")
def endpoint(server: Server) -> str:
    return server.url + "sparql"


@pytest.fixture(scope="module")
def local(served: Path) -> Iterator[OxigraphStore]:
    """The served graph opened as `kg query` opens it."""
    with open_store(served) as store:
        yield store


def expected(local: OxigraphStore, sparql: str) -> Result:
    """The graph's own answer, which must not be empty (else a client that gets nothing would pass)."""
    result = local.query(sparql)
    assert result.boolean is not None or result.rows or result.graph, "the query has no answer on the seed"
    return result


# ------------------------------------------------------------------------------------- answers in one shape


def _solutions(data: bytes, fmt: ox.QueryResultsFormat) -> Result:
    res = ox.parse_query_results(data, format=fmt)
    if isinstance(res, ox.QueryBoolean):
        return Result([], [], boolean=bool(res))
    cols = [v.value for v in res.variables]
    return Result(cols, [[sol[c] for c in cols] for sol in res])


def _triples(data: bytes, fmt: ox.RdfFormat) -> Result:
    return Result(["subject", "predicate", "object"], [],
                  graph=[ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)])


def _to_ox(term: rdflib.term.Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def _to_rdflib(term) -> rdflib.term.Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _from_rdflib_graph(graph: rdflib.Graph) -> Result:
    return Result(["subject", "predicate", "object"], [],
                  graph=[ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in graph])


def through_rdflib(result: Result) -> Result:
    """The answer as rdflib holds it once parsed (rdflib writes some literals in their canonical form)."""
    def again(term):
        return _to_ox(_to_rdflib(term))

    if result.graph is not None:
        return Result(result.columns, [],
                      graph=[ox.Triple(again(t.subject), again(t.predicate), again(t.object)) for t in result.graph])
    return Result(result.columns, [[again(t) for t in row] for row in result.rows], result.boolean)


def from_rdflib_result(res: rdflib.query.Result) -> Result:
    """An rdflib query result (from SPARQLStore) as the Result `kg query` gives."""
    if res.type == "ASK":
        return Result([], [], boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        return _from_rdflib_graph(res.graph)
    cols = [str(v) for v in res.vars]
    return Result(cols, [[_to_ox(row[c]) for c in cols] for row in res])


def csv_comparable(header: list[str], rows: list[list[str]], sparql: str):
    """CSV cells as text (the format keeps no term types), GROUP_CONCAT lists as sets."""
    seps = concat_columns(sparql)

    def cell(text: str, column: str):
        sep = seps.get(column)
        if sep is not None:
            return frozenset(x.strip() for x in text.split(sep.strip()) if x.strip())
        return text

    return tuple(header), Counter(tuple(cell(t, c) for c, t in zip(header, row)) for row in rows)


def csv_of(result: Result) -> tuple[list[str], list[list[str]]]:
    """The CSV cells of an answer: the value of each term, empty when unbound."""
    return result.columns, [["" if t is None else t.value for t in row] for row in result.rows]


# -------------------------------------------------------------------------------------------- SPARQLWrapper


def run_wrapper(client: SPARQLWrapper) -> tuple[object, str]:
    """query().convert() with SPARQLWrapper's warning about an answer in another format than asked made an error;
    an HTTP error fails with the request and the answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            res = client.query()
        except urllib.error.HTTPError as e:
            body = e.read()[:400].decode("utf-8", "replace")
            pytest.fail(f"{client.method} {e.url} (Accept: {client._getAcceptHeader()}): HTTP {e.code} "
                        f"{e.headers.get('Content-Type')}: {body}")
        except SPARQLWrapperException as e:  # QueryBadFormed, EndPointInternalError, …
            pytest.fail(f"{client.method} {client.endpoint} (Accept: {client._getAcceptHeader()}, "
                        f"format={client.returnFormat}): {type(e).__name__}: {e}")
        ctype = res.info().get("content-type", "")
        return res.convert(), ctype


def wrapper_comparable(out: object, ctype: str, sparql: str, local: OxigraphStore):
    """The converted answer and the graph's own answer, each made comparable."""
    want = expected(local, sparql)
    if isinstance(out, dict):  # JSON
        return comparable(_solutions(json.dumps(out).encode(), ox.QueryResultsFormat.JSON), sparql), \
            comparable(want, sparql)
    if isinstance(out, Document):  # SPARQL XML results
        return comparable(_solutions(out.toxml("utf-8"), ox.QueryResultsFormat.XML), sparql), comparable(want, sparql)
    if isinstance(out, rdflib.Graph):  # RDF/XML or JSON-LD, parsed by rdflib
        return comparable(_from_rdflib_graph(out), sparql), comparable(through_rdflib(want), sparql)
    assert isinstance(out, bytes), type(out)
    media = ctype.split(";")[0].strip().lower()
    if media == "text/csv":
        table = list(csv.reader(io.StringIO(out.decode("utf-8"))))
        return csv_comparable(table[0], table[1:], sparql), csv_comparable(*csv_of(want), sparql)
    if media == "text/tab-separated-values":
        return comparable(_solutions(out, ox.QueryResultsFormat.TSV), sparql), comparable(want, sparql)
    # Turtle or N-Triples (which Turtle includes), handed over as text
    return comparable(_triples(out, ox.RdfFormat.TURTLE), sparql), comparable(want, sparql)


def wrapper(endpoint: str, sparql: str, method: str = "GET", fmt: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(sparql)
    if method != "GET":
        client.setMethod(POST)
        if method == "POST-directly":
            client.setRequestMethod(POSTDIRECTLY)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client


@pytest.mark.parametrize("form", FORMS)
def test_sparqlwrapper_defaults(endpoint, local, form):
    """SPARQLWrapper(endpoint) with nothing set (GET, Accept of SPARQL XML results or RDF/XML, format=xml) gets the
    graph's answer for each query form."""
    sparql = FORMS[form]
    out, ctype = run_wrapper(wrapper(endpoint, sparql))
    got, want = wrapper_comparable(out, ctype, sparql, local)
    assert got == want


@pytest.mark.parametrize("method", METHODS[1:])
@pytest.mark.parametrize("form", FORMS)
def test_sparqlwrapper_post_defaults(endpoint, local, form, method):
    """SPARQLWrapper with setMethod(POST) (form-encoded, or the query as the body with POSTDIRECTLY) and no return
    format gets the graph's answer for each query form."""
    sparql = FORMS[form]
    out, ctype = run_wrapper(wrapper(endpoint, sparql, method))
    got, want = wrapper_comparable(out, ctype, sparql, local)
    assert got == want


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("form,fmt", [(form, fmt) for form, fmts in RETURN_FORMATS.items() for fmt in fmts])
def test_sparqlwrapper_return_formats(endpoint, local, form, fmt, method):
    """SPARQLWrapper with setReturnFormat (its Accept header and its format=/output=/results= parameters together)
    gets the answer in the format asked, holding the graph's answer."""
    sparql = FORMS[form]
    out, ctype = run_wrapper(wrapper(endpoint, sparql, method, fmt))
    got, want = wrapper_comparable(out, ctype, sparql, local)
    assert got == want


# ----------------------------------------------------------------------------------------- rdflib SPARQLStore


def record_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs SPARQLStore requests from now on (its query string holds default-graph-uri)."""
    sent: list[str] = []

    def urlopen(request: urllib.request.Request, *args, **kwargs):
        sent.append(request.full_url)
        return urllib.request.urlopen(request, *args, **kwargs)

    monkeypatch.setattr(sparqlconnector, "urlopen", urlopen)
    return sent


@pytest.mark.parametrize("form", ["select", "ask", "ask-false", "construct"])
def test_rdflib_sparqlstore_graph(endpoint, local, form):
    """rdflib's Graph(store=SPARQLStore(endpoint)).query (GET, Accept of RDF/XML and SPARQL XML results, no
    default-graph-uri) gets the graph's answer."""
    sparql = FORMS[form]
    got = from_rdflib_result(rdflib.Graph(store=SPARQLStore(endpoint)).query(sparql))
    assert comparable(got, sparql) == comparable(through_rdflib(expected(local, sparql)), sparql)


def test_rdflib_dataset_asks_the_endpoints_default_dataset(endpoint, local, monkeypatch):
    """rdflib's Dataset(store=SPARQLStore(endpoint)).query sends default-graph-uri=urn:x-rdflib:default, rdflib's
    name for the default graph: it is answered over the endpoint's default dataset (the union of every graph)."""
    sent = record_requests(monkeypatch)
    dataset = rdflib.Dataset(store=SPARQLStore(endpoint))
    for sparql in (FORMS["select"], COUNT_LETTERS):
        got = from_rdflib_result(dataset.query(sparql))
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(sent[-1]).query)["default-graph-uri"] == \
            [str(DATASET_DEFAULT_GRAPH_ID)]
        assert comparable(got, sparql) == comparable(through_rdflib(expected(local, sparql)), sparql)


def test_rdflib_dataset_lists_the_named_graphs(endpoint, local):
    """GRAPH ?g through rdflib's Dataset(store=SPARQLStore(endpoint)) lists the served named graphs: one per source
    page, the authority file's and the vocabulary's."""
    got = from_rdflib_result(rdflib.Dataset(store=SPARQLStore(endpoint)).query(NAMED_GRAPHS))
    want = expected(local, NAMED_GRAPHS)
    graphs = {row[0].value for row in want.rows}
    assert {str(ID["graph/authority"]), str(ID["graph/vocabulary"])} < graphs
    assert any(g.startswith(str(ID["source/"])) for g in graphs)
    assert comparable(got, NAMED_GRAPHS) == comparable(want, NAMED_GRAPHS)


def test_rdflib_graph_bound_to_a_named_graph(endpoint, served):
    """rdflib's Graph(store=SPARQLStore(endpoint), identifier=<named graph>).query sends that graph as
    default-graph-uri and sees that graph alone."""
    store = load_memory(served)
    for name in (ID["graph/authority"], ID["graph/vocabulary"]):
        sparql = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
        res = store.query(sparql, default_graph=ox.NamedNode(str(name)))
        cols = [v.value for v in res.variables]
        want = Result(cols, [[sol[c] for c in cols] for sol in res])
        assert want.rows
        got = from_rdflib_result(rdflib.Graph(store=SPARQLStore(endpoint), identifier=rdflib.URIRef(name))
                                 .query(sparql))
        assert comparable(got, sparql) == comparable(through_rdflib(want), sparql)


# ------------------------------------------------------------------------------------------------- Comunica


@pytest.fixture(scope="module")
def comunica() -> list[str]:
    """The command that runs Comunica (tests/clients/query.js) on Node, installed by `npm ci` in tests/clients."""
    node = require("node", "Node.js 20 or newer (Debian package nodejs)")
    if not (CLIENTS / "node_modules" / "@comunica" / "query-sparql" / "package.json").is_file():
        message = f"Comunica is not installed: run `npm ci` in {CLIENTS} (as .ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return [node, str(CLIENTS / "query.js")]


def run_comunica(command: list[str], endpoint: str, sparql: str, source_type: str | None = None) -> tuple[Result, str]:
    """Comunica's answer, the source given as the bare endpoint URL (no `sparql@` hint unless a type is given), and
    what it took the URL for; a failure or no answer within COMUNICA_TIMEOUT seconds fails with what Comunica made of
    the URL and requested."""
    env = {**os.environ, "COMUNICA_LOG": "info"}
    try:
        r = subprocess.run(command + [endpoint, sparql] + ([source_type] if source_type else []), check=False, capture_output=True, text=True, env=env,
                           timeout=COMUNICA_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        log = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else e.stderr or ""
        pytest.fail(f"Comunica gave no answer in {COMUNICA_TIMEOUT} s:\n{_comunica_log(log)}")
    if r.returncode != 0:
        pytest.fail(f"Comunica failed (exit {r.returncode}):\n{_comunica_log(r.stderr)}")
    doc = json.loads(r.stdout)
    doc.pop("metadata", None)  # Comunica's request count, after the results
    identified = "\n".join(line for line in _comunica_log(r.stderr).splitlines() if "Identified" in line)
    return _solutions(json.dumps(doc).encode(), ox.QueryResultsFormat.JSON), identified


def _comunica_log(log: str) -> str:
    """Comunica's log without colours, long lines cut."""
    lines = [line.replace("\x1b[0m", "").replace("\x1b[32m", "").replace("\x1b[33m", "").replace("\x1b[31m", "")
             for line in log.splitlines() if line.strip()]
    return "\n".join(line[:400] for line in lines[-40:])


def test_comunica_reads_a_service_description_at_the_endpoint_url(comunica, endpoint):
    """The document Comunica reads at the plain endpoint URL (its own Accept, read as one RDF file) is a SPARQL 1.1
    service description naming that URL as the endpoint: what Comunica takes it for a SPARQL endpoint by."""
    sparql = """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
SELECT ?endpoint ?language WHERE { ?service a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage ?language }"""
    got, _ = run_comunica(comunica, endpoint, sparql, "file")
    assert [(row[0].value, row[1].value) for row in got.rows] == \
        [(endpoint, "http://www.w3.org/ns/sparql-service-description#SPARQL11Query")]


def test_comunica_counts_the_letters(comunica, endpoint, local, seed_build):
    """Comunica pointed at the plain endpoint URL finds the endpoint from its service description and counts every
    letter of the seed."""
    got, identified = run_comunica(comunica, endpoint, COUNT_LETTERS)
    letters = sum(len(page.letters) for page in seed_build[0].pages)
    assert int(got.rows[0][0].value) == int(expected(local, COUNT_LETTERS).rows[0][0].value) == letters, identified


@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_comunica_answers_every_query_as_kg_query(comunica, endpoint, local, q):
    """Comunica pointed at the plain endpoint URL gives the same rows as `kg query` for every named query."""
    got, identified = run_comunica(comunica, endpoint, q.text)
    assert comparable(got, q.text) == comparable(expected(local, q.text), q.text), identified
