"""Queries run in worker processes, so a query past its time limit can be stopped by ending its process.

pyoxigraph offers no way to cancel a running query, and it holds the GIL while it evaluates (a Python
thread spinning beside a 1.7 s query made it take 3.6 s), so neither threads nor signals can stop one;
a process can be killed and replaced while the other workers go on serving.

Each worker opens the graph, then gives up the network (`kg.web.sandbox`), then answers jobs on a thread with
a deep stack (`kg.store.sparql.deep_call`): it reads the query, negotiates the format, evaluates, and sends the
answer back in pieces as it is written, cut at the row limit, so that neither the worker nor the server ever
holds more than the rows it sends. Workers are handed out fairly (`Scheduler`): in order of arrival, but never more
than a quota at once to one client, so one client's expensive queries cannot hold every worker.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import KgError, QueryError, ServeError
from ..store.oxigraph import Dataset
from .deref import Describe, Description, lookup

# A fresh process re-imports kg rather than inheriting the server's threads and sockets.
_CTX = mp.get_context("spawn")
# Pieces of an answer travel to the server at about this size; bodies up to SPOOL stay in the server's memory,
# larger ones go to a temporary file while they are relayed.
CHUNK = 1 << 16
SPOOL = 1 << 22


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens the graph: a file in memory, or an on-disk Oxigraph store opened read-only."""

    graph: Path  # the file given to the server
    store_path: Path | None = None
    sha256: str | None = None  # the graph file's, hashed once by the server rather than by every worker
    companion_sha256: str | None = None  # the same for the build's quads file beside it
    load: Path | None = None  # the file an in-memory worker loads (the companion, when the server chose it)
    sandbox: bool = True  # give up the network once the graph is open


@dataclass(frozen=True)
class Job:
    """One query as the endpoint received it."""

    sparql: str
    accept: str | None = None
    format: str | None = None  # the format= parameter, a hint
    dataset: Dataset | None = None  # default-graph-uri / named-graph-uri
    base_iri: str | None = None
    allow_service: bool = False


@dataclass
class Answer:
    """An HTTP answer: status, media type, body (bytes, or a file to relay) and extra headers."""

    status: int
    content_type: str
    body: bytes | IO[bytes]
    headers: dict[str, str] = field(default_factory=dict)


def text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


UPDATE_REFUSED = "This endpoint is read-only: SPARQL Update is refused."
SERVICE_REFUSED = ("SERVICE (federated query to another endpoint) is disabled on this server "
                   "(kg serve --allow-service enables it).")


def _open(spec: StoreSpec):
    from ..store.oxigraph import OxigraphStore

    if spec.store_path is not None:
        return OxigraphStore.on_disk(spec.graph, spec.store_path, read_only=True, sha256=spec.sha256,
                                     companion_sha256=spec.companion_sha256)
    # the server has chosen the file to load (and checked a companion against the graph) once for all workers
    return OxigraphStore.memory(spec.load or spec.graph, exactly=spec.load is not None)


@dataclass(frozen=True)
class Limits:
    """What one answer may hold: rows (or triples) and bytes."""

    rows: int = 100_000
    bytes: int = 100_000_000


def answer(store, job: Job | Describe, limits: Limits, send, sandboxed: bool = False) -> None:
    """Answer one job: send ("chunk", bytes) pieces, then ("done", Answer) with the status and headers.

    A Describe job (dereferencing, kg.web.deref) is answered with ("done", what deref.lookup found).
    """
    from ..store.oxigraph import evaluate

    if isinstance(job, Describe):
        send(("done", lookup(store.store, job)))
        return
    refused, info, fmt = _admit(job, sandboxed)
    if refused is not None:
        send(("done", refused))
        return
    try:
        res = evaluate(store.store, job.sparql, info, job.dataset, job.base_iri)
    except QueryError as e:
        send(("done", text_answer(400, e.message)))
        return
    send(("done", _write(res, info, fmt, limits, send, sandboxed)))


