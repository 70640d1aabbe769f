"""The ontology (ontology/pbo.ttl) and the SHACL shapes (ontology/shapes.ttl).

Checks that every term of the closed vocabulary in kg.namespace.PBO is declared and documented,
that the shapes only use declared terms, that the graph built from the seed page conforms, and
that real breakage (a letter without its source line, an outcome outside the scheme, ...) is
reported by name.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import BNode, Literal, URIRef

from kg.namespace import DCTERMS, FOAF, ONTOLOGY_IRI, OWL, PBO, PROV, RDF, RDFS, RICO, SCHEMA, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "pbo.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SEED = ROOT / "seeds" / "000_066ec2fc61583e2f.txt"

NS = str(PBO._NS)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
ONT = URIRef(ONTOLOGY_IRI)
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
TERMS = sorted(PBO.__annotations__)


def iri(name: str) -> URIRef:
    return URIRef(NS + name)


def is_pbo(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(NS)


@pytest.fixture(scope="module")
def ont() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seed page built with the default authority file; the path of its graph.ttl."""
    from kg.rdf.pipeline import run_build

    out = tmp_path_factory.mktemp("ontology-seed-build")
    run_build([SEED], out)
    graph = out / "graph.ttl"
    assert graph.is_file()
    return graph


@pytest.fixture(scope="module")
def built_graph(built) -> rdflib.Graph:
    return rdflib.Graph().parse(built, format="turtle")


def declared(ont: rdflib.Graph, term: URIRef) -> set[URIRef]:
    return set(ont.objects(term, RDF.type)) & DECLARATION_TYPES


# ---------------------------------------------------------------------------------------------
# (a) the ontology declares and documents every term of the closed vocabulary


def test_ontology_header(ont):
    assert (ONT, RDF.type, OWL.Ontology) in ont
    assert str(ont.value(ONT, OWL.versionInfo)) == "0.1.0"
    assert ont.value(ONT, DCTERMS.title) is not None
    assert ont.value(ONT, DCTERMS.description) is not None
    assert "MIT" in str(ont.value(ONT, DCTERMS.license))


