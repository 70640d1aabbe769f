"""Networks of people, letters and decisions read from a built graph with SPARQL, measured with networkx."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ..errors import GraphError
from ..namespace import BASE
from ..store.base import value
from ..store.query import load_store, run
from ..vocabulary import Outcome

ID_BASE = BASE + "id/"
VIEWS = ("correspondence", "decisions", "mentions")
# The outcomes a response has, and "none" for a request with no response.
OUTCOMES = (*(o.value for o in Outcome), "none")
# Above this many nodes betweenness is estimated from a seeded sample of sources and the browser's
# physics lays the network out: exact values and networkx's layout grow too slow for a historian waiting.
LARGE = 500
BETWEENNESS_SAMPLE = 300
SEED = 1934

_PREFIXES = """PREFIX pbo: <https://w3id.org/politburo-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# One query shape serves every kind of node: the values of chosen properties, one row per value, with
# the label, notation or file name of a value that is itself a node (a form, an outcome, a source page).
_PROPERTIES = _PREFIXES + """SELECT ?s ?key ?v ?label ?notation ?file WHERE {{
  ?s a {cls} .
  VALUES (?key ?p) {{ {pairs} }}
  ?s ?p ?v .
  FILTER(?key != "name" || LANG(?v) IN ("en", ""))
  OPTIONAL {{ ?v skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }}
  OPTIONAL {{ ?v skos:notation ?notation }}
  OPTIONAL {{ ?v pbo:sourceFile ?file }}
}}"""

# key: (predicate, how to read the value) - "id" a node of the graph, "text" a literal, "label",
# "notation" or "file" what the value node is called
_SHAPES = {
    "persons": ("foaf:Person", {
        "name": ("skos:prefLabel", "text"), "family": ("foaf:familyName", "text"), "alias": ("skos:altLabel", "text"),
        "role": ("pbo:role", "label"), "born": ("schema:birthDate", "text"), "died": ("schema:deathDate", "text"),
        "provisional": ("pbo:provisional", "text"), "initials": ("pbo:initials", "text"),
    }),
    "letters": ("pbo:Letter", {
        "label": ("rdfs:label", "text"), "heading": ("pbo:headingText", "text"), "date": ("schema:dateSent", "text"),
        "editorial": ("pbo:dateEditorial", "text"), "text": ("schema:text", "text"), "form": ("pbo:form", "label"),
        "page": ("prov:wasQuotedFrom", "file"), "line": ("pbo:sourceLine", "text"), "sender": ("schema:sender", "id"),
        "recipient": ("schema:recipient", "id"), "mentions": ("schema:mentions", "id"),
        "ref": ("prov:hadPrimarySource", "id"), "note": ("pbo:hasFootnote", "id"),
        "request": ("pbo:makesRequest", "id"), "records": ("pbo:recordsDecision", "id"),
        "transmission": ("pbo:transmission", "id"),
    }),
    "transmissions": ("pbo:Transmission", {
        "start": ("prov:startedAtTime", "text"), "date": ("pbo:date", "text"), "time": ("pbo:time", "text"),
        "place": ("prov:atLocation", "label"),
    }),
    "requests": ("pbo:Request", {
        "text": ("pbo:requestText", "text"), "line": ("pbo:sourceLine", "text"), "ledTo": ("pbo:ledTo", "id"),
    }),
    "responses": ("pbo:Response", {
        "request": ("pbo:respondsTo", "id"), "outcome": ("pbo:outcome", "notation"), "date": ("pbo:date", "text"),
        "time": ("pbo:time", "text"), "text": ("pbo:responseText", "text"), "evidence": ("pbo:evidence", "text"),
        "reply": ("pbo:expressedIn", "id"), "sender": ("schema:sender", "id"), "place": ("prov:atLocation", "label"),
        "note": ("prov:wasDerivedFrom", "id"), "ref": ("prov:hadPrimarySource", "id"),
        "line": ("pbo:sourceLine", "text"),
    }),
    "decisions": ("pbo:PolitburoDecision", {
        "date": ("dcterms:date", "text"), "wording": ("pbo:wording", "text"), "ref": ("prov:hadPrimarySource", "id"),
        "publication": ("dcterms:bibliographicCitation", "text"), "note": ("prov:wasDerivedFrom", "id"),
        "line": ("pbo:sourceLine", "text"), "page": ("prov:wasQuotedFrom", "file"),
    }),
    "notes": ("pbo:Footnote", {
        "text": ("rdf:value", "text"), "number": ("pbo:noteNumber", "text"), "line": ("pbo:sourceLine", "text"),
        "page": ("prov:wasQuotedFrom", "file"),
    }),
    "refs": ("pbo:ArchivalReference", {
        "archive": ("pbo:archive", "text"), "fond": ("pbo:fond", "text"), "opis": ("pbo:opis", "text"),
        "delo": ("pbo:delo", "text"), "sheets": ("pbo:sheets", "text"), "citation": ("pbo:citation", "text"),
        "description": ("dcterms:description", "text"), "index": ("pbo:referenceIndex", "text"),
    }),
}


