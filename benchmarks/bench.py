#!/usr/bin/env python3
"""Scale benchmark: `kg build` and the SPARQL queries on synthetic editions of 1× … 1000× the seed page.

Usage: python benchmarks/bench.py [--sizes 1,10,100,1000] [--huge] [--quick] [--runs N] [--json FILE]

For each size (pages of 21 letters written by benchmarks/generate.py) it measures (builds as separate processes):
- `kg build` wall time and peak memory (the summed RSS of the build's process tree: its workers count),
  letters/s, triples/s, output sizes;
- the contract queries and some historians' queries on pyoxigraph's in-memory store and on rdflib's memory
  store (its Graph.query), both holding the build's N-Triples (the union of the named graphs), median of --runs;
  first the floor, a query that reads one property of every letter, which no query returning every letter beats;
- a plain rdflib baseline: the same graph added triple by triple with rdflib Graph.add and written as
  Turtle by rdflib, stopped after --baseline-timeout seconds.
Unless --quick, it also times the explorer at the scale of the edition in Chromium (benchmarks/explore.py).
Prints a Markdown table per measurement and writes everything as JSON (--json).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

CONTRACT = ["letters", "archive-refs", "transmission", "requests", "decisions", "mentions"]
HISTORIAN = ["correspondents", "request-answers", "persons-most-named", "letters-per-file"]
# One property of every letter: what a store needs at least for a query that returns every letter.
FLOOR = ("PREFIX pbo: <https://w3id.org/politburo-kg/ontology#>\n"
         "SELECT ?letter ?line WHERE { ?letter a pbo:Letter ; pbo:sourceLine ?line }")
FLOOR_LABEL = "floor: line of every letter"


def kg() -> str:
    exe = Path(sys.executable).parent / "kg"
    return str(exe) if exe.exists() else (shutil.which("kg") or "kg")


def run_measured(cmd: list[str], timeout: float | None = None) -> dict:
    """Wall time and peak RSS of one child process and its own children; None for both past the timeout.

    The peak is the largest sum of the resident sets of the process and its descendants (sampled from /proc
    every 50 ms), so a build's worker processes count; where /proc is missing it is the child's ru_maxrss.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = start + timeout if timeout else None
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"seconds": None, "rss_mb": None, "stdout": "", "timeout": timeout}
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    out = proc.stdout.read()
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out[-500:]}")
    # ru_maxrss is in KiB on Linux
    return {"seconds": wall, "rss_mb": max(peak, usage.ru_maxrss * 1024) / 2**20, "stdout": out}


