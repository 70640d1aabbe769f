"""External programs the interop tests run: found, or skipped (failed under CI=true, where they must be)."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest


def require(name: str, package: str) -> str:
    """The path of a program; a missing one skips the test, or fails it under CI=true."""
    beside = Path(sys.executable).parent / name
    path = str(beside) if beside.exists() else shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (install {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(settings) -> Iterator:
    """`kg serve` with these settings in a thread, once its query page answers; stopped afterwards."""
    from kg.web.serve import start

    srv = start(settings)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(srv.url, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("kg serve did not answer within 30 s") from None
                time.sleep(0.05)
        yield srv
    finally:
        srv.stop()
        thread.join(10)
