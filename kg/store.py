"""Where SPARQL runs: the graph in memory, an Oxigraph store on disk, or a remote SPARQL 1.1 endpoint."""
from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .graphfile import MEDIA_TYPES, RDF_FORMATS, graph_format, reading
from .sparql import QueryInfo, deep_call, lexical, read_query

STORE_KINDS = ("memory", "oxigraph")
# Where the build's named graphs are found beside a file of triples, fastest to read first.
QUAD_EXTENSIONS = (".nq", ".trig")
# The one table of SPARQL result syntaxes: what the endpoint offers (the first is its default) and what the
# endpoint client reads.
RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
RESULT_MEDIA = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
# Written into an on-disk store once loaded: which file it holds, so the next run skips the load.
_MARKER = "kg-store.json"
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

Term = ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple


@dataclass
class Result:
    """Rows of a SELECT (or the triples of a CONSTRUCT, or an ASK boolean)."""

    columns: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None
    graph: list[ox.Triple] | None = None


def _load(store: ox.Store, graph: Path, bulk: bool) -> None:
    fmt = graph_format(graph)
    with reading(graph, fmt):
        (store.bulk_load if bulk else store.load)(path=str(graph), format=fmt)


def holds_graphs(graph: Path) -> bool:
    """Whether a file's syntax can hold named graphs (TriG, N-Quads, JSON-LD)."""
    return graph_format(graph).supports_datasets


def companion(graph: Path) -> Path | None:
    """The build's quads file beside a file of triples (graph.ttl → graph.nq or graph.trig), if there is one."""
    graph = Path(graph)
    if holds_graphs(graph):
        return None
    for ext in QUAD_EXTENSIONS:
        path = graph.with_suffix(ext)
        if path.is_file():
            return path
    return None


@dataclass
class Loaded:
    """What a store was filled with: the file that gives its named graphs, or why it has none."""

    graphs: Path | None  # the file holding the named graphs (the graph itself, or its companion)
    note: str | None = None  # why the store has no named graphs, for a warning


def fill(store: ox.Store, graph: Path, bulk: bool = False, companion_file: Path | None = None) -> Loaded:
    """Load a graph file with its named graphs: its own, or those of the build's quads file beside it.

    A file of triples (Turtle, N-Triples, RDF/XML) has no named graphs. When the build's TriG or N-Quads file
    lies beside it and holds exactly the same triples, its named graphs (a graph per source page, the
    authority file, the vocabulary) are served instead; otherwise the file's triples are, as its default graph.
    (Blank nodes cannot be matched across two files: a graph with them is served alone.)
    """
    graph = Path(graph)
    if holds_graphs(graph):
        _load(store, graph, bulk)
        return Loaded(graph)
    other = companion_file or companion(graph)
    if other is None:
        _load(store, graph, bulk)
        return Loaded(None, f"{graph.name} holds triples only, so the store has no named graphs (give the "
                            f"build's {graph.stem}.trig or {graph.stem}.nq for a graph per source page)")
    _load(store, other, bulk)
    # The graph's triples are read as they come and looked up among the companion's, so that the check costs
    # no second copy of the graph in memory.
    given, missing = _compare(store, graph)
    held = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    if not missing and held != given:  # a triple in two graphs counts once
        held = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g "
                             "{ ?s ?p ?o } } }")
    if not missing and held == given:
        return Loaded(other)
    store.clear()
    _load(store, graph, bulk)
    return Loaded(None, f"{other.name} beside {graph.name} holds other triples ({held:,} against {given:,}), "
                        f"so its named graphs are not served; the store holds {graph.name} alone")


def _compare(store: ox.Store, graph: Path) -> tuple[int, bool]:
    """How many triples the graph file holds, and whether one of them is not in the store."""
    fmt = graph_format(graph)
    given = 0
    with reading(graph, fmt):
        for t in ox.parse(path=str(graph), format=fmt):
            given += 1
            if next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object)), None) is None:
                return given, True
    return given, False


def _count(store: ox.Store, sparql: str, union: bool = False) -> int:
    return int(next(iter(store.query(sparql, use_default_graph_as_union=union)))["n"].value)


def load_memory(graph: Path) -> ox.Store:
    """An in-memory Oxigraph store holding the graph file (format from its extension) and its named graphs."""
    return memory_dataset(graph)[0]


def memory_dataset(graph: Path) -> tuple[ox.Store, Loaded]:
    """An in-memory store filled by `fill`, and what it was filled with."""
    store = ox.Store()
    # In memory, a plain load beats bulk_load: it reads faster, takes a quarter less memory, and
    # keeps each subject's quads together, so queries run a quarter faster (README, Performance).
    loaded = fill(store, Path(graph), bulk=False)
    return store, loaded