def short(iri: str) -> str:
    """A node's IRI without the graph's base (`person/stalin`); foreign IRIs stay whole."""
    return iri[len(ID_BASE):] if iri.startswith(ID_BASE) else iri


def iri(node_id: str) -> str:
    return node_id if "://" in node_id else ID_BASE + node_id


def _read(value: ox.NamedNode | ox.Literal | ox.BlankNode, label, notation, file, how: str) -> str:
    if how == "label" and label is not None:
        return label.value
    if how == "notation":
        if notation is not None:
            return notation.value
        # graphs built without the ontology's concepts still name the outcome in the IRI (pbo:OtherOutcome)
        local = re.split(r"[#/]", value.value)[-1]
        return re.sub(r"Outcome$", "", local).lower() or local
    if how == "file" and file is not None:
        return file.value
    if isinstance(value, ox.NamedNode):
        return short(value.value)
    return value.value


def properties(store: ox.Store, kind: str) -> dict[str, dict[str, list[str]]]:
    """Every node of a kind with the values of its properties, each list sorted."""
    cls, keys = _SHAPES[kind]
    pairs = " ".join(f'("{k}" {p})' for k, (p, _) in keys.items())
    res = run(store, _PROPERTIES.format(cls=cls, pairs=pairs), f"explorer: {kind}")
    out: dict[str, dict[str, set[str]]] = {}
    for s, key, v, label, notation, file in res.rows:
        if not isinstance(s, ox.NamedNode) or not isinstance(v, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            continue
        node = out.setdefault(short(s.value), {})
        node.setdefault(value(key), set()).add(_read(v, label, notation, file, keys[value(key)][1]))
    return {n: {k: sorted(v) for k, v in props.items()} for n, props in sorted(out.items())}


def _one(props: dict[str, list[str]], key: str) -> str | None:
    values = props.get(key)
    return values[0] if values else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def scholarly_citation(ref: dict[str, list[str]]) -> str:
    """An archival reference as historians cite it: `RGASPI, f. 558, op. 11, d. 86, l. 5` (`ll.` for several sheets)."""
    archive, fond = _one(ref, "archive"), _one(ref, "fond")
    if not fond:
        text = _one(ref, "citation") or _one(ref, "description") or ""
        if archive and text.startswith(archive + " "):
            text = f"{archive}, {text[len(archive) + 1:]}"
        return text
    parts = [archive] if archive else []
    parts.append(f"f. {fond}")
    for key, abbr in (("opis", "op."), ("delo", "d.")):
        if _one(ref, key):
            parts.append(f"{abbr} {_one(ref, key)}")
    sheets = _one(ref, "sheets")
    if sheets:
        several = re.search(r"[–—,\s-]", sheets)
        parts.append(f"{'ll.' if several else 'l.'} {sheets}")
    return ", ".join(parts)


def excerpt(text: str | None, limit: int = 600) -> str:
    """The opening of a text, cut at a word and marked with an ellipsis when shortened."""
    if not text:
        return ""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip(" ,;:") + " …"


@dataclass
class Corpus:
    """What the explorer shows, read from the graph: people, letters and what the letters set in motion."""

    persons: dict[str, dict]
    letters: list[dict]
    requests: dict[str, dict]
    responses: dict[str, dict]
    decisions: dict[str, dict]
    notes: dict[str, dict]
    letter_index: dict[str, int] = field(default_factory=dict)


def read_corpus(store: ox.Store) -> Corpus:
    """Read persons, letters, requests, responses, decisions and notes from the graph."""
    P = {kind: properties(store, kind) for kind in _SHAPES}
    refs = P["refs"]

    def citations(ids: list[str]) -> list[str]:
        known = sorted((_int(_one(refs.get(r, {}), "index")) or 0, r) for r in ids)
        return [c for c in (scholarly_citation(refs.get(r, {})) for _, r in known) if c]

    persons = {pid: _person(pid, p) for pid, p in P["persons"].items()}
    notes = {nid: {"id": nid, "n": _one(n, "number"), "text": _one(n, "text") or "", "line": _int(_one(n, "line")),
                   "page": _one(n, "page")} for nid, n in P["notes"].items()}
    letters = [_letter(lid, L, P["transmissions"], persons, notes, citations) for lid, L in P["letters"].items()]
    # in the order of the edition: by date, then page and line; undated letters last
    letters.sort(key=lambda x: (x["date"] or "9999", x["page"] or "", x["line"] or 0, x["id"]))
    letter_index = {x["id"]: i for i, x in enumerate(letters)}
    requests: dict[str, dict[str, Any]] = {
        rid: {"id": rid, "text": _one(r, "text") or "", "line": _int(_one(r, "line")), "ledTo": r.get("ledTo", []),
              "letter": None, "responses": []}
        for rid, r in P["requests"].items()}
    for x in letters:
        for rid in x["requests"]:
            if rid in requests:
                requests[rid]["letter"] = letter_index[x["id"]]
    hours = _response_hours(store)
    responses = {sid: _response(sid, s, persons, notes, citations, hours) for sid, s in P["responses"].items()}
    for sid, s in responses.items():
        if s["request"] in requests:
            requests[s["request"]]["responses"].append(sid)
    decisions = {did: _decision(did, d, notes, citations) for did, d in P["decisions"].items()}
    for i, x in enumerate(letters):
        linked = set(x["records"]) | {d for rid in x["requests"] for d in requests.get(rid, {}).get("ledTo", [])}
        for did in sorted(linked):
            if did in decisions:
                decisions[did]["letters"].append(i)
    return Corpus(persons, letters, requests, responses, decisions, notes, letter_index)


def _person(pid: str, p: dict) -> dict:
    family = _one(p, "family")
    return {"id": pid, "name": _one(p, "name") or family or pid.rsplit("/", 1)[-1], "family": family or "",
            "aliases": p.get("alias", []), "roles": p.get("role", []), "born": _one(p, "born"),
            "died": _one(p, "died"), "initials": _one(p, "initials"), "provisional": _one(p, "provisional") == "true"}


def _letter(lid: str, L: dict, transmissions: dict, persons: dict, notes: dict, citations) -> dict:
    sent: dict[str, Any] | None = None
    for tid in L.get("transmission", []):
        t = transmissions.get(tid, {})
        when = _one(t, "start") or _one(t, "date")
        if when and (sent is None or when < sent["when"]):
            sent = {"when": when, "place": _one(t, "place")}
    return {
        "id": lid, "label": _one(L, "label") or _one(L, "heading") or lid, "heading": _one(L, "heading"),
        "date": _one(L, "date"), "editorial": _one(L, "editorial") == "true", "form": _one(L, "form"),
        "page": _one(L, "page"), "line": _int(_one(L, "line")), "excerpt": excerpt(_one(L, "text")),
        "senders": [x for x in L.get("sender", []) if x in persons],
        "recipients": [x for x in L.get("recipient", []) if x in persons],
        "mentions": [x for x in L.get("mentions", []) if x in persons],
        "citations": citations(L.get("ref", [])),
        "notes": sorted(L.get("note", []), key=lambda n: (_int(notes.get(n, {}).get("n")) or 0, n)),
        "requests": L.get("request", []), "records": L.get("records", []),
        "sent": sent["when"] if sent else None, "from": sent["place"] if sent else None,
    }


def _response(sid: str, s: dict, persons: dict, notes: dict, citations, hours: dict) -> dict:
    return {
        "id": sid, "request": _one(s, "request"), "outcome": _one(s, "outcome") or "other", "date": _one(s, "date"),
        "time": (_one(s, "time") or "")[:5] or None, "text": _one(s, "text") or "",
        "evidence": _one(s, "evidence"), "reply": _one(s, "reply"),
        "senders": [x for x in s.get("sender", []) if x in persons],
        "place": _one(s, "place"), "notes": [n for n in s.get("note", []) if n in notes],
        "citations": citations(s.get("ref", [])), "line": _int(_one(s, "line")), "hours": hours.get(sid),
    }


def _decision(did: str, d: dict, notes: dict, citations) -> dict:
    return {
        "id": did, "date": _one(d, "date"), "wording": _one(d, "wording") or "",
        "citations": citations(d.get("ref", [])), "publication": _one(d, "publication"),
        "notes": [n for n in d.get("note", []) if n in notes], "line": _int(_one(d, "line")),
        "page": _one(d, "page"), "letters": [],
    }


def _response_hours(store: ox.Store) -> dict[str, float]:
    """Hours from sending a request to the answer, as the named query `request-answers` computes them."""
    from ..resources import query_file

    res = run(store, query_file("request-answers").read_text(encoding="utf-8"), "request-answers")
    col = {c: i for i, c in enumerate(res.columns)}
    out = {}
    for row in res.rows:
        response, hours = row[col["response"]], row[col["hours"]]
        if response is not None and hours is not None:
            out[short(value(response))] = float(value(hours))
    return out


# -- the three networks ------------------------------------------------------------------------------------------

def _person_network(G: nx.Graph, c: Corpus, links, rel: str, named: bool = False) -> nx.Graph:
    """Persons and the edges `links(letter)` gives, weighted by letters; with `named`, every person named is a node."""
    for i, x in enumerate(c.letters):
        pairs = links(x)
        for p in sorted({p for pair in pairs for p in pair} | (set(x["mentions"]) if named else set())):
            if p not in G:
                G.add_node(p, kind="person", letters=set())
            G.nodes[p]["letters"].add(i)
        for a, b in pairs:
            if not G.has_edge(a, b):
                G.add_edge(a, b, letters=set(), rel=rel)
            G.edges[a, b]["letters"].add(i)
    for _, _, d in G.edges(data=True):
        d["weight"] = len(d["letters"])
    return G


def correspondence_graph(c: Corpus) -> nx.DiGraph:
    """Persons, with an edge author → recipient for every pair a letter joins, weighted by letters."""
    return _person_network(nx.DiGraph(), c, lambda x: [(a, b) for a in x["senders"] for b in x["recipients"] if a != b],
                           "wrote to")


def mentions_graph(c: Corpus) -> nx.Graph:
    """Persons named in letters, with an edge between two persons for the letters that name both."""
    return _person_network(nx.Graph(), c, lambda x: list(combinations(sorted(set(x["mentions"])), 2)),
                           "named together", named=True)


class _Chains:
    """The decisions network as it is drawn: nodes with the letters they come from, edges named by relation."""

    def __init__(self) -> None:
        self.G = nx.DiGraph()

    def node(self, n, kind, letters=(), **attrs) -> None:
        if n not in self.G:
            self.G.add_node(n, kind=kind, letters=set(), **attrs)
        self.G.nodes[n]["letters"].update(letters)

    def edge(self, a, b, rel) -> None:
        if not self.G.has_edge(a, b):
            self.G.add_edge(a, b, rel=rel, weight=1)


def decisions_graph(c: Corpus) -> nx.DiGraph:
    """Letter → request → Stalin's response → PB decision, with who wrote each letter and who answered."""
    g = _Chains()
    replies = {s["reply"] for s in c.responses.values() if s["reply"]}
    for i, x in enumerate(c.letters):
        if not (x["requests"] or x["records"] or x["id"] in replies):
            continue
        g.node(x["id"], "letter", [i])
        for p in x["senders"]:
            g.node(p, "person", [i])
            g.edge(p, x["id"], "wrote")
    for rid, r in c.requests.items():
        if r["letter"] is not None:
            _request_chain(g, c, rid, r)
    for did, d in c.decisions.items():
        g.node(did, "decision", d["letters"])
        for i in d["letters"]:
            x = c.letters[i]
            led = {dd for rid in x["requests"] for dd in c.requests.get(rid, {}).get("ledTo", [])}
            if did in x["records"] and did not in led:
                g.edge(x["id"], did, "recorded in notes")
    return g.G


def _request_chain(g: _Chains, c: Corpus, rid: str, r: dict) -> None:
    """A request, the answers to it and who gave them, and the decisions it led to."""
    mine = [r["letter"]]
    outcome = c.responses[r["responses"][0]]["outcome"] if r["responses"] else "none"
    g.node(rid, "request", mine, outcome=outcome)
    g.edge(c.letters[r["letter"]]["id"], rid, "makes request")
    for sid in r["responses"]:
        s = c.responses[sid]
        g.node(sid, "response", mine, outcome=s["outcome"])
        g.edge(rid, sid, "answered")
        for p in s["senders"]:
            g.node(p, "person", mine)
            g.edge(p, sid, "answered")
        if s["reply"] and s["reply"] in g.G:
            g.edge(sid, s["reply"], "answer sent in")
    for did in r["ledTo"]:
        if did in c.decisions:
            g.node(did, "decision", mine)
            for src in r["responses"] or [rid]:
                g.edge(src, did, "led to")


# -- measures and layout -----------------------------------------------------------------------------------------

@dataclass
class Measures:
    """networkx measures of one network, by node."""

    degree: dict[str, int]
    weighted: dict[str, int]
    betweenness: dict[str, float]
    community: dict[str, int]
    communities: list[list[str]]
    estimated: bool


def _indexed(G: nx.Graph) -> tuple[list[str], nx.Graph]:
    # networkx breaks ties by iteration order, and sets of strings iterate in an order that changes with
    # every process (hash randomisation): integer node labels in sorted order keep the results repeatable.
    order = sorted(G)
    idx = {n: i for i, n in enumerate(order)}
    H = G.__class__()
    H.add_nodes_from(range(len(order)))
    H.add_weighted_edges_from(sorted((idx[a], idx[b], d.get("weight", 1)) for a, b, d in G.edges(data=True)))
    return order, H


def measure(G: nx.Graph) -> Measures:
    """Degree, weighted degree, betweenness and Louvain communities, repeatable for the same graph."""
    order, H = _indexed(G)
    n = len(order)
    U = H.to_undirected() if H.is_directed() else H
    if U.number_of_edges():
        parts = nx.community.louvain_communities(U, weight="weight", seed=SEED)
    else:
        parts = [{i} for i in range(n)]
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    estimated = n > LARGE
    btw = nx.betweenness_centrality(H, k=BETWEENNESS_SAMPLE if estimated else None, seed=SEED) if n > 1 else {}
    community = {order[i]: k for k, p in enumerate(parts) for i in p}
    return Measures(
        degree={order[i]: d for i, d in H.degree()},
        weighted={order[i]: int(d) for i, d in H.degree(weight="weight")},
        betweenness={order[i]: round(btw.get(i, 0.0), 4) for i in range(n)},
        community=community,
        communities=[[order[i] for i in p] for p in parts],
        estimated=estimated,
    )


def layout(G: nx.Graph) -> dict[str, tuple[float, float]] | None:
    """Seeded spring-layout positions in screen units, or None for networks the browser's physics lays out."""
    order, H = _indexed(G)
    n = len(order)
    if n == 0 or n > LARGE:
        return None
    U = H.to_undirected() if H.is_directed() else H
    for _, _, d in U.edges(data=True):
        # a pair with many letters pulls harder, but not so hard that it swallows the rest
        d["pull"] = 1 + math.log(d["weight"])
    pos = nx.spring_layout(U, weight="pull", seed=SEED, iterations=100)
    spread = 120 * math.sqrt(n)
    return {order[i]: (round(float(x) * spread, 1), round(float(y) * spread, 1)) for i, (x, y) in pos.items()}


@dataclass
class View:
    """One network as the explorer draws it: the graph, its measures and positions."""

    name: str
    graph: nx.Graph
    measures: Measures
    positions: dict[str, tuple[float, float]] | None


def views(c: Corpus) -> dict[str, View]:
    """The correspondence, decisions and mentions networks with their measures and layouts."""
    out = {}
    for name, make in (("correspondence", correspondence_graph), ("decisions", decisions_graph),
                       ("mentions", mentions_graph)):
        G = make(c)
        out[name] = View(name, G, measure(G), layout(G))
    return out


def load(graph: Path) -> tuple[Corpus, dict[str, View]]:
    """Read a graph file and build its three networks."""
    store = load_store(graph)
    corpus = read_corpus(store)
    if not corpus.letters:
        raise GraphError("holds no letters (pbo:Letter)", file=str(graph),
                         hint="give a graph written by `kg build`")
    return corpus, views(corpus)
