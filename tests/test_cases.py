"""Golden cases: each folder in tests/cases holds a page and the triples its build must contain."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from kg.rdf.pipeline import run_build

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "page.txt").exists())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case(case, tmp_path):
    run_build([case / "page.txt"], tmp_path)
    got = rdflib.Graph().parse(tmp_path / "graph.nt", format="nt")
    want = rdflib.Graph().parse(case / "expected.ttl", format="turtle")
    _, missing, _ = graph_diff(to_isomorphic(want), to_isomorphic(got))
    assert not len(missing), "triples the build lacks:\n" + "\n".join(
        sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in missing))
