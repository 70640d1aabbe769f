"""The same queries give the same answers on every store: in memory, Oxigraph on disk, a remote endpoint."""
from __future__ import annotations

import hashlib

import pytest

from kg.errors import GraphError, StoreError
from kg.store.endpoint import EndpointStore
from kg.store.oxigraph import OxigraphStore
from kg.store.query import list_queries, open_store, query
from kg.store.results import RESULT_MEDIA

from .rows import comparable, concat_columns
from .tools import free_port

QUERIES = list_queries()


@pytest.fixture(scope="module")
def memory(seed_graph):
    return open_store(seed_graph)


@pytest.fixture(scope="module")
def on_disk(seed_build, tmp_path_factory):
    # from TriG, so that the named graphs are kept and queried as their union
    with open_store(seed_build[1] / "graph.trig", "oxigraph", tmp_path_factory.mktemp("ox") / "store") as st:
        yield st


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_same_answers_in_memory_and_on_disk(q, memory, on_disk):
    a, b = memory.query(q.text, q.name), on_disk.query(q.text, q.name)
    assert a.rows and comparable(a, q.text) == comparable(b, q.text)


def test_same_triple_count(memory, on_disk):
    assert memory.triple_count() == on_disk.triple_count() > 2000


def test_group_concat_columns_are_found():
    q = next(q for q in QUERIES if q.name == "transmission")
    assert concat_columns(q.text) == {"numbers": ";"}


def test_disk_store_is_loaded_once(seed_graph, tmp_path, monkeypatch):
    path = tmp_path / "store"
    with OxigraphStore.on_disk(seed_graph, path) as st:
        n = st.triple_count()
    import kg.store.oxigraph

    def no_load(*a, **k):
        raise AssertionError("loaded again")

    monkeypatch.setattr(kg.store.oxigraph, "_load", no_load)
    with OxigraphStore.on_disk(seed_graph, path) as st:
        assert st.triple_count() == n
    with OxigraphStore.on_disk(seed_graph, path, read_only=True) as st:
        assert st.triple_count() == n


def test_disk_store_given_the_graph_checksum_does_not_hash_the_graph(seed_graph, tmp_path, monkeypatch):
    path = tmp_path / "store"
    with OxigraphStore.on_disk(seed_graph, path) as st:
        digest, n = st.sha256, st.triple_count()
    assert digest == hashlib.sha256(seed_graph.read_bytes()).hexdigest()
    quads = hashlib.sha256(seed_graph.with_suffix(".nq").read_bytes()).hexdigest()
    import kg.store.oxigraph

    def no_hash(*a, **k):
        raise AssertionError("hashed again")

    monkeypatch.setattr(kg.store.oxigraph, "_sha256", no_hash)
    with OxigraphStore.on_disk(seed_graph, path, read_only=True, sha256=digest, companion_sha256=quads) as st:
        assert st.triple_count() == n
    with pytest.raises(StoreError, match="does not hold this graph"):
        OxigraphStore.on_disk(seed_graph, path, read_only=True, sha256="0" * 64, companion_sha256=quads)
    with pytest.raises(StoreError, match="does not hold this graph"):
        OxigraphStore.on_disk(seed_graph, path, read_only=True, sha256=digest, companion_sha256="0" * 64)


def test_disk_store_reloads_when_the_graph_changes(seed_graph, tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_bytes(seed_graph.read_bytes())
    with OxigraphStore.on_disk(graph, tmp_path / "s") as st:
        n = st.triple_count()
    graph.write_bytes(seed_graph.read_bytes() + b"\n<http://example.org/a> <http://example.org/b> 1 .\n")
    with OxigraphStore.on_disk(graph, tmp_path / "s") as st:
        assert st.triple_count() == n + 1


def test_disk_store_refuses_a_foreign_folder(seed_graph, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a kg store"):
        OxigraphStore.on_disk(seed_graph, tmp_path)


def test_disk_store_in_use_is_a_store_error(seed_graph, tmp_path):
    with OxigraphStore.on_disk(seed_graph, tmp_path / "s"):
        with pytest.raises(StoreError, match="another process may hold it"):
            OxigraphStore.on_disk(seed_graph, tmp_path / "s")


def test_read_only_store_must_be_loaded_first(seed_graph, tmp_path):
    with pytest.raises(StoreError, match="does not hold this graph"):
        OxigraphStore.on_disk(seed_graph, tmp_path / "s", read_only=True)


def test_oxigraph_store_needs_a_path(seed_graph):
    with pytest.raises(StoreError, match="--store-path"):
        open_store(seed_graph, "oxigraph")


def test_missing_graph_is_a_graph_error(tmp_path):
    with pytest.raises(GraphError):
        open_store(tmp_path / "none.ttl", "oxigraph", tmp_path / "s")


def test_unreachable_endpoint_is_a_store_error():
    with pytest.raises(StoreError, match="cannot be reached"):
        EndpointStore(f"http://127.0.0.1:{free_port()}/sparql", timeout=5).query("ASK {}")


def test_query_renders_the_same_from_every_store(seed_graph, tmp_path):
    text = next(q for q in QUERIES if q.name == "requests").text
    assert query(seed_graph, text, "csv") == query(seed_graph, text, "csv", store="oxigraph", store_path=tmp_path / "s")


@pytest.mark.parametrize("media", [m for m, f in RESULT_MEDIA.items() if f != "csv"], ids=str)
def test_endpoint_client_reads_every_lossless_result_type_the_endpoint_offers(media):
    import pyoxigraph as ox

    from kg.store.endpoint import _parse_response
    from kg.store.results import RESULT_FORMATS

    answer = ox.Store().query('SELECT ?x WHERE { VALUES ?x { "a" "b" } }')
    body = answer.serialize(format=RESULT_FORMATS[RESULT_MEDIA[media]])
    result = _parse_response(body, media, "http://127.0.0.1/sparql")
    assert result.columns == ["x"] and sorted(r[0].value for r in result.rows) == ["a", "b"]


def test_endpoint_client_refuses_csv_results_clearly():
    from kg.store.endpoint import _parse_response

    with pytest.raises(StoreError, match="unsupported type text/csv"):
        _parse_response(b"x\r\na\r\n", "text/csv", "http://127.0.0.1/sparql")
