"""The W3C SPARQL 1.1 Protocol tests (vendor/w3c-sparql-protocol/manifest.ttl) run against `kg serve`.

Every entry of the manifest's `mf:entries` is one test, with the entry's name as its id. How the manifest maps:

- `ut:graphData [ ut:graph <file> ; rdfs:label "iri" ]`: the file is loaded as the named graph `iri`
  (`ut:data`, if any, goes into the default graph); the graphs are written as one N-Quads file and served by
  one `kg serve` per distinct set of graphs, started the first time a test needs it.
- `ht:requests`: sent in order, each on its own connection with `http.client`, exactly as written: method,
  `ht:absolutePath` with its `/sparql` prefix replaced by the endpoint's path (the rest, `/` included, kept),
  every `ht:headers` header in order, the `ht:body` text encoded in its `cnt:characterEncoding`, plus the
  headers HTTP/1.1 needs (`Host`: the server's authority, as `ht:connectionAuthority` is replaced by it;
  `Content-Length` when there is a body or the method is POST or PUT).
- `ht:resp`: its status class (`mf:expectedStatus`, `ht:statusCodeValue`), `mf:expectedBoolean` (the body
  parsed by its Content-Type as a SPARQL results document), `mf:expectedFormat` (the Content-Type is one of
  that kind's media types and the body parses as it), `ht:headers` (a Content-Type, or an Accept listing the
  acceptable ones, is matched on the response's media type; any other header by value) and `ht:body`
  (decoded in its encoding; a boolean is compared with the results' boolean, text with the body). When a 3XX
  the manifest allows comes back, the checks on the content are made on the response it redirects to.

The service is read-only. A request carrying an update (an `application/sparql-update` body or an `update`
parameter) must get a 4XX instead of the 2XX the manifest expects of a service that writes, and a later
query that would see the write must answer as it did before the update. No test may change the dataset:
its contents are read before and after each test. `update_base_uri` is an update test like the others;
`query_base_uri` reads data that its update writes first, so it is reported as not applicable (relative IRIs
in queries are tested in tests/test_serve_protocol.py).
"""
from __future__ import annotations

import csv
import functools
import hashlib
import http.client
import io
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kg.web.serve import Server, Settings, start

SUITE = Path(__file__).resolve().parent.parent / "vendor" / "w3c-sparql-protocol"
MANIFEST = SUITE / "manifest.ttl"
ENDPOINT = "/sparql"  # the path `kg serve` answers the protocol on
PREFIX = "/sparql"  # what every ht:absolutePath starts with
TIMEOUT = 30.0

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")

NOT_APPLICABLE = {
    "query_base_uri": "not applicable: needs SPARQL Update (the graph its query reads is written by an "
                      "INSERT DATA, which this read-only service refuses)",
}
# Media types of each mf:expectedFormat, and the syntax their body is parsed with.
BOOLEAN_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML}
TABULAR_TYPES = {**BOOLEAN_TYPES, "text/tab-separated-values": ox.QueryResultsFormat.TSV,
                 "text/csv": ox.QueryResultsFormat.CSV}
RDF_TYPES = {f.media_type: f for f in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML,
                                       ox.RdfFormat.JSON_LD, ox.RdfFormat.N3, ox.RdfFormat.N_QUADS,
                                       ox.RdfFormat.TRIG)}
# Everything in the dataset, to see that no test changed it.
CONTENTS = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


# ----------------------------------------------------------------------------------------- reading the manifest


@dataclass(frozen=True)
class Header:
    """One header of a request or of an expected response."""

    name: str
    value: str
    elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expected:
    """What the manifest says of a response."""

    statuses: frozenset[int]  # status classes: 2 for 2XX, ...
    boolean: bool | None = None
    format: str | None = None
    headers: tuple[Header, ...] = ()
    body: Literal | None = None
    body_encoding: str | None = None


@dataclass(frozen=True)
class Request:
    """One ht:Request and the response expected of it."""

    method: str
    path: str
    headers: tuple[Header, ...]
    body: bytes | None
    version: str
    expected: Expected


