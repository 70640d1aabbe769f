"""The graph does not change: kg build writes, byte for byte, the files recorded in tests/data/build-checksums.json
for the seed page and for a synthetic corpus of 100 pages (benchmarks/generate.py, seed 1)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.rdf.pipeline import run_build

from .conftest import ROOT, SEED

RECORDED = json.loads((Path(__file__).parent / "data" / "build-checksums.json").read_text(encoding="utf-8"))


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("graph.*"))}


def test_the_seed_builds_as_recorded(tmp_path):
    run_build([SEED], tmp_path)
    assert _digests(tmp_path) == RECORDED["seed"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_synthetic_corpus_builds_as_recorded(tmp_path_factory, jobs):
    pages = tmp_path_factory.getbasetemp() / "synthetic-100-pages"
    if not pages.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(pages), "--scale", "100",
                        "--seed", "1"], check=True, capture_output=True, timeout=300)
    out = tmp_path_factory.mktemp(f"synthetic-100-j{jobs}")
    run_build([pages], out, jobs=jobs)
    assert _digests(out) == RECORDED["synthetic-100"]
