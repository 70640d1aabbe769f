"""Every query in queries/ parses, says what it answers, and runs on the seed graph."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.query import list_queries, load_store, run

QUERIES = list_queries()


@pytest.fixture(scope="module")
def store(seed_graph):
    return load_store(seed_graph)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_query_runs(q, store):
    assert q.description, f"{q.path.name} has no comment header saying what it answers"
    result = run(store, q.text, q.name)
    assert result.columns
    assert result.rows, f"{q.name} returned no rows on the seed"


def test_contract_queries_present():
    names = {q.name for q in QUERIES}
    assert {"letters", "archive-refs", "transmission", "requests", "decisions", "mentions"} <= names
    assert len(names) >= 14