@dataclass(frozen=True)
class Dataset:
    """The graphs a test loads: named graphs (name, file) and default-graph files."""

    named: tuple[tuple[str, Path], ...] = ()
    default: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ProtocolTest:
    """One manifest entry."""

    name: str
    title: str
    dataset: Dataset
    requests: tuple[Request, ...] = field(default_factory=tuple)


def _path(term: URIRef) -> Path:
    """The local file a file: IRI names."""
    return Path(urllib.parse.unquote(urllib.parse.urlparse(str(term)).path))


def _items(g: Graph, node) -> list:
    """The members of an RDF list (none if the node is absent)."""
    return [] if node is None else list(Collection(g, node))


def _headers(g: Graph, node) -> tuple[Header, ...]:
    """The headers of an ht:headers list, in order."""
    out = []
    for h in _items(g, node):
        elements = tuple(str(g.value(e, HT.elementName)) for e in _items(g, g.value(h, HT.headerElements)))
        out.append(Header(str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue)), elements))
    return tuple(out)


def _status_class(term) -> int:
    """2 for ht:StatusCode2xx or "2XX", and so on."""
    text = str(term).rsplit("#", 1)[-1].upper()
    digits = text.removeprefix("STATUSCODE").removesuffix("XX")
    if len(digits) != 1 or not digits.isdigit():
        raise ValueError(f"unknown status expectation {term}")
    return int(digits)


def _expected(g: Graph, resp) -> Expected:
    """The expectations an ht:Response states."""
    statuses = {_status_class(t) for t in g.objects(resp, MF.expectedStatus)}
    statuses |= {_status_class(t) for t in g.objects(resp, HT.statusCodeValue)}
    boolean = g.value(resp, MF.expectedBoolean)
    fmt = g.value(resp, MF.expectedFormat)
    body = g.value(resp, HT.body)
    unknown = set(g.predicates(resp)) - {RDF.type, MF.expectedStatus, HT.statusCodeValue, MF.expectedBoolean,
                                         MF.expectedFormat, HT.headers, HT.body}
    if unknown or g.value(resp, MF.expectation) is not None:
        raise ValueError(f"expectations the runner cannot check: {sorted(map(str, unknown))}")
    return Expected(frozenset(statuses),
                    None if boolean is None else bool(boolean.toPython()),
                    None if fmt is None else str(fmt),
                    _headers(g, g.value(resp, HT.headers)),
                    None if body is None else g.value(body, CNT.chars),
                    None if body is None else str(g.value(body, CNT.characterEncoding) or "UTF-8"))


def _request(g: Graph, req) -> Request:
    """An ht:Request: its body encoded in the encoding it declares."""
    body = g.value(req, HT.body)
    data = None
    if body is not None:
        data = str(g.value(body, CNT.chars)).encode(str(g.value(body, CNT.characterEncoding) or "UTF-8"))
    return Request(str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)),
                   _headers(g, g.value(req, HT.headers)), data, str(g.value(req, HT.httpVersion) or "1.1"),
                   _expected(g, g.value(req, HT.resp)))


def read_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """Every entry of the manifest, in its order."""
    g = Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in _items(g, g.value(manifest, MF.entries)):
        named = tuple(sorted((str(g.value(d, RDFS.label)), _path(g.value(d, UT.graph)))
                             for d in g.objects(entry, UT.graphData)))
        default = tuple(sorted(_path(f) for f in g.objects(entry, UT.data)))
        action = g.value(entry, MF.action)
        requests = tuple(_request(g, r) for r in _items(g, g.value(action, HT.requests)))
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[-1], str(g.value(entry, MF.name)),
                                  Dataset(named, default), requests))
    return tests


TESTS = read_manifest()


# ------------------------------------------------------------------------------------------------- the servers


def dataset_file(dataset: Dataset, folder: Path) -> Path:
    """The test's graphs as one N-Quads file: each ut:graphData file in the graph its label names."""
    quads = []
    for path in dataset.default:
        quads += ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    for name, path in dataset.named:
        quads += [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(name))
                  for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)]
    digest = hashlib.sha256(repr(dataset).encode()).hexdigest()[:12]
    out = folder / f"dataset-{digest}.nq"
    out.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return out


