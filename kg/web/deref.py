"""Dereferencing: what the graph says about one IRI under the namespace, read in a worker and written for the web.

Every IRI under https://w3id.org/politburo-kg/id/ is served at /id/… and answers 303 See Other to its
description: /data/{path}.ttl, .jsonld, .rdf or .nt for programs, /page/{path} for a browser. A description holds
the triples with the thing as subject (and the blank nodes they reach, with theirs), then the links to it from
other nodes (at most INCOMING of them), from every graph of the store, in one order whatever the store's.
"""
from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..jsonld import compactor
from ..namespace import ID, ONTOLOGY_IRI, PREFIXES, RDF

ID_BASE = str(ID)
# The description documents: file extension → protocol.Format name, in the order the page offers them.
EXTENSIONS = {"ttl": "ttl", "jsonld": "jsonld", "rdf": "rdfxml", "nt": "nt"}
FORMAT_EXTENSION = {name: ext for ext, name in EXTENSIONS.items()}
FORMAT_LABELS = {"ttl": ("Turtle", "text/turtle"), "jsonld": ("JSON-LD", "application/ld+json"),
                 "rdf": ("RDF/XML", "application/rdf+xml"), "nt": ("N-Triples", "application/n-triples")}
# Links to a thing listed at most in its description (it names how many there are in all).
INCOMING = 200
# Where a node's name is read from, in this order; English, then untagged, then any other language.
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
          "https://schema.org/name", "http://xmlns.com/foaf/0.1/name", "http://purl.org/dc/terms/title")
_TYPE = str(RDF.type)
# Characters an /id/ path keeps as they are in a URL (RFC 3986 unreserved and sub-delimiters, ':', '@', '/').
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Describe:
    """A worker's job: what the graph says about one IRI (probe: only whether it knows the IRI at all)."""

    iri: str
    probe: bool = False
    incoming: int = INCOMING
    limit: int = 100_000  # triples about the thing sent at most


@dataclass
class Description:
    """The triples about one IRI, the links to it, the names of the nodes they mention and the graphs they are in."""

    iri: str
    about: list[ox.Triple] = field(default_factory=list)  # the thing as subject, then the blank nodes it reaches
    incoming: list[ox.Triple] = field(default_factory=list)  # the first links to it, in order
    incoming_total: int = 0
    cut: bool = False  # more triples about it than the limit
    labels: dict[str, str] = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)  # named graphs stating any of these
    graph_size: int | None = None  # when the IRI names a graph of the store: the triples in it

    @property
    def triples(self) -> list[ox.Triple]:
        return self.about + self.incoming


# ------------------------------------------------------------------------------------------ in the worker


def knows(store: ox.Store, iri: str) -> bool:
    """Whether the store mentions the IRI as a subject, an object or a graph name."""
    node = ox.NamedNode(iri)
    return (next(store.quads_for_pattern(node, None, None), None) is not None
            or next(store.quads_for_pattern(None, None, node), None) is not None
            or next(store.quads_for_pattern(None, None, None, node), None) is not None)


def lookup(store: ox.Store, job: Describe) -> Description | bool | None:
    """The description of job.iri (None if the store does not know it), or for a probe whether it is known."""
    if job.probe:
        return knows(store, job.iri)
    if not knows(store, job.iri):
        return None
    node = ox.NamedNode(job.iri)
    graphs: set[str] = set()
    about, cut = _closure(store, node, job.limit, graphs)
    incoming_quads = [q for q in store.quads_for_pattern(None, None, node) if q.subject != node]
    incoming = _distinct(incoming_quads, graphs)
    order = _Order(store)
    about = _sorted_about(about, node, order)
    incoming.sort(key=lambda t: (order.key(t.subject), str(t.predicate)))
    d = Description(job.iri, cut=cut, incoming_total=len(incoming))
    d.about, d.incoming = _relabel(about, incoming[:job.incoming])
    if isinstance(node, ox.NamedNode) and next(store.quads_for_pattern(None, None, None, node), None) is not None:
        d.graph_size = sum(1 for _ in store.quads_for_pattern(None, None, None, node))
    d.graphs = sorted(graphs)
    d.labels = _labels(store, d)
    return d


def _distinct(quads, graphs: set[str]) -> list[ox.Triple]:
    """The triples of quads, each once (a triple may be stated in several graphs), noting the graphs."""
    seen: dict[str, ox.Triple] = {}
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            graphs.add(q.graph_name.value)
        seen.setdefault(str(q.triple), q.triple)
    return list(seen.values())


def _closure(store: ox.Store, node: ox.NamedNode, limit: int, graphs: set[str]) -> tuple[list[ox.Triple], bool]:
    """The triples with node as subject and, recursively, those of the blank nodes they reach; at most limit."""
    out: list[ox.Triple] = []
    todo: list[ox.NamedNode | ox.BlankNode] = [node]
    seen = {str(node)}
    while todo:
        subject = todo.pop(0)
        for t in _distinct(store.quads_for_pattern(subject, None, None), graphs):
            if len(out) >= limit:
                return out, True
            out.append(t)
            if isinstance(t.object, ox.BlankNode) and str(t.object) not in seen:
                seen.add(str(t.object))
                todo.append(t.object)
    return out, False


