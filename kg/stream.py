"""The build at scale: pages parsed, turned into graphs and written on every core, the parts joined in order.

Every named graph but two belongs to one source page, so a chunk of pages (in graph order) makes a contiguous
stretch of N-Quads, TriG and JSON-LD on its own. Only N-Triples and Turtle, the union of all graphs with each
triple once, need the chunks together: each worker keeps its chunks' triples as sorted runs, the union is cut
into one range of subjects per worker, and each worker merges one range from all runs. The output is byte
for byte what `export.write_graphs` writes for the whole graph at once.
"""
from __future__ import annotations

import os
import shutil
from bisect import bisect_left, bisect_right
import tempfile
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from . import build as B
from .authority import Authority
from .export import PREFIXES, document_head, document_tail, jsonld_items
from .parallel import gather, start_workers
from .parse import link_replies, parse_file
from .records import Page, Warning_

PAGES_PER_CHUNK = 25  # small enough to bound a chunk's memory, large enough to amortise it
SAMPLE = 1000  # one line in this many samples the union, to cut it into ranges of about equal size

_STATE: dict = {}  # what forked workers inherit: the authority file


@dataclass
class Written:
    """What writing the graph found: triples in the union and PB decisions."""

    triples: int
    decisions: int


@dataclass
class _Chunk:
    name: str
    used: set[str]
    provisional: dict[str, tuple[str, str]]


