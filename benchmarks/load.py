#!/usr/bin/env python3
"""Load `kg serve` on loopback: concurrent clients each send the six contract queries in turn.

Usage: python benchmarks/load.py [--clients 16] [--requests 500] [--graph build/graph.ttl] [--url URL] [--addresses N]
Without --url it starts `kg serve` on a free 127.0.0.1 port and stops it afterwards. Each client keeps one
HTTP/1.1 connection and POSTs its queries (form-encoded, SPARQL JSON results); by default every client comes
from 127.0.0.1, which the server counts as one client (its per-client quota applies), --addresses N spreads
them over 127.0.0.1 … 127.0.0.N, as N machines would come. Reports throughput, latency
percentiles and errors (any answer but 200, or a failed connection). Traffic stays on this machine.
"""
from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ("letters", "archive-refs", "transmission", "requests", "decisions", "mentions")


def kg() -> str:
    exe = Path(sys.executable).parent / "kg"
    return str(exe) if exe.exists() else (shutil.which("kg") or "kg")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(graph: Path, workers: int | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [kg(), "serve", "--graph", str(graph), "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kg serve ended: {proc.stdout.read()}")
        try:
            urllib.request.urlopen(url + "/", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("kg serve did not answer within 120 s")


def client(url: str, bodies: list[bytes], n: int, offset: int, latencies: list, errors: list,
           deadline: float, source: str = "127.0.0.1") -> None:
    parts = urllib.parse.urlsplit(url)

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(source, 0))

    conn = connect()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    for i in range(n):
        if time.monotonic() > deadline:
            errors.append("time budget of the run used up")
            return
        body = bodies[(offset + i) % len(bodies)]
        t = time.perf_counter()
        try:
            conn.request("POST", "/sparql", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or not data.startswith(b'{"head"'):
                errors.append(f"HTTP {resp.status}: {data[:200]!r}")
        except (OSError, http.client.HTTPException) as e:
            errors.append(f"{type(e).__name__}: {e}")
            conn.close()
            conn = connect()
        latencies.append(time.perf_counter() - t)
    conn.close()


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=500, help="requests per client")
    ap.add_argument("--graph", type=Path, default=ROOT / "build" / "graph.ttl")
    ap.add_argument("--workers", type=int, help="query workers of the server it starts (default: kg serve's)")
    ap.add_argument("--url", help="a running server to load instead (loopback only)")
    ap.add_argument("--max-seconds", type=float, default=900, help="stop the run after this long")
    ap.add_argument("--addresses", type=int, default=1, help="loopback addresses the clients come from")
    a = ap.parse_args()
    if a.url and urllib.parse.urlsplit(a.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load only a server on this machine (127.0.0.1)")
    sys.path.insert(0, str(ROOT))
    from kg.store.query import resolve_query

    bodies = [urllib.parse.urlencode({"query": resolve_query(name).text}).encode() for name in CONTRACT]
    proc = None
    if a.url:
        url = a.url.rstrip("/")
    else:
        if not a.graph.is_file():
            subprocess.run([kg(), "build", "seeds", "--out", str(a.graph.parent), "-q"], cwd=ROOT, check=True)
        proc, url = start_server(a.graph, a.workers)
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + a.max_seconds
    threads = [threading.Thread(target=client, args=(url, bodies, a.requests, k, latencies, errors, deadline,
                                                     f"127.0.0.{1 + k % max(1, a.addresses)}"))
               for k in range(a.clients)]
    started = time.perf_counter()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        elapsed = time.perf_counter() - started
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    total = len(latencies)
    print("| clients × requests | addresses | requests | seconds | throughput | p50 | p99 | max | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {a.clients} × {a.requests} | {a.addresses} | {total} | {elapsed:.1f} | {total / elapsed:.0f} req/s "
          f"| {statistics.median(latencies) * 1000:.0f} ms | {percentile(latencies, 99) * 1000:.0f} ms "
          f"| {max(latencies) * 1000:.0f} ms | {len(errors)} |")
    for e in sorted(set(errors))[:10]:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