@pytest.mark.parametrize("name", TERMS)
def test_every_term_is_declared_and_documented(ont, name):
    term = iri(name)
    kinds = declared(ont, term)
    assert kinds, f"pbo:{name} is not declared (owl:Class, owl:ObjectProperty, owl:DatatypeProperty or owl:NamedIndividual)"
    labels = [o for o in ont.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
    comments = [o for o in ont.objects(term, RDFS.comment) if isinstance(o, Literal) and o.language == "en"]
    assert labels and str(labels[0]).strip(), f"pbo:{name} has no English rdfs:label"
    assert comments and str(comments[0]).strip(), f"pbo:{name} has no English rdfs:comment"
    assert (term, RDFS.isDefinedBy, ONT) in ont, f"pbo:{name} lacks rdfs:isDefinedBy the ontology"
    if name[0].islower():
        assert kinds in ({OWL.ObjectProperty}, {OWL.DatatypeProperty}), f"pbo:{name} must be exactly one kind of property"
        assert ont.value(term, RDFS.range) is not None, f"pbo:{name} has no rdfs:range"
    else:
        assert kinds in ({OWL.Class}, {OWL.NamedIndividual}), f"pbo:{name}: a class or an individual, not both"
    if OWL.NamedIndividual in kinds:
        assert set(ont.objects(term, RDF.type)) & {SKOS.Concept, SKOS.ConceptScheme}


def test_ontology_declares_nothing_the_namespace_lacks(ont):
    """The closed vocabulary and the ontology stay in step: no term only one of them knows."""
    extra = sorted(str(s) for s in set(ont.subjects(RDF.type, None)) if is_pbo(s) and s.split("#")[1] not in TERMS)
    assert not extra, f"declared in pbo.ttl but missing from kg.namespace.PBO: {extra}"


def test_concept_schemes_keep_the_triples_the_build_copies(ont):
    forms = {"Encryption": "encryption", "Cipher": "cipher", "Telegram": "telegram",
             "TelephoneMessage": "telephone-message", "DirectWireNote": "direct-wire-note"}
    outcomes = {"Agreed": "agreed", "Rejected": "rejected", "Abstained": "abstained", "Amended": "amended",
                "OtherOutcome": "other"}
    for table, scheme, cls in ((forms, PBO.FormScheme, PBO.Form), (outcomes, PBO.OutcomeScheme, PBO.Outcome)):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ont
        assert set(ont.subjects(SKOS.inScheme, scheme)) == {iri(n) for n in table}
        for name, notation in table.items():
            c = iri(name)
            assert {SKOS.Concept, cls, OWL.NamedIndividual} <= set(ont.objects(c, RDF.type))
            assert str(ont.value(c, SKOS.notation)) == notation
            assert ont.value(c, SKOS.prefLabel) is not None


def test_reused_standard_vocabularies(ont):
    def sup(term):
        return set(ont.objects(term, RDFS.subClassOf))

    assert {SCHEMA.Message, PROV.Entity} <= sup(PBO.Letter)
    for cls in (PBO.Request, PBO.Response, PBO.PolitburoDecision, PBO.Footnote, PBO.NotedDocument,
                PBO.ArchivalReference, PBO.SourcePage):
        assert PROV.Entity in sup(cls), cls
    assert PROV.Activity in sup(PBO.Transmission)
    assert DCTERMS.BibliographicResource in sup(PBO.SourcePage)
    assert DCTERMS.BibliographicResource in sup(PBO.Edition)
    assert SCHEMA.Place in sup(PBO.Place)
    assert FOAF.Organization in sup(PBO.Organisation)
    assert SKOS.Concept in sup(PBO.Form) and SKOS.Concept in sup(PBO.Outcome)
    for p in (PBO.cipherNumber, PBO.outgoingNumber, PBO.forwardedNumber, PBO.incomingNumber):
        assert (p, RDFS.subPropertyOf, PBO.documentNumber) in ont
    assert (PBO.citedNumber, RDFS.subPropertyOf, PBO.documentNumber) not in ont
    assert (PBO.date, RDFS.subPropertyOf, DCTERMS.date) in ont
    # pbo:date holds a day or, when only the month is known, a month.
    rng = ont.value(PBO.date, RDFS.range)
    members = set(rdflib.collection.Collection(ont, ont.value(rng, OWL.unionOf)))
    assert members == {XSD.date, XSD.gYearMonth}
    assert ont.value(PBO.inFile, RDFS.range) == RICO.RecordSet


# ---------------------------------------------------------------------------------------------
# (b) the shapes use only declared terms, and speak plainly


def test_shapes_use_only_declared_terms(ont, shapes):
    used = {n for t in shapes for n in t if is_pbo(n)}
    assert used, "the shapes mention no pbo: term at all"
    missing = sorted(str(n) for n in used if not declared(ont, n))
    assert not missing, f"shapes mention pbo: terms the ontology does not declare: {missing}"


def test_shapes_cover_the_main_classes(shapes):
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in (PBO.Letter, PBO.Request, PBO.Response, PBO.PolitburoDecision, PBO.Footnote, PBO.Transmission,
                PBO.ArchivalReference, PBO.SourcePage, FOAF.Person):
        assert cls in targets, f"no shape targets {cls}"


def test_every_shape_is_named_and_every_property_shape_explains_itself(shapes):
    for shape in set(shapes.subjects(SH.targetClass, None)):
        assert shapes.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        assert shapes.value(shape, SH.description) is not None, f"{shape} has no sh:description"
    for ps in set(shapes.objects(None, SH.property)):
        path = shapes.value(ps, SH.path)
        assert shapes.value(ps, SH.message) is not None, f"property shape on {path} has no sh:message"
        assert shapes.value(ps, SH.severity) in (SH.Violation, SH.Warning), f"property shape on {path}: severity"


# ---------------------------------------------------------------------------------------------
# (c) the seed graph conforms


def test_seed_graph_conforms(built):
    from kg.rdf.validate import validate

    report = validate(built)
    print(report.text)
    assert report.conforms, report.text
    assert not report.violations, report.violations


# ---------------------------------------------------------------------------------------------
# (d) broken graphs do not conform, and the report names what is wrong


def _validate_graph(g: rdflib.Graph, tmp_path: Path, name: str = "broken.ttl"):
    from kg.rdf.validate import validate

    path = tmp_path / name
    g.serialize(path, format="turtle")
    return validate(path)


def _copy(g: rdflib.Graph) -> rdflib.Graph:
    out = rdflib.Graph()
    for t in g:
        out.add(t)
    return out


def _first(g: rdflib.Graph, cls: URIRef) -> URIRef:
    nodes = sorted(g.subjects(RDF.type, cls))
    assert nodes, f"the seed graph has no {cls}"
    return nodes[0]


def _violations_of(report, node) -> list[str]:
    return [v for v in report.violations if v.startswith(f"{node}: ")]


def test_broken_graph_is_reported(built_graph, tmp_path):
    g = _copy(built_graph)
    letter = _first(g, PBO.Letter)
    assert g.value(letter, PBO.sourceLine) is not None
    g.remove((letter, PBO.sourceLine, None))

    # A response like a real one in every way but its outcome, which is not in the scheme.
    model = _first(g, PBO.Response)
    bogus = URIRef(str(model) + "-bogus")
    for p, o in list(g.predicate_objects(model)):
        g.add((bogus, p, o))
    g.set((bogus, PBO.outcome, iri("Perhaps")))

    report = _validate_graph(g, tmp_path)
    assert not report.conforms, report.text
    lv = _violations_of(report, letter)
    assert lv and all("pbo:sourceLine" in v for v in lv), report.violations
    rv = _violations_of(report, bogus)
    assert rv and all("pbo:outcome" in v for v in rv), report.violations
    assert "pbo:sourceLine" in report.text and "pbo:outcome" in report.text
    # Nothing else was broken, so nothing else is reported.
    assert set(report.violations) == set(lv) | set(rv), report.violations


def _drop(p):
    def mutate(g, node):
        g.remove((node, p, None))
    return mutate


def _set(p, value):
    def mutate(g, node):
        g.set((node, p, value))
    return mutate


BREAKAGE = [
    # (class of the node to break, how, words the violation must contain)
    (PBO.Letter, _drop(PROV.wasQuotedFrom), "prov:wasQuotedFrom"),
    (PBO.Letter, _drop(SCHEMA.sender), "schema:sender"),
    (PBO.Letter, _drop(SCHEMA.recipient), "schema:recipient"),
    (PBO.Letter, _drop(PBO.dateEditorial), "pbo:dateEditorial"),
    (PBO.Letter, _set(SCHEMA.dateSent, Literal("3 October 1934")), "schema:dateSent"),
    (PBO.Letter, _set(PBO.form, PBO.Agreed), "pbo:form"),
    (PBO.Letter, _set(PBO.endLine, Literal(1)), "pbo:endLine"),
    (PBO.Request, _drop(PBO.sourceLine), "pbo:sourceLine"),
    (PBO.Response, _drop(PBO.respondsTo), "pbo:respondsTo"),
    (PBO.Response, _set(PBO.evidence, Literal("rumour")), "pbo:evidence"),
    (PBO.Response, _set(PBO.time, Literal("13:46")), "pbo:time"),
    (PBO.PolitburoDecision, _drop(DCTERMS.date), "dcterms:date"),
    (PBO.PolitburoDecision, _drop(PBO.wording), "pbo:wording"),
    (PBO.Footnote, _drop(RDF.value), "rdf:value"),
    (PBO.Transmission, _drop(DCTERMS.source), "dcterms:source"),
    (PBO.ArchivalReference, _drop(PBO.citation), "pbo:citation"),
    (PBO.ArchivalReference, _drop(PBO.fond), "pbo:fond"),
    (PBO.ArchivalReference, _set(PBO.delo, Literal("86. L")), "pbo:delo"),
    (PBO.SourcePage, _set(PBO.sha256, Literal("not-a-checksum")), "pbo:sha256"),
    (FOAF.Person, _drop(FOAF.familyName), "foaf:familyName"),
]


@pytest.mark.parametrize("cls,mutate,words", BREAKAGE, ids=[f"{c.split('#')[-1].split('/')[-1]}-{w}" for c, _, w in BREAKAGE])
def test_each_kind_of_breakage_is_named(built_graph, tmp_path, cls, mutate, words):
    g = _copy(built_graph)
    node = next(n for n in sorted(g.subjects(RDF.type, cls)) if cls != PBO.ArchivalReference or (n, PBO.delo, None) in g)
    mutate(g, node)
    report = _validate_graph(g, tmp_path)
    assert not report.conforms
    assert any(words in v for v in _violations_of(report, node)), report.violations


def test_month_only_letter_date_is_accepted(built_graph, tmp_path):
    g = _copy(built_graph)
    letter = _first(g, PBO.Letter)
    g.set((letter, SCHEMA.dateSent, Literal("1934-10", datatype=XSD.gYearMonth)))
    report = _validate_graph(g, tmp_path)
    assert report.conforms, report.text


def test_undated_letter_is_a_warning_not_a_violation(built_graph, tmp_path):
    g = _copy(built_graph)
    letter = _first(g, PBO.Letter)
    g.remove((letter, SCHEMA.dateSent, None))
    report = _validate_graph(g, tmp_path)
    assert report.conforms, report.text
    assert "Undated letter (schema:dateSent)" in report.text


def test_orphaned_nodes_are_reported(built_graph, tmp_path):
    g = _copy(built_graph)
    request = _first(g, PBO.Request)
    g.remove((None, PBO.makesRequest, request))
    report = _validate_graph(g, tmp_path)
    assert any("pbo:makesRequest" in v for v in _violations_of(report, request)), report.violations


# ---------------------------------------------------------------------------------------------
# (e) the built graph uses only declared pbo: terms


def test_built_graph_uses_only_declared_terms(ont, built_graph):
    used = set()
    for s, p, o in built_graph:
        if is_pbo(p):
            used.add(p)
        if p == RDF.type and is_pbo(o):
            used.add(o)
        if is_pbo(o) and not isinstance(o, (BNode, Literal)):
            used.add(o)
    assert used, "the built graph uses no pbo: term"
    missing = sorted(str(t) for t in used if not declared(ont, t))
    assert not missing, f"the build uses pbo: terms the ontology does not declare: {missing}"