@dataclass
class Endpoint:
    """A running `kg serve` over one dataset."""

    server: Server
    thread: threading.Thread

    @property
    def authority(self) -> str:
        """host:port of the server."""
        return urllib.parse.urlsplit(self.server.url).netloc


class Endpoints:
    """One server per distinct set of graphs, started when first needed and stopped at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[Dataset, Endpoint] = {}

    def get(self, dataset: Dataset) -> Endpoint:
        """The server over this dataset, started if it is not yet."""
        if dataset not in self.running:
            graph = dataset_file(dataset, self.folder)
            server = start(Settings(graph, port=0, workers=2, timeout=10.0))
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            endpoint = Endpoint(server, thread)
            self.running[dataset] = endpoint
            deadline = time.monotonic() + 60
            while True:
                try:
                    if fetch(endpoint, "GET", "/").status == 200:
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                time.sleep(0.05)
        return self.running[dataset]

    def close(self) -> None:
        """Stop every server started."""
        for endpoint in self.running.values():
            endpoint.server.stop()
        for endpoint in self.running.values():
            endpoint.thread.join(15)


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory):
    pool = Endpoints(tmp_path_factory.mktemp("w3c-protocol"))
    yield pool
    pool.close()


# ------------------------------------------------------------------------------------------ sending the requests


@dataclass
class Reply:
    """A response as received."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def media_type(self) -> str:
        """The Content-Type's media type, without parameters, in lower case."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def describe(self) -> str:
        """Status, Content-Type and the start of the body, for a failure message."""
        return (f"got {self.status}, Content-Type {self.headers.get('Content-Type')!r}, "
                f"body {self.body[:200]!r}")


def endpoint_path(absolute_path: str) -> str:
    """The manifest's ht:absolutePath with its /sparql prefix replaced by the endpoint's path."""
    if not absolute_path.startswith(PREFIX):
        raise ValueError(f"ht:absolutePath {absolute_path!r} does not start with {PREFIX}")
    return ENDPOINT + absolute_path[len(PREFIX):]


def fetch(endpoint: Endpoint, method: str, path: str, headers: tuple[Header, ...] = (),
          body: bytes | None = None) -> Reply:
    """Send one request on a new connection: Host, the given headers in order, Content-Length, the body."""
    conn = http.client.HTTPConnection(endpoint.authority, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", endpoint.authority)
        for h in headers:
            conn.putheader(h.name, h.value)
        if body is not None or method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read(), f"http://{endpoint.authority}{path}")
    finally:
        conn.close()


def send(endpoint: Endpoint, request: Request) -> Reply:
    """Send a manifest request exactly as written, with its path on the endpoint."""
    if request.version != "1.1":
        raise ValueError(f"HTTP/{request.version} requested; the runner speaks HTTP/1.1")
    return fetch(endpoint, request.method, endpoint_path(request.path), request.headers, request.body)


def follow(endpoint: Endpoint, request: Request, reply: Reply, hops: int = 5) -> Reply:
    """The response a 3XX leads to on the same server (307/308 repeat the request, others become a GET)."""
    while 300 <= reply.status < 400 and hops > 0:
        location = reply.headers.get("Location")
        if not location:
            return reply
        target = urllib.parse.urlsplit(urllib.parse.urljoin(reply.url, location))
        if target.netloc != endpoint.authority:
            raise AssertionError(f"redirected off the server, to {location}")
        path = target.path + (f"?{target.query}" if target.query else "")
        if reply.status in (307, 308):
            reply = fetch(endpoint, request.method, path, request.headers, request.body)
        else:
            reply = fetch(endpoint, "GET", path, tuple(h for h in request.headers
                                                       if h.name.lower() != "content-type"))
        hops -= 1
    return reply


def is_update(request: Request) -> bool:
    """Whether a request carries a SPARQL update: an application/sparql-update body or an update parameter."""
    types = [h.value.split(";")[0].strip().lower() for h in request.headers if h.name.lower() == "content-type"]
    fields = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
    if "application/x-www-form-urlencoded" in types and request.body:
        fields.update(urllib.parse.parse_qs(request.body.decode("utf-8", "replace")))
    return "application/sparql-update" in types or "update" in fields


def contents(endpoint: Endpoint) -> set[tuple[str, ...]]:
    """Every quad the endpoint's dataset answers with, as text."""
    path = ENDPOINT + "?" + urllib.parse.urlencode({"query": CONTENTS})
    reply = fetch(endpoint, "GET", path, (Header("Accept", "application/sparql-results+json"),))
    assert reply.status == 200, f"the dataset's contents could not be read: {reply.describe()}"
    rows = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)
    return {tuple(str(row[v]) if row[v] is not None else "" for v in ("g", "s", "p", "o")) for row in rows}


