"""`kg export`: a graph file written in another RDF syntax, or its letters as CMIF."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..graphfile import RDF_FORMATS, read_quads, serialize, triples

EXPORT_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld", "cmif")


@dataclass
class Exported:
    """What `kg export` wrote."""

    path: Path
    format: str
    items: int  # triples, quads, or letters (CMIF)
    unit: str


def export(graph: Path, fmt: str, out: Path, base_url: str | None = None) -> Exported:
    """Write the graph file in another format (CMIF: the letters as TEI correspDesc)."""
    from ..errors import KgError

    if fmt not in EXPORT_FORMATS:
        raise KgError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}")
    quads = read_quads(Path(graph))
    if fmt == "cmif":
        from .cmif import cmif

        data, count = cmif(quads, url=base_url)
        unit = "letters"
    else:
        data = serialize(quads, fmt)
        count = len(quads) if RDF_FORMATS[fmt].supports_datasets else len(triples(quads))
        unit = "quads" if RDF_FORMATS[fmt].supports_datasets else "triples"
    out = Path(out)
    if out.parent != Path(""):
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return Exported(out, fmt, count, unit)