class _Order:
    """Sort keys for terms that do not depend on a store's blank node labels: a blank node by what it says."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._signatures: dict[str, str] = {}

    def key(self, term) -> str:
        if isinstance(term, ox.BlankNode):
            return "_:" + self._signature(term, ())
        return str(term)

    def _signature(self, node: ox.BlankNode, path: tuple[str, ...]) -> str:
        if node.value in path:
            return "[…]"
        if node.value not in self._signatures:
            inner = (*path, node.value)
            parts = sorted(f"{t.predicate} {self._object(t.object, inner)}"
                           for t in _distinct(self.store.quads_for_pattern(node, None, None), set()))
            self._signatures[node.value] = "[" + "; ".join(parts) + "]"
        return self._signatures[node.value]

    def _object(self, term, path: tuple[str, ...]) -> str:
        return self._signature(term, path) if isinstance(term, ox.BlankNode) else str(term)


def _sorted_about(about: list[ox.Triple], node: ox.NamedNode, order: _Order) -> list[ox.Triple]:
    """The thing's own triples first, then each blank node's in the order they are reached."""
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in about:
        by_subject.setdefault(str(t.subject), []).append(t)
    out: list[ox.Triple] = []
    queue: list[ox.NamedNode | ox.BlankNode] = [node]
    done: set[str] = set()
    while queue:
        subject = queue.pop(0)
        if str(subject) in done:
            continue
        done.add(str(subject))
        own = sorted(by_subject.get(str(subject), []), key=lambda t: (str(t.predicate), order.key(t.object)))
        out.extend(own)
        queue.extend(t.object for t in own if isinstance(t.object, ox.BlankNode))
    return out


def _relabel(about: list[ox.Triple], incoming: list[ox.Triple]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """Both lists with their blank nodes named b1, b2 … in the order they appear."""
    names: dict[str, ox.BlankNode] = {}

    def term(t):
        if isinstance(t, ox.BlankNode):
            return names.setdefault(t.value, ox.BlankNode(f"b{len(names) + 1}"))
        return t

    def triple(t: ox.Triple) -> ox.Triple:
        return ox.Triple(term(t.subject), t.predicate, term(t.object))

    return [triple(t) for t in about], [triple(t) for t in incoming]


def _labels(store: ox.Store, d: Description) -> dict[str, str]:
    """The name of every IRI the description mentions, where the store gives one."""
    iris = {d.iri} | {t.value for x in d.triples for t in (x.subject, x.object)
                      if isinstance(t, ox.NamedNode)}
    out = {}
    for iri in sorted(iris):
        label = label_of(store, iri)
        if label is not None:
            out[iri] = label
    return out


def label_of(store: ox.Store, iri: str) -> str | None:
    """A node's name: the first of LABELS it has, in English or untagged before other languages."""
    node = ox.NamedNode(iri)
    for predicate in LABELS:
        found = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
                 if isinstance(q.object, ox.Literal)]
        if found:
            found.sort(key=lambda o: ({"en": 0, None: 1}.get(o.language, 2), o.language or "", o.value))
            return found[0].value
    return None


# ----------------------------------------------------------------------------------------- on the server


def path_of(iri: str) -> str | None:
    """The path under /id/ of an IRI of the namespace (None for any other IRI)."""
    return iri[len(ID_BASE):] if iri.startswith(ID_BASE) and len(iri) > len(ID_BASE) else None


def url_path(path: str) -> str:
    """A path (decoded, possibly with characters beyond ASCII) as it is written in a URL or a Location header."""
    return urllib.parse.quote(path, safe=_PATH_SAFE)


def local_link(iri: str) -> str | None:
    """Where this server serves an IRI of the namespace or the ontology (None for IRIs it does not serve)."""
    path = path_of(iri)
    if path is not None:
        return "/id/" + url_path(path)
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return "/ontology" + iri[len(ONTOLOGY_IRI):]
    return None


def document_triples(d: Description, document: str) -> list[ox.Triple]:
    """The description's triples, after the one that says which thing the document is about."""
    topic = ox.Triple(ox.NamedNode(document), ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"),
                      ox.NamedNode(d.iri))
    return [topic, *d.triples]


_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
          "table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.3em .5em;"
          "vertical-align:top;text-align:left}th{width:14em;font-weight:600}code{font-size:90%}"
          ".iri{color:#555;word-break:break-all}.text{white-space:pre-wrap}.meta{color:#666;font-size:85%}"
          "nav a{margin-right:1em}")


