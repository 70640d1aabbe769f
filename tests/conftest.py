"""Shared fixtures: the bundled seed page and a graph built from it once per session."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_066ec2fc61583e2f.txt"
GOLD = Path(__file__).resolve().parent / "data" / "gold"
SHARED = ROOT.parent / "shared"


def kg_command() -> str | None:
    """The installed `kg` console script beside this Python, as a user runs it."""
    exe = Path(sys.executable).parent / "kg"
    return str(exe) if exe.exists() else shutil.which("kg")


@pytest.fixture(scope="session")
def seed() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed built once: (Build result, output folder)."""
    from kg.rdf.pipeline import run_build

    out = tmp_path_factory.mktemp("seed-build")
    result = run_build([SEED], out)
    return result, out


@pytest.fixture(scope="session")
def seed_graph(seed_build) -> Path:
    return seed_build[1] / "graph.ttl"


@pytest.fixture(scope="session")
def seed_page(seed_build):
    return seed_build[0].pages[0]


@pytest.fixture(scope="session")
def letter_at(seed_page):
    def get(line: int):
        return next(L for L in seed_page.letters if L.line == line)
    return get