# -------------------------------------------------------------------------------------- checking the responses


def _results(reply: Reply, types: dict[str, ox.QueryResultsFormat]):
    """The body parsed as a SPARQL results document of its Content-Type, which must be one of `types`."""
    fmt = types.get(reply.media_type)
    if fmt is None:
        raise AssertionError(f"Content-Type {reply.media_type!r} is not one of {', '.join(types)}")
    if fmt == ox.QueryResultsFormat.CSV:  # pyoxigraph reads no CSV results (the syntax is lossy)
        rows = list(csv.reader(io.StringIO(reply.body.decode("utf-8"), newline="")))
        if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
            raise AssertionError("the body is not a CSV results table")
        return rows
    try:
        parsed = ox.parse_query_results(reply.body, format=fmt)
        return parsed if isinstance(parsed, ox.QueryBoolean) else list(parsed)
    except (SyntaxError, ValueError, OSError) as e:
        raise AssertionError(f"the body is not a valid {fmt.name} results document: {e}") from None


def _boolean(results) -> bool | None:
    """The answer of boolean results; None for a table."""
    return bool(results) if isinstance(results, ox.QueryBoolean) else None


def check_format(kind: str, reply: Reply) -> None:
    """mf:expectedFormat: a media type of that kind whose body parses as it."""
    if kind == "boolean":
        if _boolean(_results(reply, BOOLEAN_TYPES)) is None:
            raise AssertionError("the results are not a boolean")
    elif kind == "tabular":
        if _boolean(_results(reply, TABULAR_TYPES)) is not None:
            raise AssertionError("the results are a boolean, not a table")
    elif kind == "RDF":
        fmt = RDF_TYPES.get(reply.media_type)
        if fmt is None:
            raise AssertionError(f"Content-Type {reply.media_type!r} is not one of {', '.join(RDF_TYPES)}")
        try:
            list(ox.parse(reply.body, format=fmt, base_iri=reply.url))
        except (SyntaxError, ValueError, OSError) as e:
            raise AssertionError(f"the body is not valid {fmt.name}: {e}") from None
    else:
        raise ValueError(f"unknown mf:expectedFormat {kind!r}")


def check_boolean(expected: bool, reply: Reply) -> None:
    """mf:expectedBoolean: the results document of the body's Content-Type answers it."""
    value = _boolean(_results(reply, BOOLEAN_TYPES))
    if value is None:
        raise AssertionError("the results are not a boolean")
    if value is not expected:
        raise AssertionError(f"boolean {value}, expected {expected}")


def check_header(header: Header, reply: Reply) -> None:
    """A response header: Content-Type (or an Accept listing acceptable types) by media type, others by value."""
    name = header.name.lower()
    if name in ("content-type", "accept"):
        allowed = header.elements or tuple(v.strip() for v in header.value.split(","))
        if reply.media_type not in {a.split(";")[0].strip().lower() for a in allowed}:
            raise AssertionError(f"Content-Type {reply.media_type!r}, expected one of {', '.join(allowed)}")
    elif reply.headers.get(header.name) != header.value:
        raise AssertionError(f"{header.name}: {reply.headers.get(header.name)!r}, expected {header.value!r}")


def check_body(expected: Expected, reply: Reply) -> None:
    """ht:body: the body in its encoding; a boolean is the results' boolean, text is the body itself."""
    try:
        text = reply.body.decode(expected.body_encoding or "UTF-8")
    except UnicodeDecodeError as e:
        raise AssertionError(f"the body is not {expected.body_encoding}: {e}") from None
    value = expected.body.toPython() if expected.body is not None else None
    if isinstance(value, bool):
        check_boolean(value, reply)
    elif text != str(expected.body):
        raise AssertionError(f"body {text[:200]!r}, expected {str(expected.body)[:200]!r}")