class _Writer:
    """Terms written as HTML: links for IRIs (to this server for the ones it serves), escaped literals."""

    def __init__(self, labels: dict[str, str], term_labels: dict[str, str]):
        self.labels = labels
        self.term_labels = term_labels
        self.short = compactor({**PREFIXES, "owl": "http://www.w3.org/2002/07/owl#"})

    def iri(self, iri: str, label: str | None = None) -> str:
        name = label or self.labels.get(iri) or self.term_labels.get(iri)
        shown = self.short(iri)
        text = html.escape(name) if name else f"<code>{html.escape(shown)}</code>"
        href = local_link(iri) or (iri if iri.startswith(("http://", "https://")) else None)
        if href is None:
            return f'<span title="{html.escape(iri)}">{text}</span>'
        return f'<a href="{html.escape(href)}" title="{html.escape(iri)}">{text}</a>'

    def predicate(self, iri: str) -> str:
        label = self.term_labels.get(iri)
        shown = html.escape(self.short(iri))
        href = html.escape(local_link(iri) or iri)
        inner = f"{html.escape(label)} <span class=meta>{shown}</span>" if label else f"<code>{shown}</code>"
        return f'<a href="{href}" title="{html.escape(iri)}">{inner}</a>'

    def term(self, t) -> str:
        if isinstance(t, ox.NamedNode):
            return self.iri(t.value)
        if isinstance(t, ox.BlankNode):
            return f"<code>_:{html.escape(t.value)}</code>"
        if isinstance(t, ox.Triple):
            return f"<code>{html.escape(str(t))}</code>"
        text = html.escape(t.value)
        css = " class=text" if "\n" in t.value or len(t.value) > 200 else ""
        if t.language:
            return (f'<span{css} lang="{html.escape(t.language)}">{text}</span> '
                    f"<span class=meta>@{html.escape(t.language)}</span>")
        datatype = t.datatype.value
        kind = "" if datatype == "http://www.w3.org/2001/XMLSchema#string" else \
            f" <span class=meta>{html.escape(self.short(datatype))}</span>"
        return f"<span{css}>{text}</span>{kind}"


def html_page(d: Description, path: str, term_labels: dict[str, str]) -> str:
    """The description as a page for people: name, types, properties and values, links to it, other formats."""
    w = _Writer(d.labels, term_labels)
    title = d.labels.get(d.iri) or path
    alternates = "".join(f'<link rel="alternate" type="{mt}" href="/data/{html.escape(url_path(path))}.{ext}" '
                         f'title="{name}">' for ext, (name, mt) in FORMAT_LABELS.items())
    downloads = " · ".join(f'<a href="/data/{html.escape(url_path(path))}.{ext}" type="{mt}">{name}</a>'
                           for ext, (name, mt) in FORMAT_LABELS.items())
    own = [t for t in d.about if t.subject == ox.NamedNode(d.iri)]
    types = [t.object for t in own if t.predicate.value == _TYPE]
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        alternates, f"<style>{_STYLE}</style></head><body>",
        ('<nav><a href="/">Query page</a><a href="/explore">Explorer</a><a href="/ontology">Ontology</a>'
         '<a href="/.well-known/void">Dataset</a></nav>'),
        f"<h1>{html.escape(title)}</h1>",
        f"<p class=iri><code>{html.escape(d.iri)}</code></p>",
    ]
    if types:
        parts.append("<p>" + ", ".join(w.term(t) for t in types) + "</p>")
    if d.graph_size is not None:
        parts.append(f"<p>A named graph of this dataset: {d.graph_size:,} triples. "
                     '<a href="/sparql">Query it</a> with <code>GRAPH &lt;' + html.escape(d.iri) + "&gt;</code>.</p>")
    rows = _rows(d, w)
    if rows:
        parts.append("<h2>What the graph says about it</h2><table>" + rows + "</table>")
    if d.cut:
        parts.append("<p class=meta>More triples about it than this server sends at once; the endpoint has all.</p>")
    if d.incoming:
        parts.append("<h2>Links to it</h2><table>")
        for t in d.incoming:
            parts.append(f"<tr><td>{w.term(t.subject)}</td><td>{w.predicate(t.predicate.value)}</td></tr>")
        parts.append("</table>")
        if d.incoming_total > len(d.incoming):
            parts.append(f"<p class=meta>The first {len(d.incoming)} of {d.incoming_total} links; "
                         "the endpoint has them all.</p>")
    if d.graphs:
        parts.append("<p class=meta>Stated in the graphs " + ", ".join(w.iri(g, g) for g in d.graphs) + ".</p>")
    parts.append(f"<p class=meta>As data: {downloads}.</p></body></html>")
    return "\n".join(parts) + "\n"


def _rows(d: Description, w: _Writer) -> str:
    """The table rows of the triples about the thing (types are above) and of the blank nodes it reaches."""
    rows = []
    subject = None
    for t in d.about:
        if t.subject == ox.NamedNode(d.iri) and t.predicate.value == _TYPE:
            continue
        if t.subject != subject and t.subject != ox.NamedNode(d.iri):
            rows.append(f"<tr><th colspan=2>{w.term(t.subject)}</th></tr>")
        subject = t.subject
        rows.append(f"<tr><th>{w.predicate(t.predicate.value)}</th><td>{w.term(t.object)}</td></tr>")
    return "\n".join(rows)
