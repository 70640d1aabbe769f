"""The letters as CMIF (TEI correspDesc, Correspondence Metadata Interchange Format 1.1) for correspSearch."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..namespace import BASE

TEI_NS = "http://www.tei-c.org/ns/1.0"
DEFAULT_URL = BASE + "cmif.xml"
# CMIF admits only these two licences, with this wording.
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TEXT = "This file is licensed under the terms of the Creative Commons License CC-BY 4.0"
EDITION_CITATION = ("Stalin i Kaganovich. Perepiska. 1931–1936 gg. Moscow: ROSSPEN, 2001; English edition: "
                    "The Stalin–Kaganovich Correspondence, 1931–36. New Haven: Yale University Press, 2003.")
# The edition's bibl has a fixed UUID, the same in every export; it starts with a letter because xml:id must be
# an XML name.
BIBL_ID = "a6073488-b51e-58c7-a310-4fdc24d7920d"

_LETTERS = """
PREFIX pbo: <https://w3id.org/politburo-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?letter ?date ?editorial ?place ?pages WHERE {
  ?letter a pbo:Letter .
  OPTIONAL { ?letter schema:dateSent ?date }
  OPTIONAL { ?letter pbo:dateEditorial ?editorial }
  OPTIONAL { ?letter pbo:editionPages ?pages }
  OPTIONAL {
    SELECT ?letter (MIN(STR(?label)) AS ?place)
    WHERE { ?letter pbo:transmission/prov:atLocation/skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
    GROUP BY ?letter
  }
}
"""
_PARTIES = """
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?letter ?role ?name ?body WHERE {
  { ?letter schema:sender ?p BIND("sent" AS ?role) } UNION { ?letter schema:recipient ?p BIND("received" AS ?role) }
  OPTIONAL { ?p skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL { ?p foaf:familyName ?family }
  BIND(STR(COALESCE(?label, ?family, REPLACE(STR(?p), "^.*/", ""))) AS ?name)
  BIND(EXISTS { ?p a foaf:Organization } AS ?body)
}
"""


def timestamp() -> str:
    """When the file is written (xsd:dateTime); SOURCE_DATE_EPOCH fixes it for reproducible exports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _select(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    solutions = store.query(sparql, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
    return solutions


def _letters(quads: list[ox.Quad]) -> list[dict]:
    store = ox.Store()
    store.bulk_extend(quads)
    letters: dict[str, dict] = {}
    for sol in _select(store, _LETTERS):
        iri = sol["letter"].value
        letters[iri] = {"iri": iri, "date": sol["date"].value if sol["date"] else None,
                        "editorial": bool(sol["editorial"]) and sol["editorial"].value == "true",
                        "place": sol["place"].value if sol["place"] else None,
                        "pages": sol["pages"].value if sol["pages"] else None, "sent": [], "received": []}
    for sol in _select(store, _PARTIES):
        if sol["letter"].value in letters:
            tag = "orgName" if sol["body"].value == "true" else "persName"
            letters[sol["letter"].value][sol["role"].value].append((tag, sol["name"].value))
    for L in letters.values():
        # persons first, then the bodies addressed (a letter "to Kaganovich, Molotov and other members of the PB")
        L["sent"].sort(key=lambda party: (party[0] != "persName", party[1]))
        L["received"].sort(key=lambda party: (party[0] != "persName", party[1]))
    return sorted(letters.values(), key=lambda L: (L["date"] or "9999", L["iri"]))


def _action(kind: str, names: list[tuple[str, str]], place: str | None, date: str | None, editorial: bool) -> list[str]:
    out = [f'   <correspAction type="{kind}">']
    for tag, name in names or [("persName", "Unknown")]:
        out.append(f"    <{tag}>{escape(name)}</{tag}>")
    if place:
        out.append(f"    <placeName>{escape(place)}</placeName>")
    if date:
        # a date the editors supplied is their finding, not the letter's statement
        evidence = ' evidence="conjecture"' if editorial else ""
        out.append(f'    <date when="{escape(date)}"{evidence}/>')
    out.append("   </correspAction>")
    return out


def cmif(quads: list[ox.Quad], url: str | None = None, title: str | None = None) -> tuple[bytes, int]:
    """A CMIF file of every letter in the graph: sender, addressee, place and date; and the number of letters."""
    letters = _letters(quads)
    url = url or DEFAULT_URL
    title = title or "Letters of the Stalin–Kaganovich correspondence, 1931–1936 (politburo-kg)"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<TEI xmlns="{TEI_NS}">',
        " <teiHeader>",
        "  <fileDesc>",
        "   <titleStmt>",
        f"    <title>{escape(title)}</title>",
        "    <editor>politburo-kg</editor>",
        "   </titleStmt>",
        "   <publicationStmt>",
        f"    <publisher><ref target={quoteattr(BASE)}>politburo-kg</ref></publisher>",
        f'    <idno type="url">{escape(url)}</idno>',
        f'    <date when="{timestamp()}"/>',
        "    <availability>",
        f"     <licence target={quoteattr(LICENCE_URL)}>{LICENCE_TEXT}</licence>",
        "    </availability>",
        "   </publicationStmt>",
        "   <sourceDesc>",
        f'    <bibl type="print" xml:id="{BIBL_ID}">{escape(EDITION_CITATION)}</bibl>',
        "   </sourceDesc>",
        "  </fileDesc>",
        "  <profileDesc>",
    ]
    for L in letters:
        key = L["iri"].rsplit("/", 1)[-1]
        lines.append(f"  <correspDesc key={quoteattr(key)} ref={quoteattr(L['iri'])} source=\"#{BIBL_ID}\">")
        lines += _action("sent", L["sent"], L["place"], L["date"], L["editorial"])
        lines += _action("received", L["received"], None, None, False)
        lines.append("  </correspDesc>")
    lines += ["  </profileDesc>", " </teiHeader>", " <text>", "  <body>", "   <p/>", "  </body>", " </text>", "</TEI>"]
    return ("\n".join(lines) + "\n").encode("utf-8"), len(letters)