@dataclass(frozen=True)
class Dataset:
    """The dataset a request names over the protocol (default-graph-uri, named-graph-uri)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


def query_options(info: QueryInfo, dataset: Dataset | None, base_iri: str | None) -> dict:
    """Oxigraph's options for a query: the protocol's dataset, else the query's own, else the union of all graphs."""
    options: dict = {"base_iri": base_iri}
    if dataset is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in dataset.default]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset.named]
    elif not info.dataset:
        options["use_default_graph_as_union"] = True
    return options


def evaluate(store: ox.Store, sparql: str, info: QueryInfo, dataset: Dataset | None = None,
             base_iri: str | None = None, source: str = "query"):
    """Oxigraph's lazy answer to a query (call on a deep stack: `kg.sparql.deep_call`)."""
    try:
        return store.query(sparql, **query_options(info, dataset, base_iri))
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error: {e}", file=source) from None
    except ValueError as e:  # an IRI in default-graph-uri or named-graph-uri that is not one
        raise QueryError(f"bad dataset: {e}", file=source) from None
    except (OSError, RuntimeError) as e:
        raise QueryError(f"query failed: {e}", file=source) from None


def run_oxigraph(store: ox.Store, sparql: str, source: str = "query", dataset: Dataset | None = None,
                 base_iri: str | None = None) -> Result:
    """Run a query on an Oxigraph store; its default graph is the union of all graphs unless it names its own."""
    info = read_query(sparql, source, parse=False)
    return deep_call(_run, store, sparql, info, dataset, base_iri, source)


