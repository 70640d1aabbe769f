"""The build at scale: pages parsed, turned into graphs and written on every core, the parts joined in order.

Every named graph but two belongs to one source page, so a chunk of pages (in graph order) makes a contiguous
stretch of N-Quads, TriG and JSON-LD on its own. Only N-Triples and Turtle, the union of all graphs with each
triple once, need the chunks together: each chunk's triples wait on disk as a sorted run, the union is cut into
ranges of subjects, and the workers merge the ranges from all runs side by side. Every file is laid out from
the sizes of its parts, which each process copies into place. The output is byte for byte what
`graphfile.serialize` writes of the whole graph at once.
"""
from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain, groupby
from pathlib import Path

import pyoxigraph as ox

from ..errors import KgError
from ..graphfile import to_bytes
from ..jsonld import document_head, document_tail, item_separator, jsonld_items
from ..namespace import PREFIXES
from ..parse import link_replies
from ..parse.authority import Authority
from ..parse.records import Page, Warning_
from . import build as B
from .parallel import gather, start_workers

PAGES_PER_CHUNK = 25  # small enough to bound a chunk's memory, large enough to amortise it
SAMPLE = 1000  # one line in this many indexes the runs of the union, to cut it into ranges
RANGE_LINES = 500_000  # lines of the union merged at a time (bounds a worker's memory)

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
    index: list[tuple[bytes, int]]  # of its run of sorted N-Triples lines: (line, byte offset) every SAMPLE lines


class ShardedBuild:
    """A build whose pages stay with the worker process (one per core) that parsed them until their graph is written.

    Each worker parses a contiguous share of the pages (in graph order) and keeps them on disk; only a digest of each
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

    def __exit__(self, kind, *exc) -> None:
        self.close(now=kind is not None)

    def close(self, now: bool = False) -> None:
        """End the workers: at once (`now`) when the build failed, so that none still writes."""
        for w in self.workers:
            w.close(now)
        _STATE.clear()

    def parse(self, progress=None) -> tuple[list[Page], list[Warning_]]:
        """Parse every page and join replies across pages: the pages' digests (in source order) and all warnings.

        progress, if given, is called with the fraction parsed and the stage. A digest is the whole page
        when the build keeps the text (for the coverage report).
        """
        step = progress or (lambda done, stage: None)
        for w, share in zip(self.workers, self.shards, strict=True):
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
        # Joining replies answers letters and may complete a note's answer with its reply letter.
        before = {(L.source, L.line): replace(L.response) if L.response else None
                  for p in self.pages for L in p.letters}
        warnings += link_replies(self.pages)
        shard_of = {self.names[p]: k for k, share in enumerate(self.shards) for p in share}
        self._links = [{} for _ in self.shards]
        for p in self.pages:
            for L in p.letters:
                key = (L.source, L.line)
                answered = L.response is not None and L.response != before[key]
                if L.replies_to or answered:
                    self._links[shard_of[L.source]][key] = (L.replies_to, L.response if answered else None)
        return self.pages, warnings

    def write(self, out: Path, progress=None) -> Written:
        """Emit the graph and write graph.nq, .nt, .ttl, .trig and .jsonld into `out`.

        progress, if given, is called with the fraction of this stage done (0–1) and the file just finished.
        """
        try:
            return self._write(out, progress)
        except OSError as e:
            raise KgError(f"cannot write the graph: {e.strerror or e}", file=str(e.filename or out),
                          hint="check that the folder is writable and the disk has room") from None

    def _write(self, out: Path, progress) -> Written:
        step = progress or (lambda done, stage: None)
        out.mkdir(parents=True, exist_ok=True)
        the_plan = B.plan(self.pages)
        parts = Path(tempfile.mkdtemp(prefix=".parts-", dir=out))
        try:
            for k, (w, links) in enumerate(zip(self.workers, self._links, strict=True)):
                w.call(_shard_write, links, the_plan, parts, k)
            total = max(1, -(-len(self.paths) // PAGES_PER_CHUNK))
            written = [0]

            def one(_):
                written[0] += 1
                step(0.6 * min(written[0] / total, 1.0), "graph")

            done = [c for chunks in gather(self.workers, one) for c in chunks]
            return _join(done, self.workers, self.auth, the_plan, out, parts, step)
        except BaseException:
            self.close(now=True)  # no worker may still write into the parts about to be removed
            raise
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
    for p, size in zip(ordered, sizes, strict=True):
        graph = str(B.source_iri(names[p]))
        if k < n - 1 and acc * n >= total * (k + 1) and graph != last:
            k += 1
        shares[k].append(p)
        acc += size
        last = graph
    return shares


def _digest(page: Page) -> Page:
    """A page as the main process needs it: letters without their text, notes and references; line roles counted."""
    letters = [replace(L, body=L.body[:1], footnotes=[], noted=[], transmission=None,
                       archive_refs=[r for r in L.archive_refs if r.fond][:1],
                       mentions=[m for m in L.mentions if m.provisional or m.kind == "person"])
               for L in page.letters]
    return replace(page, letters=letters, preamble=[], roles={}, nonblank=[], unclear={}, counted=page.coverage())


def _shard_parse(state: dict, report, paths: list[Path], names: dict[Path, str], encoding, keep_text) -> None:
    # The parsed pages wait on disk, not in memory, until the joins come back: a worker's memory then holds
    # one page at a time here, one chunk at a time when writing, however many pages its share has.
    # The file is unlinked at once, so it goes with the worker however the build ends.
    try:
        spill = tempfile.TemporaryFile(prefix="kg-pages-")  # noqa: SIM115 (read back later, closed by _spilled)
    except OSError as e:
        raise _spill_error(e) from None
    for path in paths:
        page = B.read_page(path, _STATE["auth"], encoding, names[path], keep_text)
        try:
            pickle.dump(page, spill, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as e:
            raise _spill_error(e) from None
        report((path, page if keep_text else _digest(page)))
    state["spill"] = (spill, len(paths))


def _spill_error(e: OSError) -> KgError:
    return KgError(f"cannot keep the parsed pages in the temporary folder: {e.strerror or e}",
                   file=tempfile.gettempdir(), hint="set TMPDIR to a writable folder with room")


def _spilled(state: dict, links: dict) -> Iterator[Page]:
    """The worker's pages read back from disk one by one, with the joins across pages applied."""
    spill, count = state.pop("spill")
    with spill:
        spill.seek(0)
        for _ in range(count):
            page = pickle.load(spill)
            for L in page.letters:
                link = links.get((L.source, L.line))
                if link:
                    L.replies_to = list(link[0])
                    if link[1] is not None:
                        L.response = link[1]
            yield page


