"""Query workers without a network: a seccomp filter (libseccomp, through pyseccomp) refuses new sockets.

A worker talks to the server over the pipe it was started with and needs no other connection. Once its store
is open it installs a filter under which the kernel refuses, with EACCES, every call that would give it a new
way out: socket, socketpair, connect, io_uring (which can open and connect sockets itself), and the calls
that reach into another process's file descriptors or memory. Whatever a query asks of Oxigraph (SERVICE to
another host, a name lookup), no packet leaves the worker.
"""
from __future__ import annotations

import errno

# Each call that could open, connect or borrow a socket.
FORBIDDEN = ("socket", "socketpair", "connect", "io_uring_setup", "pidfd_getfd", "ptrace",
             "process_vm_readv", "process_vm_writev")


class SandboxUnavailable(RuntimeError):
    """This system cannot filter system calls (not Linux, or no libseccomp)."""


def available() -> str | None:
    """None when workers can be kept off the network here, else why not."""
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, OSError) as e:  # OSError: pyseccomp found no libseccomp.so.2
        return f"no libseccomp ({e})"
    return None


def forbid_network() -> None:
    """From now on this process can open no socket and connect nothing; the calls fail with EACCES."""
    why = available()
    if why is not None:
        raise SandboxUnavailable(why)
    import pyseccomp as sc

    flt = sc.SyscallFilter(sc.ALLOW)
    for name in FORBIDDEN:
        try:
            flt.add_rule(sc.ERRNO(errno.EACCES), name)
        except (ValueError, RuntimeError, OSError):
            continue  # a call this kernel or architecture does not have
    try:
        flt.load()
    except (RuntimeError, OSError) as e:
        raise SandboxUnavailable(f"the kernel refused the filter ({e})") from None
