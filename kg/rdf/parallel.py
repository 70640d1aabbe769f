"""Work spread over the machine's cores: forked workers that inherit the parent's state instead of pickling it."""
from __future__ import annotations

import contextlib
import multiprocessing
import os


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_context():
    """multiprocessing's fork context, or None where the platform has none (the work then stays in this process)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def workers(jobs: int | None, tasks: int) -> int:
    """How many worker processes `tasks` pieces of work get: none (0) for one, or when forking is unavailable."""
    jobs = available_cores() if jobs is None else jobs
    if jobs < 2 or tasks < 2 or fork_context() is None:
        return 0
    return min(jobs, tasks)


class Worker:
    """A forked process that keeps its own state between calls (a shard of the work stays where it was made).

    `call` sends a module-level function and its arguments; the function runs as fn(state, report, *args),
    where report(value) passes a progress message back. `result` waits for the return value, handing
    progress messages to a callback; an exception raised in the worker is raised here.
    """

    def __init__(self, ctx):
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._proc.start()
        child.close()

    def call(self, fn, *args) -> None:
        try:
            self._conn.send((fn, args))
        except OSError:
            raise self._ended() from None

    def _ended(self):
        from ..errors import KgError

        self._proc.join(timeout=1)
        return KgError(f"a worker process ended unexpectedly (exit code {self._proc.exitcode})",
                       hint="memory may be short: try --jobs 1")

    def result(self, on_progress=None):
        while True:
            done, value = self._receive(on_progress)
            if done:
                return value

    def _receive(self, on_progress):
        """(True, the return value) or (False, None) after a progress message."""
        try:
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            raise self._ended() from None
        if kind == "progress":
            if on_progress:
                on_progress(value)
            return False, None
        if kind == "error":
            raise value
        return True, value

    def close(self, now: bool = False) -> None:
        """Let the worker finish (or, `now`, stop it at once) and reap it."""
        if self._proc.is_alive() and not now:
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
        self._conn.close()


class LocalWorker:
    """A Worker's interface, the calls run in this process when `result` is asked for."""

    def __init__(self):
        self._state: dict = {}
        self._pending: tuple | None = None

    def call(self, fn, *args) -> None:
        self._pending = (fn, args)

    def result(self, on_progress=None):
        assert self._pending is not None, "result() asked before call()"
        fn, args = self._pending
        self._pending = None
        return fn(self._state, on_progress or (lambda value: None), *args)

    def close(self, now: bool = False) -> None:
        self._state.clear()


def gather(workers: list, on_progress=None) -> list:
    """Every worker's result, in order; progress messages are handled as they come, from whichever worker."""
    from multiprocessing.connection import wait

    results: dict[int, object] = {}
    local = [k for k, w in enumerate(workers) if isinstance(w, LocalWorker)]
    for k in local:
        results[k] = workers[k].result(on_progress)
    waiting = {workers[k]._conn: k for k in range(len(workers)) if k not in results}
    while waiting:
        # A worker whose messages are not read stalls when the pipe fills: read from each as it is ready.
        for conn in wait(list(waiting)):
            k = waiting[conn]
            done, value = workers[k]._receive(on_progress)
            if done:
                results[k] = value
                del waiting[conn]
    return [results[k] for k in range(len(workers))]


def _serve(conn) -> None:
    state: dict = {}

    def report(value) -> None:
        conn.send(("progress", value))

    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            break
        if message is None:
            break
        fn, args = message
        try:
            conn.send(("done", fn(state, report, *args)))
        except BaseException as e:
            try:
                conn.send(("error", e))
            except Exception:
                conn.send(("error", RuntimeError(f"{type(e).__name__}: {e}")))
    conn.close()
    # Nothing is left to flush: skip freeing a large heap object by object on the way out.
    os._exit(0)


def start_workers(jobs: int | None, tasks: int) -> list:
    """Forked workers for `tasks` pieces of work (one per core), or one LocalWorker."""
    n = workers(jobs, tasks)
    if not n:
        return [LocalWorker()]
    ctx = fork_context()
    return [Worker(ctx) for _ in range(n)]
