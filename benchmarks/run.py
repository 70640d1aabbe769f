#!/usr/bin/env python3
"""Time the commands a user runs: `kg --help`, `kg build` on the seed, `kg query`, `kg validate`.

Usage: python benchmarks/run.py [--runs N]
Each figure is the median wall time of N runs of the installed `kg` command, as a separate process.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kg() -> str:
    exe = Path(sys.executable).parent / "kg"
    return str(exe) if exe.exists() else (shutil.which("kg") or "kg")


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    graph = out / "graph.ttl"
    rows = [
        ("kg --help", [kg(), "--help"]),
        ("kg build seeds/ (October 1934)", [kg(), "build", "seeds", "--out", str(out), "-q"]),
        ("kg query requests", [kg(), "query", "requests", "--graph", str(graph), "--format", "csv"]),
        ("kg validate", [kg(), "validate", "--graph", str(graph)]),
    ]
    print(f"| command | median of {a.runs} runs |")
    print("|---|---|")
    for name, cmd in rows:
        print(f"| `{name}` | {timed(cmd, a.runs):.3f} s |")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
