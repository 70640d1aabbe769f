"""The chunked build writes what the generic serializer writes of the in-memory graph, counts it, reports progress."""
from __future__ import annotations

import pytest

from kg.graphfile import serialize
from kg.rdf.build import build
from kg.rdf.pipeline import run_build

from .conftest import SEED
from .test_determinism import OTHER_PAGE


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_files_equal_the_serializer_and_the_summary_counts_them(tmp_path, jobs):
    other = tmp_path / "001_other.txt"
    other.write_text(OTHER_PAGE, encoding="utf-8")
    seen = []
    result = run_build([SEED, other], tmp_path / "out", progress=lambda done, stage: seen.append((done, stage)),
                       jobs=jobs)
    quads = build([SEED, other]).quads
    for ext in ("ttl", "nt", "trig", "nq", "jsonld"):
        assert (tmp_path / "out" / f"graph.{ext}").read_bytes() == serialize(quads, ext), ext
    nt = (tmp_path / "out" / "graph.nt").read_text(encoding="utf-8").splitlines()
    s = result.summary()
    assert s["triples"] == len(nt) and s["pages"] == 2 and s["letters"] == 22
    assert s["decisions"] == sum(1 for line in nt if line.endswith("<https://w3id.org/politburo-kg/ontology#PolitburoDecision> ."))
    fractions = [d for d, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [st for _, st in seen][-5:] == ["nq", "trig", "jsonld", "nt", "ttl"] and seen[0][1] == "parse"


def test_build_drops_page_text_unless_a_report_needs_it(tmp_path):
    plain = run_build([SEED], tmp_path / "a")
    reported = run_build([SEED], tmp_path / "b", report=tmp_path / "coverage.csv")
    assert plain.pages[0].lines == [] and reported.pages[0].lines


def test_pages_written_in_many_chunks_on_two_cores_join_into_the_same_files(tmp_path, monkeypatch):
    import kg.rdf.stream

    from .test_variant_pages import CASES

    pages = [case / "page.txt" for case in CASES] + [SEED]
    whole = tmp_path / "whole"
    run_build(pages, whole, jobs=1)
    # One page per chunk and every line sampled: every join the large builds make, on a small one.
    monkeypatch.setattr(kg.rdf.stream, "PAGES_PER_CHUNK", 1)
    monkeypatch.setattr(kg.rdf.stream, "SAMPLE", 1)
    chunked = tmp_path / "chunked"
    result = run_build(pages, chunked, jobs=2)
    quads = build(pages).quads
    for ext in ("ttl", "nt", "trig", "nq", "jsonld"):
        written = (chunked / f"graph.{ext}").read_bytes()
        assert written == (whole / f"graph.{ext}").read_bytes() == serialize(quads, ext), ext
    assert result.summary()["triples"] == len((chunked / "graph.nt").read_bytes().splitlines())
    assert sorted(p.name for p in chunked.iterdir()) == [f"graph.{e}" for e in ("jsonld", "nq", "nt", "trig", "ttl")]


def test_parts_are_joined_the_same_where_the_kernel_cannot_copy_them(tmp_path, monkeypatch):
    import os

    whole = tmp_path / "whole"
    run_build([SEED], whole, jobs=1)

    def refuse(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    copied = tmp_path / "copied"
    run_build([SEED], copied, jobs=1)
    for ext in ("ttl", "nt", "trig", "nq", "jsonld"):
        assert (copied / f"graph.{ext}").read_bytes() == (whole / f"graph.{ext}").read_bytes(), ext


def test_a_worker_that_dies_is_reported_as_an_error_not_a_hang():
    from kg.errors import KgError
    from kg.rdf.parallel import Worker, fork_context

    if fork_context() is None:
        pytest.skip("no fork on this platform")
    w = Worker(fork_context())
    w.call(_die)
    with pytest.raises(KgError, match="worker process ended unexpectedly"):
        w.result()
    w.close()


def _die(state, report):
    import os

    os._exit(9)
