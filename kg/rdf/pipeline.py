"""The main job: find the pages, build the graph, write every serialization."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from ..errors import SourceError
from .build import PARSE_SHARE, Build, counts, unknown_names

PAGE_SUFFIXES = (".txt",)


def default_sources() -> Path:
    """seeds/ in the current folder, else the pages shipped with the package."""
    from ..resources import data_dir

    local = Path("seeds")
    if local.is_dir():
        return local
    try:
        return data_dir("seeds")
    except FileNotFoundError:
        raise SourceError("no sources given and no seeds/ folder here", hint="name page files or folders") from None


def collect_sources(sources: list[Path]) -> list[Path]:
    """The page files named, folders expanded to their .txt pages in name order."""
    if not sources:
        sources = [default_sources()]
    out: list[Path] = []
    for s in sources:
        s = Path(s)
        if s.is_dir():
            pages = sorted(p for p in s.iterdir() if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
            if not pages:
                raise SourceError("folder holds no pages (*.txt)", file=str(s))
            out.extend(pages)
        elif s.exists():
            out.append(s)
        else:
            raise SourceError("no such file or folder", file=str(s), hint="check the path")
    # The same page named twice would be two copies of every letter.
    seen, unique = set(), []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def run_build(sources: list[Path], out: Path, encoding: str | None = None, authority: Path | None = None,
              report: Path | None = None, strict: bool = False, progress=None, jobs: int | None = None) -> Build:
    """Build the graph from the sources and write it to `out` (and the coverage report, if asked).

    progress, if given, is called with the fraction done (0–1) and the stage; jobs is the number of
    processes that parse and write (default: one per core).
    """
    step = progress or (lambda done, stage: None)
    with _collector_paused():
        return _run_build(sources, Path(out), encoding, authority, report, strict, step, jobs)


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector for the duration of a build."""
    # A build allocates millions of acyclic tuples and strings, which the collector would rescan again and
    # again (a fifth of the build's time); the few cycles it makes wait until the end.
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run_build(sources, out, encoding, authority, report, strict, step, jobs) -> Build:
    from ..parse.authority import load_authority
    from ..parse.coverage import require_full, write_report
    from .stream import ShardedBuild

    auth = load_authority(authority)
    with ShardedBuild(collect_sources(sources), auth, encoding, keep_text=bool(report or strict), jobs=jobs) as sb:
        pages, warnings = sb.parse(progress=lambda done, stage: step(PARSE_SHARE * done, stage))
        if report:
            write_report(pages, Path(report))
        if strict:
            require_full(pages)
        written = sb.write(out, progress=lambda done, stage: step(PARSE_SHARE + (1 - PARSE_SHARE) * done, stage))
    return Build(None, pages, warnings, unknown_names(pages), counts(pages, written.triples, written.decisions))
