"""SHACL validation of a built graph (pySHACL), plus a check of every typed literal."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraphError


@dataclass
class Report:
    """What validation found."""

    conforms: bool
    text: str
    focus_nodes: int
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _load(graph: Path):
    import rdflib

    from ..graphfile import graph_format

    graph = Path(graph)
    # rdflib's name for each syntax, by the extension pyoxigraph gives it
    fmt = {"ttl": "turtle", "nt": "nt", "trig": "trig", "nq": "nquads", "jsonld": "json-ld",
           "rdf": "xml"}[graph_format(graph).file_extension]
    g = rdflib.Dataset() if fmt in ("trig", "nquads") else rdflib.Graph()
    try:
        g.parse(graph, format=fmt)
    except Exception as e:  # rdflib raises many parser exception types
        raise GraphError(f"cannot be parsed: {' '.join(str(e).split())[:300]}", file=str(graph)) from None
    if isinstance(g, rdflib.Dataset):
        union = rdflib.Graph()
        for s, p, o, _ in g.quads():
            union.add((s, p, o))
        g = union
    return g


def ill_typed(g) -> list[str]:
    """Literals whose lexical form does not fit their datatype ("1934-13-45"^^xsd:date)."""
    from rdflib import Literal

    bad = []
    for s, p, o in g:
        if isinstance(o, Literal) and o.ill_typed:
            bad.append(f"{s} {p} {o.n3()}: not a valid {o.datatype}")
    return sorted(bad)


def validate(graph: Path) -> Report:
    """Run the shapes of ontology/shapes.ttl over the graph."""
    import pyshacl
    import rdflib

    from ..resources import ontology_file

    data = _load(graph)
    shapes = rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    ont = rdflib.Graph().parse(ontology_file("pbo.ttl"), format="turtle")
    conforms, results_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True, allow_warnings=True,
    )
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sorted(
        f"{results_graph.value(r, SH.focusNode)}: {results_graph.value(r, SH.resultMessage)}"
        for r in results_graph.subjects(rdflib.RDF.type, SH.ValidationResult)
        if results_graph.value(r, SH.resultSeverity) == SH.Violation
    )
    warnings = sorted(
        f"{results_graph.value(r, SH.focusNode)}: {results_graph.value(r, SH.resultMessage)}"
        for r in results_graph.subjects(rdflib.RDF.type, SH.ValidationResult)
        if results_graph.value(r, SH.resultSeverity) == SH.Warning
    )
    bad = ill_typed(data)
    focus = len(set(data.subjects()))
    if bad:
        text += "\nIll-typed literals:\n" + "\n".join(bad)
    return Report(conforms and not bad and not violations, text, focus, violations + bad, warnings)