def check(expected: Expected, endpoint: Endpoint, request: Request, reply: Reply) -> list[str]:
    """Every expectation on one response; what failed, as messages."""
    classes = " or ".join(f"{c}XX" for c in sorted(expected.statuses))
    if reply.status // 100 not in expected.statuses:
        return [f"status {reply.status}, expected {classes} ({reply.describe()})"]
    content: list[tuple[str, Callable[[Reply], None]]] = [
        (f"header {h.name}", functools.partial(check_header, h)) for h in expected.headers]
    if expected.format is not None:
        content.append(("format", functools.partial(check_format, expected.format)))
    if expected.boolean is not None:
        content.append(("boolean", functools.partial(check_boolean, expected.boolean)))
    if expected.body is not None:
        content.append(("body", functools.partial(check_body, expected)))
    if not content:
        return []
    final = reply
    if reply.status // 100 == 3:
        try:
            final = follow(endpoint, request, reply)
        except AssertionError as e:
            return [f"{reply.status} then {e}"]
        if final.status // 100 != 2:
            return [f"{reply.status} led to status {final.status}, expected 2XX ({final.describe()})"]
    problems = []
    for what, run in content:
        try:
            run(final)
        except AssertionError as e:
            problems.append(f"{what}: {e} ({final.describe()})")
    return problems


# ------------------------------------------------------------------------------------------------------ the tests


def test_manifest_is_read_whole():
    """Every entry is read with its requests, and every request with a status to expect."""
    assert len(TESTS) == 42 and len({t.name for t in TESTS}) == 42
    for t in TESTS:
        assert t.requests and t.dataset.named, t.name
        assert all(r.expected.statuses and r.method for r in t.requests), t.name


def answer_before(endpoint: Endpoint, request: Request) -> bool:
    """The boolean a query answers now, before the test's update is sent."""
    reply = send(endpoint, request)
    if reply.status // 100 != 2:
        raise AssertionError(f"status {reply.status}, expected 2XX ({reply.describe()})")
    value = _boolean(_results(reply, BOOLEAN_TYPES))
    if value is None:
        raise AssertionError(f"the results are not a boolean ({reply.describe()})")
    return value


def read_only(test: ProtocolTest, endpoint: Endpoint) -> tuple[list[Expected], list[str]]:
    """What each request must get from a read-only service, and what went wrong finding it out.

    An update gets a 4XX; a query after an update the manifest expects to be carried out must answer
    as it does before the update, since nothing was written.
    """
    writes = [i for i, r in enumerate(test.requests) if is_update(r) and 4 not in r.expected.statuses]
    out, problems = [], []
    for i, request in enumerate(test.requests):
        expected = request.expected
        if is_update(request):
            expected = Expected(frozenset({4}))
        elif writes and i > writes[0] and expected.boolean is not None:
            try:
                expected = replace(expected, boolean=answer_before(endpoint, request))
            except AssertionError as e:
                problems.append(f"request {i + 1}, sent before the update: {e}")
        out.append(expected)
    return out, problems


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(test: ProtocolTest, endpoints: Endpoints):
    """One manifest entry: its requests in order, each response checked against what the manifest expects."""
    if test.name in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[test.name])
    endpoint = endpoints.get(test.dataset)
    before = contents(endpoint)
    expectations, problems = read_only(test, endpoint)
    for i, (request, expected) in enumerate(zip(test.requests, expectations, strict=True)):
        reply = send(endpoint, request)
        where = f"request {i + 1} ({request.method} {request.path[:90]})"
        problems += [f"{where}: {p}" for p in check(expected, endpoint, request, reply)]
    after = contents(endpoint)
    if after != before:
        problems.append(f"the dataset changed: {len(after - before)} quads added, {len(before - after)} removed")
    if problems:
        pytest.fail("\n".join([f"{test.name}: {test.title}", *problems]), pytrace=False)