def _run(store: ox.Store, sparql: str, info: QueryInfo, dataset: Dataset | None, base_iri: str | None,
         source: str) -> Result:
    res = evaluate(store, sparql, info, dataset, base_iri, source)
    try:
        if isinstance(res, ox.QueryBoolean):
            return Result([], [], boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            cols = [v.value for v in res.variables]
            return Result(cols, [[sol[c] for c in cols] for sol in res])
        return Result(["subject", "predicate", "object"], [], graph=list(res))
    except (OSError, ValueError, RuntimeError) as e:
        raise QueryError(f"query failed: {e}", file=source) from None


class Store(ABC):
    """A read-only place to run SPARQL; every kind answers with the same Result."""

    kind = "store"

    @abstractmethod
    def query(self, sparql: str, source: str = "query") -> Result:
        """Run a query over the union of the graph's named graphs."""

    def triple_count(self) -> int:
        """Distinct triples in the union of all graphs."""
        return int(self.query(COUNT_TRIPLES, "triple count").rows[0][0].value)

    def close(self) -> None:
        """Release files and connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class OxigraphStore(Store):
    """Oxigraph, in memory (loaded from the file each time) or on disk (loaded once, reopened after)."""

    def __init__(self, store: ox.Store, kind: str = "memory", path: Path | None = None, sha256: str | None = None,
                 loaded: Loaded | None = None):
        self.store = store
        self.kind = kind
        self.path = path
        self.sha256 = sha256  # of the graph file an on-disk store holds
        self.companion_sha256: str | None = None  # and of the build's quads file beside it, if any
        self.loaded = loaded or Loaded(None)

    @classmethod
    def memory(cls, graph: Path, exactly: bool = False) -> "OxigraphStore":
        """The graph in memory with its named graphs (`fill`); exactly=True loads the one file, nothing beside it."""
        if exactly:
            store = ox.Store()
            _load(store, Path(graph), bulk=False)
            return cls(store, loaded=Loaded(Path(graph) if holds_graphs(graph) else None))
        store, loaded = memory_dataset(graph)
        return cls(store, loaded=loaded)

    @classmethod
    def on_disk(cls, graph: Path, path: Path, read_only: bool = False, sha256: str | None = None,
                companion_sha256: str | None = None) -> "OxigraphStore":
        """The store in folder `path`, loaded from `graph` (whose sha256 may be given) unless it already holds it.

        The build's quads file beside a file of triples (`companion`) is part of what the store holds: a change
        to either reloads it.
        """
        graph, path = Path(graph), Path(path)
        fmt = graph_format(graph)
        sha256 = sha256 or _sha256(graph)
        other = companion(graph)
        stamp = {"graph": str(graph.resolve()), "sha256": sha256, "format": fmt.name}
        if other is not None:
            companion_sha256 = companion_sha256 or _sha256(other)
            stamp["companion"] = {"file": str(other.resolve()), "sha256": companion_sha256}
        marker = path / _MARKER
        held = _read_marker(marker) or {}
        current = {k: v for k, v in held.items() if k != "loaded"} == stamp
        if read_only:
            if not current:
                raise StoreError("the store does not hold this graph yet", file=str(path),
                                 hint=f"load it first: kg query --store oxigraph --store-path {path} --graph {graph} …")
            st = cls(_open(path, read_only=True), "oxigraph", path, sha256, _loaded(held.get("loaded")))
            st.companion_sha256 = companion_sha256
            return st
        if path.exists() and not current and any(path.iterdir()) and not marker.exists():
            raise StoreError("folder is not empty and is not a kg store", file=str(path),
                             hint="give an empty or new folder to --store-path")
        store = _open(path)
        if current:
            loaded = _loaded(held.get("loaded"))
        else:
            marker.unlink(missing_ok=True)
            store.clear()
            loaded = fill(store, graph, bulk=True, companion_file=other)
            store.flush()
            stamp["loaded"] = {"graphs": str(loaded.graphs) if loaded.graphs else None, "note": loaded.note}
            marker.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
        st = cls(store, "oxigraph", path, sha256, loaded)
        st.companion_sha256 = companion_sha256
        return st

    def query(self, sparql: str, source: str = "query") -> Result:
        return run_oxigraph(self.store, sparql, source)

    def close(self) -> None:
        # Dropping the last reference releases the on-disk lock.
        self.store = None


def _loaded(held: dict | None) -> Loaded:
    if not held:
        return Loaded(None)
    return Loaded(Path(held["graphs"]) if held.get("graphs") else None, held.get("note"))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_marker(marker: Path) -> dict | None:
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _open(path: Path, read_only: bool = False) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as e:
        raise StoreError(f"cannot open the Oxigraph store: {e}", file=str(path),
                         hint="another process may hold it; stop it or use another --store-path") from None


# How `kg query --endpoint` sends a query (SPARQL 1.1 Protocol, section 2.1): `direct` POSTs the query as the
# body (application/sparql-query), `form` POSTs it form-encoded (query=…), `get` puts it in the URL; `auto`
# asks the endpoint once with a trivial query by direct POST and uses a form POST from then on if that is
# refused or left unanswered.
ENDPOINT_METHODS = ("auto", "direct", "form", "get")
METHOD_NAMES = {"direct": "direct POST", "form": "form POST", "get": "GET"}
# The trivial query `auto` sends, and how long it waits for its answer. Virtuoso 7.2 (Debian's) never answers
# a direct POST, so without a short wait every query would hang for the whole timeout; the probe is not the
# user's query, so a slow query is never sent twice.
PROBE_QUERY = "ASK {}"
PROBE_TIMEOUT = 3.0
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class EndpointStore(Store):
    """A remote SPARQL 1.1 endpoint, spoken to over the SPARQL 1.1 Protocol."""

    kind = "endpoint"

    def __init__(self, url: str, timeout: float = 60.0, method: str = "auto", probe_timeout: float = PROBE_TIMEOUT):
        if method not in ENDPOINT_METHODS:
            raise StoreError(f"unknown endpoint method {method!r}", hint=f"use one of {', '.join(ENDPOINT_METHODS)}")
        self.url = url
        self.timeout = timeout
        self.asked = method  # what the user chose; `method` becomes the one found for `auto`
        self.method = method
        self.probe_timeout = probe_timeout

    def query(self, sparql: str, source: str = "query") -> Result:
        method = self.resolve_method()
        body, ctype = self._send(_request(self.url, sparql, method), self.timeout, source, method)
        result = _parse_response(body, ctype.split(";")[0].strip().lower(), self.url)
        if lexical(sparql).form == "ask" and result.boolean is None and result.graph is None and len(result.columns) == 1:
            # Virtuoso 7.2 answers ASK with a one-column table: a row for true, none for false
            result = Result([], [], boolean=bool(result.rows) and _truthy(result.rows[0][0]))
        return result

    def resolve_method(self) -> str:
        """The method queries go by: the one asked, or for `auto` what the endpoint answered the probe by."""
        if self.method == "auto":
            self.method = "direct" if self._takes_direct_post() else "form"
        return self.method

    def _takes_direct_post(self) -> bool:
        """Whether the endpoint answers the probe query sent by direct POST within the probe timeout."""
        try:
            with urllib.request.urlopen(_request(self.url, PROBE_QUERY, "direct"), timeout=self.probe_timeout) as r:
                r.read()
            return True
        except urllib.error.HTTPError:
            return False  # refused: 415, 405, or 400 from an endpoint that looked for a query= parameter
        except (urllib.error.URLError, OSError) as e:
            if _timed_out(e):
                return False  # no answer in time, as from Virtuoso 7.2
            raise _unreachable(e, self.url) from None

    def _send(self, req: urllib.request.Request, timeout: float, source: str, method: str) -> tuple[bytes, str]:
        other = "form" if method != "form" else "direct"
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            message = e.read().decode("utf-8", "replace").strip()[:500]
            # a 400 to a query sent as asked is the endpoint finding it invalid, unless direct POST was forced
            # on an endpoint that looks for a query= parameter only
            refused = e.code in (405, 411, 415, 501) or (e.code == 400 and self.asked == "direct")
            hint = (f"the endpoint may not take a query by {METHOD_NAMES[method]}: try --endpoint-method {other}"
                    if refused else None)
            if e.code == 400:
                raise QueryError(f"SPARQL syntax error (from the endpoint): {message}", file=source,
                                 hint=hint) from None
            raise StoreError(f"endpoint answered HTTP {e.code}: {message}", file=self.url, hint=hint) from None
        except (urllib.error.URLError, OSError) as e:
            if _timed_out(e):
                raise StoreError(f"endpoint did not answer within {timeout:g} s (query sent by {METHOD_NAMES[method]})",
                                 file=self.url, hint=f"a slow query, or an endpoint that leaves such requests "
                                                     f"unanswered: try --endpoint-method {other}") from None
            raise _unreachable(e, self.url) from None


def _timed_out(e: OSError) -> bool:
    """Whether the error is a timeout: urllib raises it bare while reading, wrapped in URLError while connecting."""
    return isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError)


def _unreachable(e: OSError, url: str) -> StoreError:
    """The error for an endpoint that cannot be connected to."""
    return StoreError(f"endpoint cannot be reached: {getattr(e, 'reason', e)}", file=url,
                      hint="check the URL and that the server runs")


def _request(url: str, sparql: str, method: str) -> urllib.request.Request:
    """The HTTP request that carries a query by one of the protocol's three ways."""
    headers = {"Accept": _ACCEPT}
    if method == "direct":
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
        return urllib.request.Request(url, data=sparql.encode("utf-8"), method="POST", headers=headers)
    encoded = urllib.parse.urlencode({"query": sparql})
    if method == "form":
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        return urllib.request.Request(url, data=encoded.encode("ascii"), method="POST", headers=headers)
    # keep parameters the URL already has (default-graph-uri=…)
    return urllib.request.Request(url + ("&" if urllib.parse.urlsplit(url).query else "?") + encoded,
                                  method="GET", headers=headers)


def _truthy(term: Term | None) -> bool:
    """Whether a literal stands for true (1, true, or any other non-empty value)."""
    return isinstance(term, ox.Literal) and term.value not in ("0", "false", "")


def _canonical(term: Term | None) -> Term | None:
    """The term with an xsd:boolean in its canonical form: Virtuoso writes every boolean as 1 or 0."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_BOOLEAN and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


# text/plain is how older endpoints label N-Triples.
# CSV results lose term types (pyoxigraph refuses to read them back); the client asks for JSON anyway.
_READABLE_RESULTS = {media for media, fmt in RESULT_MEDIA.items() if fmt != "csv"}
_GRAPH_MEDIA = {**{MEDIA_TYPES[ext]: RDF_FORMATS[ext] for ext in ("nt", "ttl", "jsonld", "rdf")},
                "text/plain": ox.RdfFormat.N_TRIPLES}


def _parse_response(body: bytes, ctype: str, url: str) -> Result:
    try:
        if ctype in _GRAPH_MEDIA:
            return Result(["subject", "predicate", "object"], [],
                          graph=[ox.Triple(q.subject, q.predicate, _canonical(q.object))
                                 for q in ox.parse(body, format=_GRAPH_MEDIA[ctype])])
        if ctype in _READABLE_RESULTS:
            res = ox.parse_query_results(body, format=RESULT_FORMATS[RESULT_MEDIA[ctype]])
            if isinstance(res, ox.QueryBoolean):
                return Result([], [], boolean=bool(res))
            cols = [v.value for v in res.variables]
            return Result(cols, [[_canonical(sol[c]) for c in cols] for sol in res])
    except SyntaxError as e:
        raise StoreError(f"endpoint sent unreadable {ctype}: {e}", file=url) from None
    raise StoreError(f"endpoint answered with unsupported type {ctype or '(none)'}", file=url)


def open_store(graph: Path | None = None, kind: str = "memory", path: Path | None = None,
               endpoint: str | None = None, endpoint_method: str = "auto") -> Store:
    """The store a command runs on: a remote endpoint if given, else the graph file in the kind of store asked."""
    if endpoint:
        return EndpointStore(endpoint, method=endpoint_method)
    if kind == "memory":
        return OxigraphStore.memory(graph)
    if kind == "oxigraph":
        if path is None:
            raise StoreError("an on-disk Oxigraph store needs a folder", hint="give --store-path DIR")
        return OxigraphStore.on_disk(graph, path)
    raise StoreError(f"unknown store {kind!r}", hint=f"use one of {', '.join(STORE_KINDS)}")
