"""Queries run in worker processes, so a query past its time limit can be stopped by ending its process.

pyoxigraph offers no way to cancel a running query, and it holds the GIL while it evaluates (a Python
thread spinning beside a 1.7 s query made it take 3.6 s), so neither threads nor signals can stop one;
a process can be killed and replaced while the other workers go on serving.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KgError, QueryError, ServeError

# A fresh process re-imports kg rather than inheriting the server's threads and sockets.
_CTX = mp.get_context("spawn")


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens the graph: a file in memory, or an on-disk Oxigraph store opened read-only."""

    graph: Path
    store_path: Path | None = None
    sha256: str | None = None  # the graph file's, hashed once by the server rather than by every worker


@dataclass
class Answer:
    """An HTTP answer to a query: status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def _open(spec: StoreSpec):
    from .store import OxigraphStore

    if spec.store_path is not None:
        return OxigraphStore.on_disk(spec.graph, spec.store_path, read_only=True, sha256=spec.sha256)
    return OxigraphStore.memory(spec.graph)


def answer(store, sparql: str, kind: str, fmt: str, max_rows: int) -> Answer:
    """Run a query and serialize its result in `fmt`, keeping at most `max_rows` rows."""
    from .protocol import CONTENT_TYPES, negotiate, serialize_result

    try:
        result = store.query(sparql, "query")
    except QueryError as e:
        return text_answer(400, e.message)
    real = "boolean" if result.boolean is not None else "graph" if result.graph is not None else "solutions"
    if real != kind:
        # the form read from the text was wrong (an odd query); answer in this kind's default
        fmt = negotiate(real, None)
    headers = {}
    if result.graph is None and len(result.rows) > max_rows:
        headers["X-Result-Truncated"] = f"{len(result.rows)} rows, first {max_rows} sent"
        result.rows = result.rows[:max_rows]
    elif result.graph is not None and len(result.graph) > max_rows:
        headers["X-Result-Truncated"] = f"{len(result.graph)} triples, first {max_rows} sent"
        result.graph = result.graph[:max_rows]
    return Answer(200, CONTENT_TYPES[fmt], serialize_result(result, fmt), headers)


def _main(conn, spec: StoreSpec) -> None:
    try:
        store = _open(spec)
        conn.send(("ready", None))
    except KgError as e:
        conn.send(("error", e))
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            conn.send(answer(store, *request))
        except Exception as e:  # a worker answers every request, whatever went wrong in it
            conn.send(text_answer(500, f"query failed: {type(e).__name__}: {e}"))


class _Worker:
    def __init__(self, spec: StoreSpec):
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(target=_main, args=(child, spec), daemon=True, name="kg-query-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise ServeError(f"a query worker did not open the graph within {timeout:.0f} s")
        try:
            status, value = self.conn.recv()
        except EOFError:
            raise ServeError("a query worker ended while opening the graph") from None
        if status == "error":
            raise value

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes that each hold the graph; a query past the time limit costs its worker, not the server."""

    def __init__(self, spec: StoreSpec, size: int = 2, timeout: float = 10.0, max_rows: int = 100_000,
                 start_timeout: float = 600.0):
        self.spec = spec
        self.size = max(1, size)
        self.timeout = timeout
        self.max_rows = max_rows
        self.start_timeout = start_timeout
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()

    def start(self) -> "QueryPool":
        """Start every worker and wait until each has opened the graph."""
        workers = [self._spawn() for _ in range(self.size)]
        try:
            for w in workers:
                w.wait_ready(self.start_timeout)
        except BaseException:
            self.close()
            raise
        for w in workers:
            self.idle.put(w)
        return self

    def _spawn(self) -> _Worker:
        w = _Worker(self.spec)
        with self._lock:
            self._all.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()
        if not self.closed:
            threading.Thread(target=self._replace, daemon=True, name="kg-worker-replace").start()

    def _replace(self) -> None:
        w = self._spawn()
        try:
            w.wait_ready(self.start_timeout)
        except KgError:
            with self._lock:
                self._all.discard(w)
            return
        if self.closed:
            w.kill()
        else:
            self.idle.put(w)

    def execute(self, sparql: str, kind: str, fmt: str) -> Answer:
        """Run one query on a free worker within the time limit (waiting for a worker counts against it)."""
        started = time.monotonic()
        try:
            w = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            return text_answer(503, f"All {self.size} query workers stayed busy for {self.timeout:g} s; "
                                    "try again shortly.")
        left = max(0.1, self.timeout - (time.monotonic() - started))
        try:
            w.conn.send((sparql, kind, fmt, self.max_rows))
            if w.conn.poll(left):
                result = w.conn.recv()
                self.idle.put(w)
                return result
        except (EOFError, OSError, BrokenPipeError) as e:
            self._retire(w)
            return text_answer(500, f"The query worker ended unexpectedly ({e.__class__.__name__}); "
                                    "it has been replaced.")
        self._retire(w)
        return text_answer(503, f"Query stopped after {self.timeout:g} s, the server's time limit for one query "
                                "(kg serve --timeout). Narrow it down, or add a LIMIT.")

    def close(self) -> None:
        """End every worker."""
        self.closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for w in workers:
            w.kill()
