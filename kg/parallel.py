"""Work spread over the machine's cores: forked workers that inherit the parent's state instead of pickling it."""
from __future__ import annotations

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


def workers(jobs: int | None, tasks: int, least: int = 2) -> int:
    """How many worker processes `tasks` pieces of work get: none (0) when few or when forking is unavailable."""
    jobs = available_cores() if jobs is None else jobs
    if jobs < 2 or tasks < least or fork_context() is None:
        return 0
    return min(jobs, tasks)
