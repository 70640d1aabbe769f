"""External programs the interop tests run: found, or skipped (failed under CI=true, where they must be)."""
from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

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