def _admit(job: Job, sandboxed: bool):
    """A refusal (or None), the query's reading and the format to answer in."""
    from ..store.sparql import read_query
    from .protocol import negotiate, offered

    try:
        info = read_query(job.sparql, "query", parse=True)
    except QueryError as e:
        return text_answer(400, e.message), None, None
    if info.form == "update":
        return text_answer(403, UPDATE_REFUSED), info, None
    if info.service and not job.allow_service:
        return text_answer(403, SERVICE_REFUSED), info, None
    if not info.parsed and not sandboxed and not job.allow_service:
        return text_answer(400, "This query cannot be read by the SPARQL parser that checks it for SERVICE, and "
                                "this server cannot keep its query workers off the network."), info, None
    fmt = negotiate(info.kind, job.accept, job.format)
    if fmt is None:
        types = ", ".join(dict.fromkeys(offered(info.kind)))
        return text_answer(406, f"None of the types in Accept ({job.accept}) is offered for this query; "
                                f"offered: {types}."), info, None
    return None, info, fmt


class _Budget:
    """What an answer may still hold; the header says where it was cut."""

    def __init__(self, limits: Limits, what: str):
        self.limits, self.what, self.sent = limits, what, 0
        self.headers: dict[str, str] = {}

    def within(self, items):
        for n, item in enumerate(items):
            if n == self.limits.rows:
                self.headers["X-Result-Truncated"] = f"more than {n} {self.what}; first {n} sent"
                return
            if self.sent > self.limits.bytes:
                self.headers["X-Result-Truncated"] = (f"more than {self.limits.bytes:,} bytes; "
                                                      f"first {n} {self.what} sent")
                return
            yield item


def _write(res, info, fmt, limits: Limits, send, sandboxed: bool) -> Answer:
    """Write an evaluated query's answer in pieces, cut at the limits; the final Answer (or an error's)."""
    import pyoxigraph as ox

    from .protocol import NotRepresentable, negotiate, write_boolean, write_graph

    real = "boolean" if isinstance(res, ox.QueryBoolean) else "solutions" if isinstance(res, ox.QuerySolutions) \
        else "graph"
    if real != info.kind:
        # the reading of the form was wrong (an odd query); answer in this kind's default
        fmt = negotiate(real, None)
    assert fmt is not None  # without an Accept header every kind has a default
    budget = _Budget(limits, "triples" if real == "graph" else "rows")
    try:
        if real == "boolean":
            send(("chunk", write_boolean(bool(res), fmt.name)))
        elif real == "graph":
            triples = []
            for t in budget.within(res):
                triples.append(t)
                budget.sent += len(str(t))
            send(("chunk", write_graph(triples, fmt.name)))
        else:
            _write_solutions(res, fmt.name, budget, send)
    except NotRepresentable as e:
        return text_answer(406, str(e))
    except (OSError, ValueError, RuntimeError) as e:
        if sandboxed and "os error 13" in str(e):
            # EACCES while evaluating: the sandbox refused a connection, which only SERVICE makes
            return text_answer(403, SERVICE_REFUSED)
        return text_answer(400 if isinstance(e, ValueError) else 500, f"query failed: {e}")
    return Answer(200, fmt.content_type, b"", budget.headers)


def _write_solutions(res, fmt: str, budget: _Budget, send) -> None:
    from .protocol import write_solutions

    columns = [v.value for v in res.variables]
    rows = ([sol[c] for c in columns] for sol in budget.within(res))
    pending: list[str] = []
    size = 0
    for piece in write_solutions(columns, rows, fmt):
        pending.append(piece)
        size += len(piece)
        budget.sent += len(piece)
        if size >= CHUNK:
            send(("chunk", "".join(pending).encode("utf-8")))
            pending, size = [], 0
    send(("chunk", "".join(pending).encode("utf-8")))