def tree_rss(root: int) -> int:
    """Bytes resident in a process and all its descendants now (0 where /proc cannot tell).

    The sum of their RSS (from /proc/PID/statm, which costs the measured processes nothing, unlike smaps):
    pages a forked worker still shares with its parent count twice, so the figure errs high.
    """
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        proc = Path(f"/proc/{pid}")
        try:
            total += int((proc / "statm").read_text().split()[1]) * page
            for task in (proc / "task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def generate(size: int, where: Path) -> tuple[Path, int]:
    from generate import generate as write_pages

    src = where / f"pages-{size}"
    truth = write_pages(src, size)
    return src, sum(len(v) for v in truth.values())


def measure_build(src: Path, out: Path, letters: int) -> dict:
    r = run_measured([kg(), "build", str(src), "--out", str(out), "-q"])
    triples = int(re.search(r"(\d+) triples", r["stdout"]).group(1))
    sizes = {p.suffix[1:]: p.stat().st_size for p in sorted(out.glob("graph.*"))}
    return {"seconds": r["seconds"], "rss_mb": r["rss_mb"], "letters": letters, "triples": triples,
            "letters_per_s": letters / r["seconds"], "triples_per_s": triples / r["seconds"], "bytes": sizes}


class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Stop a pure-Python computation (rdflib's query engine) after `seconds` (SIGALRM; none where absent)."""
    if not seconds or not hasattr(signal, "SIGALRM"):
        yield
        return

    def up(*_):
        raise _TimeUp()

    old = signal.signal(signal.SIGALRM, up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def measure_queries(out: Path, runs: int, with_rdflib: bool, timeout: float | None = None,
                    names: list[str] = CONTRACT + HISTORIAN) -> dict:
    """Median seconds per query on pyoxigraph and (if asked) rdflib; an error message where a store fails."""
    import pyoxigraph as ox

    from kg.store.oxigraph import load_memory
    from kg.store.query import resolve_query

    texts = {FLOOR_LABEL: FLOOR} | {name: resolve_query(name).text for name in names}
    # Loaded as `kg query --graph build/graph.nt` loads it, queried over the union of the named graphs.
    store = load_memory(out / "graph.nt")
    result: dict = {}
    for name, text in texts.items():
        result[name] = {"oxigraph": _median(lambda: list(store.query(text, use_default_graph_as_union=True)), runs)}
    del store
    if with_rdflib:
        import rdflib

        g = rdflib.Graph()
        g.parse(str(out / "graph.nt"), format="nt")
        for name, text in texts.items():
            try:
                with _time_limit(timeout):
                    result[name]["rdflib"] = _median(lambda: list(g.query(text)), runs)
            except _TimeUp:
                result[name]["rdflib"] = f"not finished in {timeout:.0f} s"
            except Exception as e:  # noqa: BLE001 - rdflib's engine fails some queries; report it, go on
                result[name]["rdflib"] = f"fails: {type(e).__name__}: {str(e)[:80]}"
    return result


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def baseline_child(src: Path, out: Path) -> None:
    """The plain way: the same triples added one by one to an rdflib Graph, written by rdflib as Turtle."""
    import pyoxigraph as ox
    import rdflib

    from kg.rdf.build import build
    from kg.rdf.pipeline import collect_sources

    result = build(collect_sources([src]))
    g = rdflib.Graph()
    for q in result.quads:
        g.add(tuple(_rdflib_term(t, rdflib, ox) for t in (q.subject, q.predicate, q.object)))
    out.mkdir(parents=True, exist_ok=True)
    g.serialize(destination=str(out / "graph.ttl"), format="turtle")
    print(len(g))


def _rdflib_term(t, rdflib, ox):
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return rdflib.Literal(t.value, datatype=None if dt.endswith("#string") else rdflib.URIRef(dt))


def machine() -> dict:
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None) if Path("/proc/meminfo").exists() else None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": cores, "memory_mb": mem, "python": platform.python_version(), "system": platform.platform()}


def fmt_s(v) -> str:
    return f"{v:.3f} s" if isinstance(v, (int, float)) else str(v)


def report(data: dict) -> str:
    lines = [f"Machine: {data['machine']['cores']} cores, {data['machine']['memory_mb']} MB, "
             f"Python {data['machine']['python']}", "",
             "| size | letters | triples | `kg build` | peak memory | letters/s | triples/s | output | rdflib baseline | baseline ÷ ours |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for size, r in data["sizes"].items():
        b, base = r["build"], r.get("baseline")
        if base is None:
            base_s, ratio = "not run", ""
        elif base["seconds"] is None:
            base_s, ratio = f"not finished in {base['timeout']:.0f} s", f"> {base['timeout'] / b['seconds']:.1f}×"
        else:
            base_s, ratio = f"{base['seconds']:.2f} s, {base['rss_mb']:.0f} MB", f"{base['seconds'] / b['seconds']:.1f}×"
        lines.append(f"| {size}× | {b['letters']:,} | {b['triples']:,} | {b['seconds']:.2f} s | {b['rss_mb']:.0f} MB | "
                     f"{b['letters_per_s']:,.0f} | {b['triples_per_s']:,.0f} | {sum(b['bytes'].values()) / 1e6:.1f} MB "
                     f"| {base_s} | {ratio} |")
    for size, r in data["sizes"].items():
        q = r.get("queries")
        if not q:
            continue
        lines += ["", f"Queries at {size}× (median of {data['runs']} run{'s' if data['runs'] != 1 else ''}):", "",
                  "| query | Oxigraph | rdflib memory | rdflib ÷ Oxigraph |", "|---|---|---|---|"]
        for name, t in q.items():
            rd = t.get("rdflib", "not run")
            ratio = f"{rd / t['oxigraph']:.0f}×" if isinstance(rd, float) and t["oxigraph"] > 0 else ""
            label = name if name == FLOOR_LABEL else f"`{name}`"
            lines.append(f"| {label} | {fmt_s(t['oxigraph'])} | {fmt_s(rd)} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100,1000", help="comma-separated multiples of the seed page")
    ap.add_argument("--huge", action="store_true", help="add 5000× (about 9 million triples)")
    ap.add_argument("--quick", action="store_true", help="1× and 10× only, one query run (for CI)")
    ap.add_argument("--runs", type=int, default=5, help="runs per query (median)")
    ap.add_argument("--rdflib-max", type=int, default=100, help="largest size to query with rdflib's memory store")
    ap.add_argument("--rdflib-timeout", type=float, help="seconds before an rdflib query is stopped (all runs of it)")
    ap.add_argument("--baseline-max", type=int, default=1000, help="largest size to run the rdflib baseline at")
    ap.add_argument("--baseline-timeout", type=float, default=600, help="seconds before the baseline is stopped")
    ap.add_argument("--queries", choices=["all", "contract"], default="all",
                    help="the six contract queries and the historians' four, or the contract queries only")
    ap.add_argument("--no-explorer", action="store_true", help="leave out timing the explorer in Chromium")
    ap.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json")
    ap.add_argument("--baseline-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.baseline_child:
        baseline_child(*a.baseline_child)
        return
    sizes = [1, 10] if a.quick else [int(s) for s in a.sizes.split(",")] + ([5000] if a.huge else [])
    runs = 1 if a.quick else a.runs
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    data = {"machine": machine(), "runs": runs, "sizes": {}}
    try:
        for size in sizes:
            src, letters = generate(size, work)
            out = work / f"out-{size}"
            r = {"build": measure_build(src, out, letters)}
            print(f"{size}×: build {r['build']['seconds']:.2f} s, {r['build']['rss_mb']:.0f} MB", file=sys.stderr)
            r["queries"] = measure_queries(out, runs, with_rdflib=size <= a.rdflib_max, timeout=a.rdflib_timeout,
                                           names=CONTRACT + (HISTORIAN if a.queries == "all" else []))
            if size <= a.baseline_max:
                base = run_measured([sys.executable, __file__, "--baseline-child", str(src), str(work / f"base-{size}")],
                                    timeout=a.baseline_timeout)
                base.pop("stdout")
                r["baseline"] = base
            data["sizes"][size] = r
            shutil.rmtree(src, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(work / f"base-{size}", ignore_errors=True)
        if not (a.quick or a.no_explorer) and Path("/usr/bin/chromium").exists():
            print("explorer …", file=sys.stderr)
            done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "explore.py")], cwd=ROOT,
                                  capture_output=True, text=True, timeout=1800)
            data["explorer"] = done.stdout.strip() if done.returncode == 0 else f"failed: {done.stderr[-300:]}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    data["seconds"] = time.perf_counter() - started
    print(report(data))
    if "explorer" in data:
        print("\n" + data["explorer"])
    print(f"\nThe benchmark took {data['seconds'] / 60:.1f} minutes.")
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"\nWrote {a.json}")


if __name__ == "__main__":
    main()
