"""The build at scale: pages turned into graphs and written in chunks on every core, the parts joined in order.

Every named graph but two belongs to one source page, so a chunk of pages (in graph order) makes a contiguous
stretch of N-Quads, TriG and JSON-LD on its own. Only N-Triples and Turtle, the union of all graphs with each
triple once, need the chunks together: each chunk hands back its triples sorted, and one merge of those runs
gives them. The output is byte for byte what `export.write_graphs` writes for the whole graph at once.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from . import build as B
from .authority import Authority
from .export import PREFIXES, document_head, document_tail, jsonld_items
from .parallel import fork_context, workers
from .records import Page

PAGES_PER_CHUNK = 25  # small enough to balance the cores and bound a chunk's memory, large enough to amortise it
TURTLE_SPLIT = 200_000  # triples above which Turtle is written in pieces side by side

_STATE: dict = {}  # what forked chunk workers read: pages, plan, authority, parts folder


@dataclass
class Written:
    """What writing the graph found: triples in the union, PB decisions, names the authority file lacks."""

    triples: int
    decisions: int


@dataclass
class _Chunk:
    index: int
    used: set[str]
    provisional: dict[str, tuple[str, str]]
    lines: list[str]  # the chunk's triples as sorted, distinct N-Triples lines
    parts: dict[str, bool]  # format → whether the chunk wrote anything


def write_pages(pages: list[Page], auth: Authority, out: Path, jobs: int | None = None, progress=None) -> Written:
    """Emit the pages' graph and write graph.nq, .nt, .ttl, .trig and .jsonld into `out`.

    progress, if given, is called with the fraction of this stage done (0–1) and the file just finished.
    """
    step = progress or (lambda done, stage: None)
    out.mkdir(parents=True, exist_ok=True)
    ordered = B.graph_order(pages)
    chunks = [ordered[k:k + PAGES_PER_CHUNK] for k in range(0, len(ordered), PAGES_PER_CHUNK)]
    # A graph split over two chunks would be written twice: chunks end where the graph changes.
    chunks = _whole_graphs(chunks)
    the_plan = B.plan(pages)
    parts = Path(tempfile.mkdtemp(prefix=".parts-", dir=out))
    _STATE.update(chunks=chunks, plan=the_plan, auth=auth, parts=parts)
    try:
        done: list[_Chunk] = []
        n = workers(jobs, len(chunks))
        if n:
            with fork_context().Pool(n) as pool:
                for c in pool.imap(_write_chunk, range(len(chunks))):
                    done.append(c)
                    step(0.6 * len(done) / len(chunks), "graph")
        else:
            for k in range(len(chunks)):
                done.append(_write_chunk(k))
                step(0.6 * len(done) / len(chunks), "graph")
        return _join(done, auth, the_plan, out, parts, jobs, step)
    finally:
        _STATE.clear()
        shutil.rmtree(parts, ignore_errors=True)


def _whole_graphs(chunks: list[list[Page]]) -> list[list[Page]]:
    out: list[list[Page]] = []
    for chunk in chunks:
        if out and str(B.source_iri(out[-1][-1].source)) == str(B.source_iri(chunk[0].source)):
            out[-1].extend(chunk)
        else:
            out.append(list(chunk))
    return out


def _write_chunk(index: int) -> _Chunk:
    """Emit one chunk of pages and write its stretch of N-Quads, TriG and JSON-LD."""
    em = B._Emitter(_STATE["auth"])
    B.emit_pages(em, _STATE["chunks"][index], _STATE["plan"])
    graphs = em.sorted_graphs()
    return _Chunk(index, em.used, em.provisional, _nt_lines(graphs), _write_parts(graphs, _STATE["parts"], str(index)))


def _write_parts(graphs: B.Graphs, parts: Path, name: str) -> dict[str, bool]:
    nq = "".join(f"{s} {p} {o} {g} .\n" for g, triples in graphs.items() for s, p, o in triples).encode("utf-8")
    (parts / f"{name}.nq").write_bytes(nq)
    (parts / f"{name}.trig").write_bytes(_body(ox.serialize(ox.parse(nq, format=ox.RdfFormat.N_QUADS),
                                                           format=ox.RdfFormat.TRIG, prefixes=PREFIXES)))
    items = jsonld_items(graphs)
    (parts / f"{name}.jsonld").write_text(items, encoding="utf-8")
    return {"nq": bool(nq), "jsonld": bool(items)}


def _nt_lines(graphs: B.Graphs) -> list[str]:
    return [f"{s} {p} {o} .\n" for s, p, o in sorted(set().union(*graphs.values()))]


def _body(serialized: bytes) -> bytes:
    """A Turtle or TriG serialization without its @prefix lines (the joined file has them once, at its head)."""
    lines = serialized.splitlines(keepends=True)
    k = 0
    while k < len(lines) and lines[k].startswith(b"@prefix "):
        k += 1
    return b"".join(lines[k:])


def _header() -> bytes:
    """The @prefix lines pyoxigraph writes at the head of every Turtle and TriG file."""
    one = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return text[:len(text) - len(_body(text))]


def _join(done: list[_Chunk], auth: Authority, the_plan: B.Plan, out: Path, parts: Path, jobs, step) -> Written:
    """The authority and vocabulary graphs, then every chunk's parts, joined into the five files."""
    em = B._Emitter(auth)
    for c in done:
        em.used |= c.used
        for key, value in c.provisional.items():
            em.provisional.setdefault(key, value)
    B._authority(em, auth)
    B._vocabulary(em)
    head = em.sorted_graphs()  # their IRIs (…/graph/…) sort before every page's (…/source/…)
    names = [str(c.index) for c in done]
    nq, nt, ttl, trig, jld = (out / f"graph.{ext}" for ext in ("nq", "nt", "ttl", "trig", "jsonld"))

    _write_parts(head, parts, "head")
    _concat(nq, [parts / f"{n}.nq" for n in ["head"] + names])
    step(0.7, "nq")

    lines = _nt_lines(head)
    for c in done:
        lines += c.lines
        c.lines = []
    lines.sort()  # the runs are sorted already: this merges them
    unique = [line for line, _ in groupby(lines)]
    del lines
    triples = len(unique)
    spans = _write_nt(unique, nt, workers(jobs, 2 if triples > TURTLE_SPLIT else 1) or 1)
    del unique
    step(0.8, "nt")
    _turtle(nt, spans, ttl, parts, jobs)
    step(0.9, "ttl")

    _concat(trig, [parts / f"{n}.trig" for n in ["head"] + names], head=_header())
    step(0.95, "trig")

    with open(jld, "w", encoding="utf-8") as f:
        f.write(document_head())
        first = True
        for n in ["head"] + names:
            text = (parts / f"{n}.jsonld").read_text(encoding="utf-8")
            if text:
                f.write(("\n  " if first else ",\n  ") + text)
                first = False
        f.write(document_tail())
    step(1.0, "jsonld")
    return Written(triples, len(the_plan.first_mentions))


