"""The parser reads a generated edition exactly as its generator wrote it."""
from __future__ import annotations

import importlib.util
import json

from kg.rdf.build import build

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


def test_generated_pages_parse_as_written(tmp_path):
    truth = generate.generate(tmp_path, scale=8, seed=7)
    result = build(sorted(tmp_path.glob("*.txt")))
    assert not result.warnings, result.warnings[:5]
    for page in result.pages:
        want = {x["line"]: x for x in truth[page.source]}
        got = {L.line: L for L in page.letters}
        assert sorted(got) == sorted(want), page.source
        for line, x in want.items():
            L = got[line]
            assert (L.authors, L.date, L.is_request, L.cipher_nos, len(L.decisions)) == (
                x["authors"], x["date"], x["request"], x["cipher_nos"], x["decisions"]), (page.source, line)
            if x["response"]:
                assert L.response and L.response.outcome == x["response"], (page.source, line)
    replies = [L for p in result.pages for L in p.letters if L.cited_numbers]
    assert replies and all(L.replies_to for L in replies)


def test_generator_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate.generate(a, scale=3, seed=11)
    generate.generate(b, scale=3, seed=11)
    for f in sorted(a.iterdir()):
        assert f.read_bytes() == (b / f.name).read_bytes()
    assert json.loads((a / "truth.json").read_text())
