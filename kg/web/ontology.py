"""The ontology (ontology/pbo.ttl) as the server offers it: the file, its other RDF formats, a page for people."""
from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..jsonld import compactor
from ..namespace import ONTOLOGY_IRI, PREFIXES
from .deref import LABELS, local_link

# /ontology.{ext}: extension → protocol.Format name (html: the page).
EXTENSIONS = {"ttl": "ttl", "jsonld": "jsonld", "rdf": "rdfxml", "nt": "nt", "html": "html"}
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCTERMS = "http://purl.org/dc/terms/"
# The kinds of term the page lists, in this order.
_KINDS = ((_OWL + "Class", "Classes"), (_OWL + "ObjectProperty", "Object properties"),
          (_OWL + "DatatypeProperty", "Datatype properties"), (_OWL + "AnnotationProperty", "Annotation properties"),
          (_SKOS + "ConceptScheme", "Concept schemes"), (_SKOS + "Concept", "Concepts"),
          (_OWL + "NamedIndividual", "Individuals"))
# What a term's entry shows beside its name and comment.
_FACTS = ((_RDFS + "subClassOf", "subclass of"), (_RDFS + "subPropertyOf", "subproperty of"),
          (_RDFS + "domain", "domain"), (_RDFS + "range", "range"), (_SKOS + "inScheme", "in scheme"),
          (_SKOS + "notation", "notation"), (_OWL + "equivalentClass", "equivalent class"),
          (_OWL + "equivalentProperty", "equivalent property"))


@dataclass
class Ontology:
    """The ontology in every format it is served in, and the names of its terms (for the description pages)."""

    formats: dict[str, bytes]  # by protocol.Format name, and "html"
    labels: dict[str, str]  # term IRI → its English label


def load(turtle: bytes, rdf_formats) -> Ontology:
    """The ontology read from its Turtle file; rdf_formats(triples) gives the other RDF formats (serve.rdf_formats)."""
    triples = [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    formats = rdf_formats(triples)
    formats["ttl"] = turtle  # the file as written, comments and all
    labels = _labels(triples)
    formats["html"] = page(triples, labels).encode("utf-8")
    return Ontology(formats, labels)


def _labels(triples: list[ox.Triple]) -> dict[str, str]:
    by_iri: dict[str, list[ox.Literal]] = defaultdict(list)
    for t in triples:
        if (t.predicate.value in LABELS[:2] and isinstance(t.subject, ox.NamedNode)
                and isinstance(t.object, ox.Literal) and t.object.language in (None, "en")):
            by_iri[t.subject.value].append(t.object)
    return {iri: sorted(values, key=lambda o: (o.language != "en", o.value))[0].value
            for iri, values in sorted(by_iri.items())}


class _Terms:
    """The ontology's triples by subject and predicate, and how a value is written on the page."""

    def __init__(self, triples: list[ox.Triple]):
        self.short = compactor({**PREFIXES, "owl": _OWL})
        self.facts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            if isinstance(t.subject, ox.NamedNode):
                self.facts[t.subject.value][t.predicate.value].append(t.object)

    def one(self, iri: str, predicate: str) -> str | None:
        """A literal value of the term (English or untagged first)."""
        values = sorted((o for o in self.facts[iri].get(predicate, []) if isinstance(o, ox.Literal)),
                        key=lambda o: (o.language not in ("en", None), o.value))
        return values[0].value if values else None

    def value(self, o) -> str:
        if isinstance(o, ox.NamedNode):
            href = local_link(o.value) or o.value
            return f'<a href="{html.escape(href)}"><code>{html.escape(self.short(o.value))}</code></a>'
        if isinstance(o, ox.Literal):
            return html.escape(o.value)
        return "<code>[ ]</code>"


_FORMATS = (("ttl", "Turtle", "text/turtle"), ("jsonld", "JSON-LD", "application/ld+json"),
            ("rdf", "RDF/XML", "application/rdf+xml"), ("nt", "N-Triples", "application/n-triples"))
_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
          "dt{font-weight:600;margin-top:1em}dd{margin-left:1.5em}.meta{color:#666;font-size:85%}code{font-size:90%}")


def page(triples: list[ox.Triple], labels: dict[str, str]) -> str:
    """The ontology for people: its header, then every term of its namespace by kind, each with an anchor."""
    terms = _Terms(triples)
    title = terms.one(ONTOLOGY_IRI, _DCTERMS + "title") or "politburo-kg ontology"
    parts = [f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
             '<meta name="viewport" content="width=device-width, initial-scale=1">']
    parts += [f'<link rel="alternate" type="{mt}" href="/ontology.{ext}" title="{name}">' for ext, name, mt in _FORMATS]
    parts += [f"<style>{_STYLE}</style></head><body>",
              '<nav><a href="/">Query page</a> · <a href="/.well-known/void">Dataset</a></nav>',
              f"<h1>{html.escape(title)}</h1>", f"<p class=meta><code>{html.escape(ONTOLOGY_IRI)}</code>"]
    version = terms.one(ONTOLOGY_IRI, _OWL + "versionInfo")
    if version:
        parts.append(f" · version {html.escape(version)}")
    parts.append("</p>")
    description = terms.one(ONTOLOGY_IRI, _DCTERMS + "description")
    if description:
        parts.append(f"<p>{html.escape(description)}</p>")
    parts.append("<p class=meta>As data: " + " · ".join(f'<a href="/ontology.{ext}" type="{mt}">{name}</a>'
                                                         for ext, name, mt in _FORMATS) + "</p>")
    parts += _sections(terms, labels)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _sections(terms: _Terms, labels: dict[str, str]) -> list[str]:
    """One list per kind of term of the namespace; each term once, under its first kind."""
    namespace = ONTOLOGY_IRI + "#"
    listed: set[str] = set()
    parts = []
    for kind, heading in _KINDS:
        iris = sorted(iri for iri, f in terms.facts.items() if iri.startswith(namespace) and iri not in listed
                      and ox.NamedNode(kind) in f.get(_RDF_TYPE, []))
        if not iris:
            continue
        parts.append(f"<h2>{heading}</h2><dl>")
        for iri in iris:
            listed.add(iri)
            parts += _entry(terms, iri, labels.get(iri) or terms.one(iri, _SKOS + "prefLabel"))
        parts.append("</dl>")
    return parts


def _entry(terms: _Terms, iri: str, label: str | None) -> list[str]:
    """A term's entry: its name with an anchor (the IRI's fragment), comment and axioms."""
    local = iri[len(ONTOLOGY_IRI) + 1:]
    out = [(f'<dt id="{html.escape(local)}">{html.escape(label or local)} '
           f'<span class=meta><code>pbo:{html.escape(local)}</code></span></dt>')]
    comment = terms.one(iri, _RDFS + "comment") or terms.one(iri, _SKOS + "definition")
    if comment:
        out.append(f"<dd>{html.escape(comment)}</dd>")
    for predicate, what in _FACTS:
        values = sorted(terms.facts[iri].get(predicate, []), key=str)
        if values:
            out.append(f"<dd class=meta>{what}: {', '.join(terms.value(v) for v in values)}</dd>")
    return out


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