class ShardedBuild:
    """A build whose pages stay, parsed, in one worker process per core until their graph is written.

    Each worker parses a contiguous share of the pages (in graph order) and keeps them; only a digest of each
    page (its letters without their text) comes back, enough to join replies across pages, name the letters
    and count. The joins go back to the workers, which then emit and write their pages in chunks.

        with ShardedBuild(paths, auth) as sb:
            pages, warnings = sb.parse()
            written = sb.write(out)
    """

    def __init__(self, paths: list[Path], auth: Authority, encoding: str | None = None, keep_text: bool = False,
                 jobs: int | None = None):
        self.paths, self.auth, self.encoding, self.keep_text = paths, auth, encoding, keep_text
        self.names = B.source_names(paths)
        _STATE["auth"] = auth  # forked workers inherit it rather than receive it pickled
        self.workers = start_workers(jobs, len(paths))
        self.shards = _shares(sorted(paths, key=lambda p: str(B.source_iri(self.names[p]))), self.names,
                              len(self.workers))
        self.pages: list[Page] = []
        self._links: list[dict] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.close()
        _STATE.clear()

    def parse(self, progress=None) -> tuple[list[Page], list[Warning_]]:
        """Parse every page and join replies across pages: the pages' digests (in source order) and all warnings.

        progress, if given, is called with the fraction parsed and the stage. A digest is the whole page
        when the build keeps the text (for the coverage report).
        """
        step = progress or (lambda done, stage: None)
        for w, share in zip(self.workers, self.shards):
            w.call(_shard_parse, share, self.names, self.encoding, self.keep_text)
        by_path: dict[Path, Page] = {}

        def one(message):
            # Each page comes back as soon as it is parsed, so reading it here overlaps the parsing.
            path, digest = message
            by_path[path] = digest
            step(len(by_path) / max(len(self.paths), 1), "parse")

        gather(self.workers, one)
        self.pages = [by_path[p] for p in self.paths]
        warnings = [w for p in self.pages for w in p.warnings]
        unanswered = {(L.source, L.line) for p in self.pages for L in p.letters if L.response is None}
        warnings += link_replies(self.pages)
        shard_of = {self.names[p]: k for k, share in enumerate(self.shards) for p in share}
        self._links = [{} for _ in self.shards]
        for p in self.pages:
            for L in p.letters:
                key = (L.source, L.line)
                answered = key in unanswered and L.response is not None
                if L.replies_to or answered:
                    self._links[shard_of[L.source]][key] = (L.replies_to, L.response if answered else None)
        return self.pages, warnings

    def write(self, out: Path, progress=None) -> Written:
        """Emit the graph and write graph.nq, .nt, .ttl, .trig and .jsonld into `out`.

        progress, if given, is called with the fraction of this stage done (0–1) and the file just finished.
        """
        step = progress or (lambda done, stage: None)
        out.mkdir(parents=True, exist_ok=True)
        the_plan = B.plan(self.pages)
        parts = Path(tempfile.mkdtemp(prefix=".parts-", dir=out))
        try:
            for k, (w, links) in enumerate(zip(self.workers, self._links)):
                w.call(_shard_write, links, the_plan, parts, k)
            total = max(1, -(-len(self.paths) // PAGES_PER_CHUNK))
            written = [0]

            def one(_):
                written[0] += 1
                step(0.6 * min(written[0] / total, 1.0), "graph")

            results = gather(self.workers, one)
            done = [c for chunks, _ in results for c in chunks]
            runs = {f"{k:03d}": index for k, (_, index) in enumerate(results)}
            return _join(done, runs, self.workers, self.auth, the_plan, out, parts, step)
        finally:
            shutil.rmtree(parts, ignore_errors=True)


def _shares(ordered: list[Path], names: dict[Path, str], n: int) -> list[list[Path]]:
    """The pages (in graph order) cut into n contiguous shares of about equal bytes, a graph never cut."""
    sizes = []
    for p in ordered:
        try:
            sizes.append(p.stat().st_size)
        except OSError:
            sizes.append(0)  # reading it will say what is wrong
    total = sum(sizes) or 1
    shares: list[list[Path]] = [[] for _ in range(n)]
    acc, k, last = 0, 0, None
    for p, size in zip(ordered, sizes):
        graph = str(B.source_iri(names[p]))
        if k < n - 1 and acc * n >= total * (k + 1) and graph != last:
            k += 1
        shares[k].append(p)
        acc += size
        last = graph
    return shares


def _digest(page: Page) -> Page:
    """A page as the main process needs it: letters without their text, notes and references."""
    letters = [replace(L, body=L.body[:1], footnotes=[], noted=[], transmission=None,
                       archive_refs=[r for r in L.archive_refs if r.fond][:1],
                       mentions=[m for m in L.mentions if m.provisional or m.kind == "person"])
               for L in page.letters]
    return replace(page, letters=letters, preamble=[])


def _shard_parse(state: dict, report, paths: list[Path], names: dict[Path, str], encoding, keep_text) -> None:
    pages = []
    for path in paths:
        page = parse_file(path, _STATE["auth"], encoding, names[path])
        if not keep_text:
            page.lines = []  # only the coverage report quotes the text
        pages.append(page)
        report((path, page if keep_text else _digest(page)))
    state["pages"] = pages


def _shard_write(state: dict, report, links: dict, the_plan: B.Plan, parts: Path,
                 shard: int) -> tuple[list[_Chunk], list[tuple[bytes, int]]]:
    pages = state.pop("pages")
    for page in pages:
        for L in page.letters:
            link = links.get((L.source, L.line))
            if link:
                L.replies_to = list(link[0])
                if link[1] is not None:
                    L.response = link[1]
    # Chunks in graph order, a graph never split between two.
    chunks = _whole_graphs([pages[k:k + PAGES_PER_CHUNK] for k in range(0, len(pages), PAGES_PER_CHUNK)])
    del pages
    done, runs = [], []
    for k, chunk in enumerate(chunks):
        em = B._Emitter(_STATE["auth"])
        B.emit_pages(em, chunk, the_plan)
        graphs = em.sorted_graphs()
        name = f"{shard:03d}-{k:06d}"
        _write_parts(graphs, parts, name)
        runs.append(_nt_lines(graphs))
        done.append(_Chunk(name, em.used, em.provisional))
        report(1)
    return done, _write_run(runs, parts / f"run-{shard:03d}")


def _write_run(runs: list[list[str]], path: Path) -> list[tuple[bytes, int]]:
    """Merge sorted runs of lines into one file of distinct lines; an index of (line, byte offset) every SAMPLE lines."""
    lines = [line for run in runs for line in run]
    runs.clear()
    lines.sort()  # the runs are sorted already: this merges them
    unique = [line for line, _ in groupby(lines)]
    del lines
    index, offset = [], 0
    with open(path, "wb") as f:
        for k in range(0, len(unique), SAMPLE):
            block = "".join(unique[k:k + SAMPLE]).encode("utf-8")
            index.append((unique[k].encode("utf-8"), offset))
            f.write(block)
            offset += len(block)
    index.append((b"", offset))  # the end
    return index


def _shard_union(state: dict, report, k: int, bounds: list[bytes], runs: dict[str, list[tuple[bytes, int]]],
                 parts: Path) -> int:
    """Merge range k of subjects from every run; write its N-Triples and Turtle; the number of its triples."""
    lo = bounds[k - 1] if k > 0 else None
    hi = bounds[k] if k < len(bounds) else None
    lines: list[bytes] = []
    for name, index in runs.items():
        # The blocks that can hold the range, then the lines in it: a line sorts at or after its subject and
        # before any greater one, so a range holds whole subjects.
        firsts = [first for first, _ in index[:-1]]
        a = max(bisect_right(firsts, lo) - 1, 0) if lo is not None else 0
        b = bisect_left(firsts, hi) if hi is not None else len(firsts)
        start, end = index[a][1], index[b][1]
        if end <= start:
            continue
        with open(parts / f"run-{name}", "rb") as f:
            f.seek(start)
            block = f.read(end - start).splitlines(keepends=True)
        i = bisect_left(block, lo) if lo is not None else 0
        j = bisect_left(block, hi) if hi is not None else len(block)
        lines += block[i:j]
    lines.sort()  # UTF-8 sorts as its code points do, so bytes merge as the lines did
    text = b"".join(line for line, _ in groupby(lines))
    (parts / f"nt-{k}").write_bytes(text)
    body = _body(ox.serialize(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                              prefixes=PREFIXES)) if text else b""
    (parts / f"ttl-{k}").write_bytes(body)
    return sum(1 for _ in groupby(lines))


def _whole_graphs(chunks: list[list[Page]]) -> list[list[Page]]:
    out: list[list[Page]] = []
    for chunk in chunks:
        if out and str(B.source_iri(out[-1][-1].source)) == str(B.source_iri(chunk[0].source)):
            out[-1].extend(chunk)
        else:
            out.append(list(chunk))
    return out


def _write_parts(graphs: B.Graphs, parts: Path, name: str) -> None:
    nq = "".join(f"{s} {p} {o} {g} .\n" for g, triples in graphs.items() for s, p, o in triples).encode("utf-8")
    (parts / f"{name}.nq").write_bytes(nq)
    (parts / f"{name}.trig").write_bytes(_body(ox.serialize(ox.parse(nq, format=ox.RdfFormat.N_QUADS),
                                                           format=ox.RdfFormat.TRIG, prefixes=PREFIXES)))
    items = jsonld_items(graphs)
    (parts / f"{name}.jsonld").write_text(items, encoding="utf-8")


def _nt_lines(graphs: B.Graphs) -> list[str]:
    return [f"{s} {p} {o} .\n" for s, p, o in sorted(set().union(*graphs.values()))]


def _body(serialized: bytes) -> bytes:
    """A Turtle or TriG serialization without its @prefix lines (the joined file has them once, at its head)."""
    start = 0
    while serialized.startswith(b"@prefix ", start):
        start = serialized.index(b"\n", start) + 1
    return serialized[start:]


def _header() -> bytes:
    """The @prefix lines pyoxigraph writes at the head of every Turtle and TriG file."""
    one = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return text[:len(text) - len(_body(text))]


def _join(done: list[_Chunk], runs: dict, shards: list, auth: Authority, the_plan: B.Plan, out: Path, parts: Path,
          step) -> Written:
    """The authority and vocabulary graphs, then every chunk's parts, joined into the five files."""
    em = B._Emitter(auth)
    for c in done:
        em.used |= c.used
        for key, value in c.provisional.items():
            em.provisional.setdefault(key, value)
    B._authority(em, auth)
    B._vocabulary(em)
    head = em.sorted_graphs()  # their IRIs (…/graph/…) sort before every page's (…/source/…)
    names = [c.name for c in done]
    nq, nt, ttl, trig, jld = (out / f"graph.{ext}" for ext in ("nq", "nt", "ttl", "trig", "jsonld"))

    _write_parts(head, parts, "head")
    _concat(nq, [parts / f"{n}.nq" for n in ["head"] + names])
    step(0.7, "nq")

    # N-Triples and Turtle: the union cut into one range of subjects per worker, each merged by its worker.
    runs = {"head": _write_run([_nt_lines(head)], parts / "run-head"), **runs}
    firsts = sorted(first for index in runs.values() for first, _ in index[:-1])
    n = len(shards)
    bounds = [firsts[len(firsts) * k // n].split(b" ", 1)[0] for k in range(1, n)] if firsts else []
    for k, w in enumerate(shards):
        w.call(_shard_union, k, bounds, runs, parts)
    triples = sum(gather(shards))
    _concat(nt, [parts / f"nt-{k}" for k in range(n)])
    step(0.8, "nt")
    _concat(ttl, [parts / f"ttl-{k}" for k in range(n)], head=_header())
    step(0.9, "ttl")

    _concat(trig, [parts / f"{n}.trig" for n in ["head"] + names], head=_header())
    step(0.95, "trig")

    with open(jld, "wb", buffering=0) as f:
        f.write(document_head().encode("utf-8"))
        first = True
        for n in ["head"] + names:
            part = parts / f"{n}.jsonld"
            if part.stat().st_size:
                f.write(b"\n  " if first else b",\n  ")
                _append(part, f)
                first = False
        f.write(document_tail().encode("utf-8"))
    step(1.0, "jsonld")
    return Written(triples, len(the_plan.first_mentions))


def _concat(target: Path, sources: list[Path], head: bytes = b"") -> None:
    # Unbuffered, so the kernel's copies and this process's writes share one file position.
    with open(target, "wb", buffering=0) as f:
        f.write(head)
        for source in sources:
            _append(source, f)


def _append(source: Path, dst) -> None:
    """Append a file to an open one, inside the kernel where it can (os.copy_file_range)."""
    with open(source, "rb", buffering=0) as src:
        size, done = os.fstat(src.fileno()).st_size, 0
        if hasattr(os, "copy_file_range"):
            try:
                while done < size:
                    n = os.copy_file_range(src.fileno(), dst.fileno(), size - done)
                    if not n:
                        break
                    done += n
            except OSError:
                pass  # not between these files: copy the rest through this process
        src.seek(done)
        shutil.copyfileobj(src, dst)
