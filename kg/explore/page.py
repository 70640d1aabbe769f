"""The network explorer: one self-contained HTML page of the graph's networks, for reading offline."""
from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError
from .network import OUTCOMES, VIEWS, Corpus, View, iri, load

_HERE = Path(__file__).resolve().parent
TEMPLATE = _HERE / "templates" / "explorer.html"
STATIC = _HERE / "static"
VIS_VERSION = "9.1.2"

# What each view's node size and colour stand for, shown in the legend.
SIZE_MEANS = {
    "correspondence": "letters written and received (weighted degree)",
    "decisions": "links to letters, requests, answers and decisions (degree)",
    "mentions": "persons named in the same letters (degree)",
}


@dataclass
class Explorer:
    """What `kg explore` wrote: the page and the size of each network."""

    path: Path
    size: int
    counts: dict[str, tuple[int, int]]


def vis_assets() -> str:
    """vis-network's script as pyvis ships it, without the source-map line a browser would try to fetch."""
    spec = importlib.util.find_spec("pyvis")
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        path = Path(root) / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
        if path.is_file():
            js = path.read_text(encoding="utf-8")
            js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
            return js
    raise KgError(f"vis-network {VIS_VERSION} is missing from the pyvis package", hint="reinstall pyvis>=0.3.2")


def _inline_script(js: str, name: str) -> str:
    # Inside <script> only these sequences can end or derail the element; none may occur in code we inline.
    if re.search(r"</script|<!--", js, re.I):
        raise KgError(f"{name} cannot be inlined: it contains </script or <!--")
    return js


def json_for_script(data) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` that HTML could read as markup."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _view_data(view: View, corpus: Corpus) -> dict:
    """A network as compact JSON: nodes with measures and position, edges with the letters behind them."""
    G, m = view.graph, view.measures
    size_of = m.weighted if view.name == "correspondence" else m.degree
    nodes = []
    for n in sorted(G):
        a = G.nodes[n]
        node = {"id": n, "k": a["kind"], "l": _label(n, a["kind"], corpus), "s": size_of[n], "d": m.degree[n],
                "w": m.weighted[n], "b": m.betweenness.get(n, 0.0), "c": m.community[n], "L": sorted(a["letters"])}
        if "outcome" in a:
            node["o"] = a["outcome"]
        if view.positions:
            node["x"], node["y"] = view.positions[n]
        nodes.append(node)
    edges = []
    for a, b, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1])):
        edge = {"f": a, "t": b, "r": d.get("rel", ""), "w": d.get("weight", 1)}
        if "letters" in d:
            edge["L"] = sorted(d["letters"])
        edges.append(edge)
    communities = [{"c": k, "n": len(members),
                    "top": [_label(p, G.nodes[p]["kind"], corpus)
                            for p in sorted(members, key=lambda p: (-size_of[p], p))[:3]]}
                   for k, members in enumerate(m.communities)]
    return {"nodes": nodes, "edges": edges, "directed": G.is_directed(), "size": SIZE_MEANS[view.name],
            "communities": communities, "estimated": m.estimated, "laidOut": view.positions is not None}


def _label(node: str, kind: str, corpus: Corpus) -> str:
    if kind == "person":
        p = corpus.persons[node]
        return p["family"] or p["name"]
    if kind == "letter":
        x = corpus.letters[corpus.letter_index[node]]
        return _short_date(x["date"]) or "undated letter"
    if kind == "request":
        return "request"
    if kind == "response":
        return corpus.responses[node]["outcome"]
    if kind == "decision":
        return "PB " + (_short_date(corpus.decisions[node]["date"]) or "decision")
    return node


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _short_date(date: str | None) -> str:
    m = _ISO_DATE.fullmatch(date or "")
    return f"{int(m[3])} {_MONTHS[int(m[2]) - 1]} {m[1]}" if m else (date or "")


def page_data(corpus: Corpus, views: dict[str, View], initial: str, source_name: str) -> dict:
    """Everything the page shows, as plain data."""
    used_notes = sorted({n for x in corpus.letters for n in x["notes"]}
                        | {n for s in corpus.responses.values() for n in s["notes"]}
                        | {n for d in corpus.decisions.values() for n in d["notes"]})
    used_persons = sorted({p for v in views.values() for p in v.graph if v.graph.nodes[p]["kind"] == "person"}
                          | {p for x in corpus.letters for p in x["senders"] + x["recipients"] + x["mentions"]})
    outcomes = sorted({s["outcome"] for s in corpus.responses.values()}
                      | {"none" for r in corpus.requests.values() if not r["responses"]},
                      key=lambda o: (OUTCOMES.index(o) if o in OUTCOMES else len(OUTCOMES), o))
    return {
        "source": source_name,
        "base": iri(""),
        "initial": initial,
        "outcomes": outcomes,
        "persons": {p: corpus.persons[p] for p in used_persons},
        "letters": corpus.letters,
        "requests": corpus.requests,
        "responses": corpus.responses,
        "decisions": corpus.decisions,
        "notes": {n: corpus.notes[n] for n in used_notes},
        "views": {name: _view_data(views[name], corpus) for name in VIEWS},
    }


def render(data: dict, title: str) -> str:
    """The explorer page: template, styles, vis-network, the explorer's script and the data, all inline."""
    parts = {
        "title": html.escape(title),
        "style": (STATIC / "explorer.css").read_text(encoding="utf-8"),
        "vis": _inline_script(vis_assets(), "vis-network"),
        "script": _inline_script((STATIC / "explorer.js").read_text(encoding="utf-8"), "explorer.js"),
        "data": json_for_script(data),
    }
    # one pass, so that text from the graph can never be read as another placeholder
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m[1]], TEMPLATE.read_text(encoding="utf-8"))


def explore(graph: Path, out: Path, view: str = "correspondence") -> Explorer:
    """Read the graph, build its networks and write the explorer page to `out`."""
    if view not in VIEWS:
        raise KgError(f"unknown view {view!r}", hint=f"views: {', '.join(VIEWS)}")
    corpus, views = load(Path(graph))
    text = render(page_data(corpus, views, view, Path(graph).name), f"Letters and decisions — {Path(graph).name}")
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="\n")
    except OSError as e:
        raise KgError(f"cannot be written: {e.strerror or e}", file=str(out), hint="choose another --out") from None
    counts = {name: (v.graph.number_of_nodes(), v.graph.number_of_edges()) for name, v in views.items()}
    return Explorer(out, len(text.encode("utf-8")), counts)


def human_size(n: int) -> str:
    """A byte count for people: 812 KB, 1.4 MB."""
    if n < 1000 * 1000:
        return f"{max(1, math.ceil(n / 1000))} KB"
    return f"{n / 1e6:.1f} MB"
