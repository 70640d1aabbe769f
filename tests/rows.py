"""Compare query answers across stores: rows as a multiset, GROUP_CONCAT lists as sets, blank nodes alike."""
from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox

_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)',
                     re.I | re.S)


def concat_columns(sparql: str) -> dict[str, str]:
    """Columns the query fills with GROUP_CONCAT, and the separator of each."""
    return {var: sep for sep, var in _CONCAT.findall(sparql)}


def _cell(term, sep: str | None):
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if sep is not None:
        # engines join in different orders
        return ("list", frozenset(x.strip() for x in term.value.split(sep.strip()) if x.strip()))
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language)
    return (type(term).__name__, term.value)


def comparable(result, sparql: str):
    """A value equal for two results that hold the same answer."""
    if result.boolean is not None:
        return result.boolean
    if result.graph is not None:
        return Counter(tuple(_cell(t, None) for t in (tr.subject, tr.predicate, tr.object)) for tr in result.graph)
    seps = concat_columns(sparql)
    return (tuple(result.columns),
            Counter(tuple(_cell(t, seps.get(c)) for c, t in zip(result.columns, row)) for row in result.rows))