def _serve_jobs(conn, store, limits: Limits, sandboxed: bool) -> None:
    from ..store.sparql import deep_call

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            # Oxigraph parses and evaluates recursively: each job runs on a deep stack of its own
            # (kg.store.sparql.DEEP_STACK), whose pages go back to the system when it ends.
            deep_call(answer, store, job, limits, conn.send, sandboxed)
        except (EOFError, OSError):
            return
        except Exception as e:  # a worker answers every request, whatever went wrong in it
            conn.send(("done", text_answer(500, f"query failed: {type(e).__name__}: {e}")))


def _main(conn, spec: StoreSpec, limits: Limits) -> None:
    from .sandbox import SandboxUnavailable, forbid_network

    try:
        store = _open(spec)
    except KgError as e:
        conn.send(("error", e))
        return
    unsandboxed = None
    if spec.sandbox:
        try:
            forbid_network()
        except SandboxUnavailable as e:
            unsandboxed = str(e)
    conn.send(("ready", unsandboxed))
    _serve_jobs(conn, store, limits, spec.sandbox and unsandboxed is None)


class _Worker:
    def __init__(self, spec: StoreSpec, limits: Limits):
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(target=_main, args=(child, spec, limits), daemon=True,
                                    name="kg-query-worker")
        self.process.start()
        child.close()
        self.unsandboxed: str | None = None  # why this worker could not give up the network, if it could not

    def wait_ready(self, timeout: float) -> None:
        try:
            ready = self.conn.poll(timeout)
            if ready:
                status, value = self.conn.recv()
        except (EOFError, OSError):  # it ended, or the pool was closed meanwhile
            raise ServeError("a query worker ended while opening the graph") from None
        if not ready:
            self.kill()
            raise ServeError(f"a query worker did not open the graph within {timeout:.0f} s")
        if status == "error":
            raise value
        self.unsandboxed = value

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Scheduler:
    """Hands out idle workers in order of arrival, but never more than `quota` at once to one client."""

    def __init__(self, quota: int):
        self.quota = max(1, quota)
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._waiting: list[tuple[object, str]] = []
        self.running: Counter[str] = Counter()

    def add(self, worker: _Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify_all()

    def acquire(self, client: str, timeout: float) -> tuple[_Worker | None, bool]:
        """A worker for this client within `timeout` seconds (or None), and whether its quota held it back."""
        ticket = object()
        deadline = time.monotonic() + timeout
        held_back = False
        with self._cond:
            self._waiting.append((ticket, client))
            try:
                while True:
                    if self._idle and self._first_eligible() is ticket:
                        self.running[client] += 1
                        return self._idle.pop(), held_back
                    held_back = self.running[client] >= self.quota
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None, held_back
                    self._cond.wait(left)
            finally:
                self._waiting.remove((ticket, client))
                self._cond.notify_all()

    def _first_eligible(self) -> object | None:
        return next((t for t, c in self._waiting if self.running[c] < self.quota), None)

    def release(self, client: str, worker: _Worker | None) -> None:
        """The client's worker is free again (None: it was retired)."""
        with self._cond:
            self.running[client] -= 1
            if self.running[client] <= 0:
                del self.running[client]
            if worker is not None:
                self._idle.append(worker)
            self._cond.notify_all()


# What _relay returns when the deadline passed (a Describe job's answer may be None).
_LATE = object()


def _relay(w: _Worker, job: Job | Describe, deadline: float, spool: IO[bytes]):
    """Send a job and copy the pieces of its answer into spool; its final value, or _LATE past the deadline."""
    w.conn.send(job)
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not w.conn.poll(left):
            return _LATE
        kind, value = w.conn.recv()
        if kind != "chunk":
            return value
        spool.write(value)


class QueryPool:
    """Worker processes that each hold the graph; a query past the time limit costs its worker, not the server."""

    def __init__(self, spec: StoreSpec, size: int = 2, timeout: float = 10.0, limits: Limits = Limits(),
                 start_timeout: float = 600.0, per_client: int | None = None):
        self.spec = spec
        self.size = max(1, size)
        self.timeout = timeout
        self.limits = limits
        self.start_timeout = start_timeout
        self.scheduler = Scheduler(per_client if per_client is not None else max(1, self.size - 1))
        self.closed = False
        self.unsandboxed: str | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()

    def start(self) -> QueryPool:
        """Start every worker and wait until each has opened the graph."""
        workers = [self._spawn() for _ in range(self.size)]
        try:
            for w in workers:
                w.wait_ready(self.start_timeout)
        except BaseException:
            self.close()
            raise
        self.unsandboxed = next((w.unsandboxed for w in workers if w.unsandboxed), None)
        for w in workers:
            self.scheduler.add(w)
        return self

    def _spawn(self) -> _Worker:
        w = _Worker(self.spec, self.limits)
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
        """Start a worker in place of a retired one, trying again (1 s, 2 s, … up to a minute apart) until one opens
        the graph; each failure is said on stderr, so that a shrinking pool does not go unnoticed."""
        pause = 1.0
        while not self.closed:
            w = self._spawn()
            try:
                w.wait_ready(self.start_timeout)
            except KgError as e:
                with self._lock:
                    self._all.discard(w)
                w.kill()
                print(f"warning: a query worker could not be replaced ({e}); trying again in {pause:g} s",
                      file=sys.stderr)
                time.sleep(pause)
                pause = min(60.0, pause * 2)
                continue
            if self.closed:
                w.kill()
            else:
                self.scheduler.add(w)
            return

    def execute(self, job: Job, client: str = "local") -> Answer:
        """Run one query on a free worker within the time limit (waiting for a worker counts against it)."""
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (the response relays and closes it)
        final = self._run(job, client, spool)
        if not isinstance(final, Answer) or final.status != 200:
            spool.close()
            assert isinstance(final, Answer)
            return final
        spool.seek(0)
        final.body = spool
        return final

    def describe(self, job: Describe, client: str = "local") -> Description | bool | Answer | None:
        """What the graph says about an IRI (kg.web.deref.lookup, on a worker), or an Answer saying why not."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
            return self._run(job, client, spool)

    def _run(self, job: Job | Describe, client: str, spool: IO[bytes]):
        """A job's final value on a free worker within the time limit, pieces in spool; an Answer if it failed."""
        w, held_back = self.scheduler.acquire(client, self.timeout)
        if w is None:
            if held_back:
                q = self.scheduler.quota
                return text_answer(503, f"Your {q} earlier quer{'y' if q == 1 else 'ies'} kept running for "
                                        f"{self.timeout:g} s, and one client runs at most {q} at once here "
                                        "(kg serve --per-client); try again when they are done.")
            return text_answer(503, f"All {self.size} query workers stayed busy for {self.timeout:g} s; "
                                    "try again shortly.")
        # The wait for a worker has its own limit; the query gets the whole time limit once it has one, so that a
        # query handed a worker late is not stopped (and the worker ended) for time it did not use.
        deadline = time.monotonic() + self.timeout
        try:
            final = _relay(w, job, deadline, spool)
        except (EOFError, OSError) as e:
            # the worker died, or the pipe is in a state no one can trust: replace it
            self.scheduler.release(client, None)
            self._retire(w)
            return text_answer(500, f"The query worker ended unexpectedly ({e.__class__.__name__}); "
                                    "it has been replaced.")
        if final is _LATE:
            self.scheduler.release(client, None)
            self._retire(w)
            return text_answer(503, f"Query stopped after {self.timeout:g} s, the server's time limit for one "
                                    "query (kg serve --timeout). Narrow it down, or add a LIMIT.")
        self.scheduler.release(client, w)
        return final

    def close(self) -> None:
        """End every worker."""
        self.closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for w in workers:
            w.kill()