def _shard_write(state: dict, report, links: dict, the_plan: B.Plan, parts: Path, shard: int) -> list[_Chunk]:
    done = []
    for k, chunk in enumerate(_chunks(_spilled(state, links))):
        em = B.Emitter(_STATE["auth"])
        B.emit_pages(em, chunk, the_plan)
        graphs = em.sorted_graphs()
        name = f"{shard:03d}-{k:06d}"
        _write_parts(graphs, parts, name)
        # The chunk's share of the union waits on disk, sorted, until the union is merged range by range.
        index = _write_run(_nt_lines(graphs), parts / f"run-{name}")
        done.append(_Chunk(name, em.used, em.provisional, index))
        report(1)
    return done


def _write_run(lines: list[str], path: Path) -> list[tuple[bytes, int]]:
    """Write sorted, distinct lines; an index of (line, byte offset) every SAMPLE lines, and the end."""
    index, offset = [], 0
    with open(path, "wb") as f:
        for k in range(0, len(lines), SAMPLE):
            block = "".join(lines[k:k + SAMPLE]).encode("utf-8")
            index.append((lines[k].encode("utf-8"), offset))
            f.write(block)
            offset += len(block)
    index.append((b"", offset))
    return index


def _ranges(runs: dict[str, list[tuple[bytes, int]]], workers: int) -> list[bytes]:
    """Subjects that cut the union into ranges of at most about RANGE_LINES lines, at least one per worker."""
    firsts = sorted(first for index in runs.values() for first, _ in index[:-1])
    n = max(workers, -(-len(firsts) * SAMPLE // RANGE_LINES))
    return [firsts[len(firsts) * k // n].split(b" ", 1)[0] for k in range(1, n)] if firsts else []


def _shard_union(state: dict, report, ranges: list[int], bounds: list[bytes], runs: dict[str, list[tuple[bytes, int]]],
                 parts: Path) -> int:
    """Merge some ranges of subjects from every run; write their N-Triples and Turtle; count their triples."""
    firsts = {name: [first for first, _ in index[:-1]] for name, index in runs.items()}
    count = 0
    for k in ranges:
        lo = bounds[k - 1] if k > 0 else None
        hi = bounds[k] if k < len(bounds) else None
        lines: list[bytes] = []
        for name, index in runs.items():
            # The blocks that can hold the range, then the lines in it: a line sorts at or after its subject
            # and before any greater one, so a range holds whole subjects.
            a = max(bisect_right(firsts[name], lo) - 1, 0) if lo is not None else 0
            b = bisect_left(firsts[name], hi) if hi is not None else len(firsts[name])
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
        unique = [line for line, _ in groupby(lines)]
        del lines
        text = b"".join(unique)
        count += len(unique)
        del unique
        (parts / f"nt-{k}").write_bytes(text)
        body = _body(to_bytes(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), ox.RdfFormat.TURTLE,
                              prefixes=PREFIXES)) if text else b""
        (parts / f"ttl-{k}").write_bytes(body)
        report(1)
    return count


def _chunks(pages: Iterable[Page]) -> Iterator[list[Page]]:
    """Pages (in graph order) in chunks of about PAGES_PER_CHUNK, a graph never split between two."""
    chunk: list[Page] = []
    for page in pages:
        if len(chunk) >= PAGES_PER_CHUNK and B.source_iri(page.source) != B.source_iri(chunk[-1].source):
            yield chunk
            chunk = []
        chunk.append(page)
    if chunk:
        yield chunk


def _write_parts(graphs: B.Graphs, parts: Path, name: str) -> None:
    nq = B.nquads(graphs)
    (parts / f"{name}.nq").write_bytes(nq)
    (parts / f"{name}.trig").write_bytes(_body(to_bytes(ox.parse(nq, format=ox.RdfFormat.N_QUADS),
                                                        ox.RdfFormat.TRIG, prefixes=PREFIXES)))
    items = jsonld_items(graphs)
    (parts / f"{name}.jsonld").write_bytes(items.encode("utf-8"))


def _nt_lines(graphs: B.Graphs) -> list[str]:
    """The graphs' union as sorted, distinct N-Triples lines (each graph is a sorted run: sorting merges them)."""
    return [f"{s} {p} {o} .\n" for (s, p, o), _ in groupby(sorted(chain.from_iterable(graphs.values())))]


def _body(serialized: bytes) -> bytes:
    """A Turtle or TriG serialization without its @prefix lines (the joined file has them once, at its head)."""
    start = 0
    while serialized.startswith(b"@prefix ", start):
        start = serialized.index(b"\n", start) + 1
    return serialized[start:]


def _header() -> bytes:
    """The @prefix lines pyoxigraph writes at the head of every Turtle and TriG file."""
    one = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = to_bytes([one], ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return text[:len(text) - len(_body(text))]


def _join(done: list[_Chunk], shards: list, auth: Authority, the_plan: B.Plan, out: Path, parts: Path,
          step) -> Written:
    """The authority and vocabulary graphs, then every chunk's parts, joined into the five files.

    Every file is laid out first (its size known from its parts); each process then copies the parts it
    made into place, so the joining runs on every core and beside the merging of the union.
    """
    em = B.Emitter(auth)
    for c in done:
        em.used |= c.used
        for key, value in c.provisional.items():
            em.provisional.setdefault(key, value)
    B.emit_authority(em, auth)
    B.emit_vocabulary(em)
    head = em.sorted_graphs()  # their IRIs (…/graph/…) sort before every page's (…/source/…)
    _write_parts(head, parts, "head")
    pieces = [("head", "main")] + [(c.name, int(c.name.split("-")[0])) for c in done]

    nq, trig, jld = _Layout(out / "graph.nq"), _Layout(out / "graph.trig"), _Layout(out / "graph.jsonld")
    trig.text(_header())
    jld.text(document_head().encode("utf-8"))
    for name, owner in pieces:
        nq.part(parts / f"{name}.nq", owner)
        trig.part(parts / f"{name}.trig", owner)
        if (parts / f"{name}.jsonld").stat().st_size:
            jld.text(item_separator(not jld.copies).encode("utf-8"))
            jld.part(parts / f"{name}.jsonld", owner)
    jld.text(document_tail().encode("utf-8"))
    copies = _create(nq, trig, jld)

    # N-Triples and Turtle: the union cut into ranges of subjects, each merged from every run by one worker.
    runs = {"head": _write_run(_nt_lines(head), parts / "run-head"), **{c.name: c.index for c in done}}
    bounds = _ranges(runs, len(shards))
    n = len(bounds) + 1
    for k, w in enumerate(shards):
        w.call(_shard_finish, copies.get(k, []), list(range(k, n, len(shards))), bounds, runs, parts)
    _place(copies.get("main", []))
    triples = sum(gather(shards))
    step(0.8, "nq")
    step(0.85, "trig")
    step(0.9, "jsonld")

    nt, ttl = _Layout(out / "graph.nt"), _Layout(out / "graph.ttl")
    ttl.text(_header())
    for k in range(n):
        nt.part(parts / f"nt-{k}", k % len(shards))
        ttl.part(parts / f"ttl-{k}", k % len(shards))
    copies = _create(nt, ttl)
    for k, w in enumerate(shards):
        w.call(_shard_place, copies.get(k, []))
    gather(shards)
    step(0.95, "nt")
    step(1.0, "ttl")
    return Written(triples, len(the_plan.first_mentions))


class _Layout:
    """A file made of pieces: bytes written by the main process, and parts copied in by the process that made them."""

    def __init__(self, path: Path):
        self.path, self.size = path, 0
        self.texts: list[tuple[int, bytes]] = []
        self.copies: list[tuple[object, str, int]] = []  # (owner, part, offset)

    def text(self, data: bytes) -> None:
        self.texts.append((self.size, data))
        self.size += len(data)

    def part(self, source: Path, owner) -> None:
        size = source.stat().st_size
        if size:
            self.copies.append((owner, str(source), self.size))
            self.size += size


def _create(*layouts: _Layout) -> dict[object, list[tuple[str, str, int]]]:
    """Create each file at its full size with its texts in place; the copies left, by the process to make them."""
    copies: dict[object, list[tuple[str, str, int]]] = {}
    for layout in layouts:
        with open(layout.path, "wb") as f:
            f.truncate(layout.size)
            for offset, data in layout.texts:
                f.seek(offset)
                f.write(data)
        for owner, source, offset in layout.copies:
            copies.setdefault(owner, []).append((source, str(layout.path), offset))
    return copies


def _shard_finish(state: dict, report, copies, ranges, bounds, runs, parts) -> int:
    _place(copies)
    return _shard_union(state, report, ranges, bounds, runs, parts)


def _shard_place(state: dict, report, copies) -> None:
    _place(copies)


def _place(copies: list[tuple[str, str, int]]) -> None:
    """Copy each part into its file at its offset, inside the kernel where it can (os.copy_file_range)."""
    for source, target, offset in copies:
        with open(source, "rb", buffering=0) as src, open(target, "r+b", buffering=0) as dst:
            size, done = os.fstat(src.fileno()).st_size, 0
            if hasattr(os, "copy_file_range"):
                try:
                    while done < size:
                        n = os.copy_file_range(src.fileno(), dst.fileno(), size - done, done, offset + done)
                        if not n:
                            break
                        done += n
                except OSError:
                    pass  # not between these files: copy the rest through this process
            src.seek(done)
            dst.seek(offset + done)
            while done < size:
                block = src.read(min(1 << 24, size - done))
                if not block:
                    break
                dst.write(block)
                done += len(block)