def _concat(target: Path, sources: list[Path], head: bytes = b"") -> None:
    with open(target, "wb") as f:
        f.write(head)
        for s in sources:
            with open(s, "rb") as part:
                shutil.copyfileobj(part, f)


def _write_nt(unique: list[str], nt: Path, pieces: int) -> list[tuple[int, int]]:
    """Write the sorted union as N-Triples; the byte spans of `pieces` stretches that each begin a subject."""
    cuts = [0]
    for k in range(1, pieces):
        cut = max(cuts[-1], len(unique) * k // pieces)
        # Cut where the subject changes, so no subject's description is split.
        subject = unique[cut].split(" ", 1)[0] if cut < len(unique) else None
        while cut < len(unique) and unique[cut].split(" ", 1)[0] == subject:
            cut += 1
        cuts.append(cut)
    cuts.append(len(unique))
    offsets = []
    with open(nt, "wb") as f:
        for a, b in zip(cuts, cuts[1:]):
            offsets.append(f.tell())
            for k in range(a, b, 100_000):
                f.write("".join(unique[k:min(b, k + 100_000)]).encode("utf-8"))
        offsets.append(f.tell())
    return list(zip(offsets, offsets[1:]))


def _turtle(nt: Path, spans: list[tuple[int, int]], ttl: Path, parts: Path, jobs) -> None:
    """Turtle from the written N-Triples, its stretches turned side by side when there are cores for it."""
    tasks = [(str(nt), a, b, str(parts / f"ttl-{k}")) for k, (a, b) in enumerate(spans)]
    n = workers(jobs, len(tasks))
    if n:
        with fork_context().Pool(n) as pool:
            pool.map(_turtle_part, tasks)
    else:
        for t in tasks:
            _turtle_part(t)
    _concat(ttl, [Path(t[3]) for t in tasks], head=_header())


def _turtle_part(task: tuple[str, int, int, str]) -> None:
    nt, a, b, target = task
    with open(nt, "rb") as f:
        f.seek(a)
        text = f.read(b - a)
    body = _body(ox.serialize(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                              prefixes=PREFIXES)) if text else b""
    Path(target).write_bytes(body)
