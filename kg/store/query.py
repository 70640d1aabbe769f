"""SPARQL over a built graph on any store (`kg query`): queries are files in queries/, or given inline."""
from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ..graphfile import to_bytes
from ..resources import data_dir
from .base import Result, Store
from .endpoint import EndpointStore
from .oxigraph import OxigraphStore, load_memory, run_oxigraph
from .results import csv_lines

STORE_KINDS = ("memory", "oxigraph")


@dataclass
class NamedQuery:
    """A query file: its name, what it answers (the comment header) and its text."""

    name: str
    path: Path
    text: str

    @property
    def description(self) -> str:
        """The first paragraph of the comment header."""
        lines: list[str] = []
        for line in self.text.splitlines():
            text = line.lstrip("#").strip()
            if not line.startswith("#") or (not text and lines) or text.lower().startswith("columns"):
                break
            if text:
                lines.append(text)
        return " ".join(lines)


def queries_dir() -> Path:
    return data_dir("queries")


def list_queries() -> list[NamedQuery]:
    """Every query shipped in queries/, by name."""
    return [NamedQuery(p.stem, p, p.read_text(encoding="utf-8-sig")) for p in sorted(queries_dir().glob("*.rq"))]


def resolve_query(name_or_file: str) -> NamedQuery:
    """A query by name (a file in queries/ without .rq) or by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise QueryError("no such query file", file=str(path), hint="`kg queries` lists the named queries")
        return NamedQuery(path.stem, path, path.read_text(encoding="utf-8-sig"))
    candidate = queries_dir() / f"{name_or_file}.rq"
    if candidate.is_file():
        return NamedQuery(candidate.stem, candidate, candidate.read_text(encoding="utf-8-sig"))
    names = ", ".join(q.name for q in list_queries())
    raise QueryError(f"no query named {name_or_file!r}", hint=f"named queries: {names}")


def load_store(graph: Path) -> ox.Store:
    """An in-memory Oxigraph store holding the graph file (format from its extension)."""
    return load_memory(graph)


def run(store: ox.Store | Store, sparql: str, source: str = "query") -> Result:
    """Run a query over the union of all named graphs, on an Oxigraph store or any kg Store."""
    if isinstance(store, Store):
        return store.query(sparql, source)
    return run_oxigraph(store, sparql, source)


def open_store(graph: Path | None = None, kind: str = "memory", path: Path | None = None,
               endpoint: str | None = None, endpoint_method: str = "auto") -> Store:
    """The store a command runs on: a remote endpoint if given, else the graph file in the kind of store asked."""
    if endpoint:
        return EndpointStore(endpoint, method=endpoint_method)
    if graph is None:
        raise StoreError("no graph file given", hint="give --graph FILE, or --endpoint URL")
    if kind == "memory":
        return OxigraphStore.memory(graph)
    if kind == "oxigraph":
        if path is None:
            raise StoreError("an on-disk Oxigraph store needs a folder", hint="give --store-path DIR")
        return OxigraphStore.on_disk(graph, path)
    raise StoreError(f"unknown store {kind!r}", hint=f"use one of {', '.join(STORE_KINDS)}")


def cell(term) -> str:
    if term is None:
        return ""
    return term.value


def render(result: Result, fmt: str) -> str:
    """Format a result for people (table) or programs (csv, tsv, json)."""
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    if result.graph is not None:
        return to_bytes(result.graph, ox.RdfFormat.TURTLE).decode("utf-8")
    if fmt == "csv":
        # for people and programs: a line feed ends each line, every cell is its value
        return "".join(csv_lines(result.columns, result.rows, cell, "\n"))
    if fmt == "tsv":
        def esc(s: str) -> str:
            return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        lines = ["\t".join(result.columns)] + ["\t".join(esc(cell(t)) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        records = [{c: cell(t) for c, t in zip(result.columns, row, strict=True) if t is not None}
                   for row in result.rows]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    return table(result)


def table(result: Result, width: int = 40) -> str:
    """An aligned text table for people; long cells are wrapped, columns of node IRIs left to csv/json."""
    if not result.rows:
        return "(no rows)\n"
    from ..namespace import ID

    def node(t) -> bool:  # an IRI of the graph's own nodes, or nothing
        return t is None or (isinstance(t, ox.NamedNode) and t.value.startswith(str(ID)))

    keep = [i for i, c in enumerate(result.columns)
            if not all(node(row[i]) for row in result.rows) or all(row[i] is None for row in result.rows)]
    if not keep:  # nothing but node IRIs: they are the answer, shown shortened
        keep = list(range(len(result.columns)))
    hidden = [c for i, c in enumerate(result.columns) if i not in keep]
    cols = [result.columns[i] for i in keep]
    cells = [[textwrap.wrap(_short(cell(row[i])), width) or [""] for i in keep] for row in result.rows]
    widths = [max([len(c)] + [len(x) for row in cells for x in row[i]]) for i, c in enumerate(cols)]
    sep = "-+-".join("-" * w for w in widths)
    out = [" | ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)), sep]
    for row in cells:
        for k in range(max(len(x) for x in row)):
            line = " | ".join((x[k] if k < len(x) else "").ljust(w) for x, w in zip(row, widths, strict=True))
            out.append(line.rstrip())
    note = f"; IRI columns {', '.join(hidden)} in --format csv or json" if hidden else ""
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}{note})")
    return "\n".join(out) + "\n"


def _short(s: str) -> str:
    from ..namespace import ID

    return re.sub("^" + re.escape(str(ID)), "", s)


def query(graph: Path | None, query_text: str, fmt: str = "table", source: str = "query", store: str = "memory",
          store_path: Path | None = None, endpoint: str | None = None, endpoint_method: str = "auto",
          warn=None) -> str:
    """Open the graph in the store asked (or the remote endpoint), run a query, and render the answer.

    warn(message), if given, hears why a query that names graphs may find none (the graph file has none).
    """
    # A byte-order mark is an encoding's signature, not part of the query (as kg serve reads it too).
    query_text = query_text.lstrip("\ufeff")
    with open_store(graph, store, store_path, endpoint, endpoint_method) as st:
        loaded = getattr(st, "loaded", None)
        if warn and loaded is not None and loaded.note and _names_graphs(query_text):
            warn(loaded.note)
        return render(st.query(query_text, source), fmt)


def _names_graphs(sparql: str) -> bool:
    from .sparql import code, lexical

    return lexical(sparql).dataset or re.search(r"(?<![\w:?$])graph(?![\w:])", code(sparql), re.I) is not None
