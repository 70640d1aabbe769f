"""The same sources give byte-identical output and the same IRIs, whatever else is built beside them."""
from __future__ import annotations

from pathlib import Path

from kg.rdf.pipeline import run_build

from .conftest import SEED

OTHER_PAGE = """Stalin Kaganovich nov 1934

Kaganovich to Stalin November 1, 1934

Archive: RGASPI F. 558. Op. 11. D. 87. L. 80. Original. Typescript.
Encryption.

From Moscow 1/XI - 34 at 2 o'clock. 10 min. In. No. 150.

Sochi. Tov. Stalin.

We ask for your consent to publish the slogans. HP 190.

Kaganovich.
"""


def _letters(out: Path) -> set[str]:
    text = (out / "graph.nt").read_text(encoding="utf-8")
    return {line.split(" ", 1)[0] for line in text.splitlines()
            if "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/politburo-kg/ontology#Letter>" in line}


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run_build([SEED], a)
    run_build([SEED], b)
    for ext in ("ttl", "nt", "trig", "nq", "jsonld"):
        assert (a / f"graph.{ext}").read_bytes() == (b / f"graph.{ext}").read_bytes(), ext


def test_iris_stable_when_pages_are_added_or_reordered(tmp_path):
    other = tmp_path / "001_other.txt"
    other.write_text(OTHER_PAGE, encoding="utf-8")
    alone, both, reordered = tmp_path / "alone", tmp_path / "both", tmp_path / "reordered"
    run_build([SEED], alone)
    run_build([SEED, other], both)
    run_build([other, SEED], reordered)
    seed_letters = _letters(alone)
    assert len(seed_letters) == 21
    assert seed_letters < _letters(both)
    assert _letters(both) == _letters(reordered)
    assert (both / "graph.nt").read_bytes() == (reordered / "graph.nt").read_bytes()
