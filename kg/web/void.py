"""A VoID and DCAT description of the served graph: size, classes, licence, source edition, dumps and endpoint."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..graphfile import MEDIA_TYPES as RDF_MEDIA_TYPES
from ..jsonld import compactor
from ..namespace import DCTERMS, ID, ONTOLOGY_IRI, OWL, RDF, XSD
from ..namespace import PREFIXES as GRAPH_PREFIXES
from ..store.base import Store, value

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
# The data is CC BY 4.0 (CMIF admits only CC BY or CC0); the software that builds it is MIT.
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
VOCABULARIES = (ONTOLOGY_IRI + "#", "https://schema.org/", "http://xmlns.com/foaf/0.1/",
                "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
                "https://www.ica.org/standards/RiC/ontology#")
# Among the dumps, .xml is the CMIF file (TEI), not RDF/XML.
MEDIA_TYPES = {**RDF_MEDIA_TYPES, "xml": "application/tei+xml"}
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": str(DCTERMS), "xsd": str(XSD), "pbo": ONTOLOGY_IRI + "#"}

_CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class"
_STATS = """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
                   (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"""
_EDITION = """PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX pbo: <https://w3id.org/politburo-kg/ontology#>
SELECT ?edition ?title ?publisher ?issued WHERE {
  ?edition a pbo:Edition .
  OPTIONAL { ?edition dcterms:title ?title } OPTIONAL { ?edition dcterms:publisher ?publisher }
  OPTIONAL { ?edition dcterms:issued ?issued }
} LIMIT 1"""


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(str(XSD.integer)))


def describe(store: Store, base_url: str, dumps: dict[str, Path], triples: int | None = None) -> list[ox.Triple]:
    """Triples describing the graph in `store`, served at `base_url` with the dump files `dumps` (name → file).

    triples, if known, is the store's triple count (else it is counted).
    """
    base = base_url.rstrip("/")
    ds = _n(base + "/.well-known/void#dataset")
    service = _n(base + "/.well-known/void#sparql-service")
    endpoint = _n(base + "/sparql")
    out: list[ox.Triple] = []

    def add(s, p, o):
        out.append(ox.Triple(s, _n(p), o))

    add(ds, str(RDF.type), _n(VOID + "Dataset"))
    add(ds, str(RDF.type), _n(DCAT + "Dataset"))
    add(ds, DCTERMS.title, ox.Literal("politburo-kg: the Stalin–Kaganovich correspondence, 1931–1936", language="en"))
    add(ds, DCTERMS.description, ox.Literal(
        "A cited knowledge graph of the letters between Stalin and Kaganovich: every letter, request, answer and "
        "Politburo decision, each leading back to its line in the edition and to its archival sheet.", language="en"))
    add(ds, DCTERMS.license, _n(LICENCE))
    add(ds, VOID + "triples", _int(store.triple_count() if triples is None else triples))
    stats = store.query(_STATS, "void").rows[0]
    for prop, term in zip(("distinctSubjects", "properties", "distinctObjects"), stats, strict=True):
        add(ds, VOID + prop, _int(int(value(term))))
    classes = store.query(_CLASSES, "void").rows
    short = compactor({**GRAPH_PREFIXES, "owl": str(OWL)})
    add(ds, VOID + "classes", _int(len(classes)))
    for cls, n in classes:
        name = short(value(cls))
        part = _n(base + "/.well-known/void#class-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name))
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", cls)
        add(part, VOID + "entities", _int(int(value(n))))
    edition = store.query(_EDITION, "void").rows
    if edition:
        ed, title, publisher, issued = edition[0]
        add(ds, DCTERMS.source, ed)
        for prop, given in ((DCTERMS.title, title), (DCTERMS.publisher, publisher), (DCTERMS.issued, issued)):
            if given is not None:
                add(ed, prop, given)
    add(ds, VOID + "uriSpace", ox.Literal(str(ID)))
    for vocab in VOCABULARIES:
        add(ds, VOID + "vocabulary", _n(vocab))
    add(ds, VOID + "sparqlEndpoint", endpoint)
    add(ds, DCAT + "accessService", service)
    add(service, str(RDF.type), _n(DCAT + "DataService"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCTERMS.conformsTo, _n("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "servesDataset", ds)
    for name, path in sorted(dumps.items()):
        url = _n(f"{base}/data/{name}")
        ext = name.rsplit(".", 1)[-1]
        if ext != "xml":
            add(ds, VOID + "dataDump", url)
        dist = _n(f"{base}/data/{name}#distribution")
        add(ds, DCAT + "distribution", dist)
        add(dist, str(RDF.type), _n(DCAT + "Distribution"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", _n("https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[ext]))
        add(dist, DCAT + "byteSize", ox.Literal(str(Path(path).stat().st_size),
                                               datatype=_n(str(XSD.nonNegativeInteger))))
        if ext == "xml":
            add(dist, DCTERMS.conformsTo, _n("https://github.com/TEI-Correspondence-SIG/CMIF"))
        add(dist, DCTERMS.license, _n(LICENCE))
    # grouped by subject, so that Turtle writes each node once
    return sorted(out, key=lambda t: (str(t.subject) != str(ds), str(t.subject), str(t.predicate), str(t.object)))


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "JSON-LD")
SD_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS, "dcterms": str(DCTERMS), "xsd": str(XSD)}
_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def named_graphs(store: Store) -> list[tuple[str, int]]:
    """The store's named graphs and the triples in each."""
    return [(value(g), int(value(n))) for g, n in store.query(_GRAPHS, "named graphs").rows]


def service_description(base_url: str, triples: int, graphs: list[tuple[str, int]],
                        federated: bool = False) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of the endpoint: what it speaks and answers, and the dataset it serves."""
    base = base_url.rstrip("/")
    endpoint = _n(base + "/sparql")
    ds = _n(base + "/.well-known/void#dataset")
    default = _n(base + "/sparql#default-graph")
    out: list[ox.Triple] = []

    def add(s, p, o):
        out.append(ox.Triple(s, _n(p), o))

    add(endpoint, str(RDF.type), _n(SD + "Service"))
    add(endpoint, SD + "endpoint", endpoint)
    add(endpoint, DCTERMS.title, ox.Literal("politburo-kg SPARQL endpoint (read-only)", language="en"))
    add(endpoint, SD + "supportedLanguage", _n(SD + "SPARQL11Query"))
    for name in RESULT_FORMATS:
        add(endpoint, SD + "resultFormat", _n(FORMATS + name))
    # A query that names no dataset reads the union of every graph.
    add(endpoint, SD + "feature", _n(SD + "UnionDefaultGraph"))
    if federated:
        add(endpoint, SD + "feature", _n(SD + "BasicFederatedQuery"))
    add(endpoint, SD + "defaultEntailmentRegime", _n("http://www.w3.org/ns/entailment/Simple"))
    add(endpoint, SD + "defaultDataset", ds)
    add(ds, str(RDF.type), _n(SD + "Dataset"))
    add(ds, SD + "defaultGraph", default)
    add(default, str(RDF.type), _n(SD + "Graph"))
    add(default, VOID + "triples", _int(triples))
    for k, (name, n) in enumerate(graphs, 1):
        named = _n(f"{base}/sparql#named-graph-{k}")
        graph = _n(f"{base}/sparql#graph-{k}")
        add(ds, SD + "namedGraph", named)
        add(named, str(RDF.type), _n(SD + "NamedGraph"))
        add(named, SD + "name", _n(name))
        add(named, SD + "graph", graph)
        add(graph, str(RDF.type), _n(SD + "Graph"))
        add(graph, VOID + "triples", _int(n))
    # grouped by subject (the service first, then in the order written), so that Turtle writes each node once
    order = {s: k for k, s in reversed(list(enumerate(t.subject for t in out)))}
    return sorted(out, key=lambda t: order[t.subject])
