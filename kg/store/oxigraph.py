"""Oxigraph as a store: the graph in memory (read from the file each time) or on disk (loaded once, reopened
after), with the named graphs of the build's quads file beside a file of triples."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ..graphfile import graph_format, reading
from .base import Result, Store, value
from .sparql import QueryInfo, deep_call, read_query

# Where the build's named graphs are found beside a file of triples, fastest to read first.
QUAD_EXTENSIONS = (".nq", ".trig")
# Written into an on-disk store once loaded: which file it holds, so the next run skips the load.
_MARKER = "kg-store.json"


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
    solutions = store.query(sparql, use_default_graph_as_union=union)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(value(next(iter(solutions))["n"]))


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
    """Oxigraph's lazy answer to a query (call on a deep stack: `kg.store.sparql.deep_call`)."""
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



class OxigraphStore(Store):
    """Oxigraph, in memory (loaded from the file each time) or on disk (loaded once, reopened after)."""

    def __init__(self, store: ox.Store, kind: str = "memory", path: Path | None = None, sha256: str | None = None,
                 loaded: Loaded | None = None):
        self._store: ox.Store | None = store
        self.kind = kind
        self.path = path
        self.sha256 = sha256  # of the graph file an on-disk store holds
        self.companion_sha256: str | None = None  # and of the build's quads file beside it, if any
        self.loaded = loaded or Loaded(None)

    @classmethod
    def memory(cls, graph: Path, exactly: bool = False) -> OxigraphStore:
        """The graph in memory with its named graphs (`fill`); exactly=True loads the one file, nothing beside it."""
        if exactly:
            store = ox.Store()
            _load(store, Path(graph), bulk=False)
            return cls(store, loaded=Loaded(Path(graph) if holds_graphs(graph) else None))
        store, loaded = memory_dataset(graph)
        return cls(store, loaded=loaded)

    @classmethod
    def on_disk(cls, graph: Path, path: Path, read_only: bool = False, sha256: str | None = None,
                companion_sha256: str | None = None) -> OxigraphStore:
        """The store in folder `path`, loaded from `graph` (whose sha256 may be given) unless it already holds it.

        The build's quads file beside a file of triples (`companion`) is part of what the store holds: a change
        to either reloads it.
        """
        graph, path = Path(graph), Path(path)
        fmt = graph_format(graph)
        sha256 = sha256 or _sha256(graph)
        other = companion(graph)
        stamp: dict[str, object] = {"graph": str(graph.resolve()), "sha256": sha256, "format": fmt.name}
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

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store, while open."""
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    def close(self) -> None:
        # Dropping the last reference releases the on-disk lock.
        self._store = None


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
