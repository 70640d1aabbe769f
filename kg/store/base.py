"""What every store is: a read-only place to run SPARQL, answering with the same Result."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import pyoxigraph as ox

COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

Term = ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple


@dataclass
class Result:
    """Rows of a SELECT (or the triples of a CONSTRUCT, or an ASK boolean)."""

    columns: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None
    graph: list[ox.Triple] | None = None


class Store(ABC):
    """A read-only place to run SPARQL; every kind answers with the same Result."""

    kind = "store"

    @abstractmethod
    def query(self, sparql: str, source: str = "query") -> Result:
        """Run a query over the union of the graph's named graphs."""

    def triple_count(self) -> int:
        """Distinct triples in the union of all graphs."""
        return int(value(self.query(COUNT_TRIPLES, "triple count").rows[0][0]))

    def close(self) -> None:  # noqa: B027 (most stores hold nothing to release)
        """Release files and connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def value(term: Term | None) -> str:
    """The lexical value of a term a row holds: an IRI, a blank node's label or a literal's text."""
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term.value
    raise TypeError(f"no single value in {term!r}")
