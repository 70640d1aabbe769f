"""Records → RDF: every letter, request, response and decision as quads, one named graph per source page."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .. import namespace as _ns
from ..namespace import ID
from ..parse import link_replies, parse_file, slug
from ..parse.authority import Authority, load_authority
from ..parse.records import ArchiveRef, Letter, Page, Response, Warning_
from ..vocabulary import Outcome


class _Cached:
    """A namespace whose terms, once looked up, are plain attributes: rdflib's lookups dominated emitting."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name):
        value = getattr(self._ns, name)
        setattr(self, name, value)
        return value


DCTERMS, FOAF, PBO, PROV, RDF, RDFS, RICO, RICRST, SCHEMA, SKOS, XSD = (
    _Cached(n) for n in (_ns.DCTERMS, _ns.FOAF, _ns.PBO, _ns.PROV, _ns.RDF, _ns.RDFS, _ns.RICO, _ns.RICRST,
                         _ns.SCHEMA, _ns.SKOS, _ns.XSD))

AUTHORITY_GRAPH = ox.NamedNode(ID + "graph/authority")
VOCAB_GRAPH = ox.NamedNode(ID + "graph/vocabulary")
EDITION = ox.NamedNode(ID + "edition/stalin-kaganovich-correspondence-1931-1936")

FORM_TERMS = {"Encryption": PBO.Encryption, "Cipher": PBO.Cipher, "Telegram": PBO.Telegram,
              "Telephone message": PBO.TelephoneMessage, "Direct wire note": PBO.DirectWireNote}
OUTCOME_TERMS = {Outcome.AGREED: PBO.Agreed, Outcome.REJECTED: PBO.Rejected, Outcome.ABSTAINED: PBO.Abstained,
                 Outcome.AMENDED: PBO.Amended, Outcome.OTHER: PBO.OtherOutcome}


@lru_cache(maxsize=4096)
def N(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


@lru_cache(maxsize=1024)
def _term(iri) -> str:
    """A vocabulary IRI as N-Triples writes it."""
    return f"<{iri}>"


_PLAIN = re.compile(r'[^\x00-\x1f\x7f"\\]*').fullmatch  # what N-Triples writes between quotes as it is


def lit(value, datatype=None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype is None:
        if isinstance(value, bool):
            return ox.Literal("true" if value else "false", datatype=N(XSD.boolean))
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=N(XSD.integer))
        return ox.Literal(str(value))
    return ox.Literal(str(value), datatype=N(datatype))


def date_lit(iso: str) -> ox.Literal:
    return lit(iso, XSD.date if len(iso) == 10 else XSD.gYearMonth if len(iso) == 7 else XSD.gYear)


Triple = tuple[str, str, str]  # (subject, predicate, object), each as N-Triples writes it
Graphs = dict[str, list[Triple]]  # graph IRI (as N-Quads writes it) → its sorted triples; graphs in IRI order


@dataclass
class Build:
    """A build: the named graphs (sorted N-Quads terms), parsed pages, warnings, names the authority file lacks."""

    graphs: Graphs | None  # None when the build was written to disk in chunks
    pages: list[Page]
    warnings: list[Warning_]
    unknown_names: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def quads(self) -> list[ox.Quad]:
        """The quads as pyoxigraph objects, made on each call (the graphs are the compact form)."""
        if self.graphs is None:
            raise ValueError("a build written in chunks keeps no graph: read its graph.nq")
        return quads_of(self.graphs)

    def summary(self) -> dict[str, int]:
        """Pages, letters, requests, responses, decisions, persons, triples and source lines."""
        return dict(self.counts)


def quads_of(graphs: Graphs) -> list[ox.Quad]:
    """pyoxigraph quads for N-Quads terms (parsed, so escaping is the writer's own)."""
    return list(ox.parse(nquads(graphs), format=ox.RdfFormat.N_QUADS))


def nquads(graphs: Graphs) -> bytes:
    """The graphs as N-Quads, in their order."""
    return "".join(f"{s} {p} {o} {g} .\n" for g, triples in graphs.items() for s, p, o in triples).encode("utf-8")


class Emitter:
    """Collects a build's triples per named graph as N-Quads terms, and the entities they name."""

    def __init__(self, auth: Authority):
        self.auth = auth
        # Strings of N-Quads terms rather than pyoxigraph quads: hashing, sorting and writing them stays in C.
        self.graphs: dict[str, set[Triple]] = {}
        self._triples: set[Triple] = self.graphs.setdefault("", set())
        self._graph: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
        self._subject, self._subject_term = None, ""  # consecutive triples mostly share a subject
        self.used: set[str] = set()  # authority keys the build refers to
        self.provisional: dict[str, tuple[str, str]] = {}  # key → (kind, label)
        self.decisions: dict[str, list] = {}  # decision key → its mentions
        self.described: set[tuple] = set()  # (graph, archive, fond, opis, delo) whose hierarchy is in the graph

    @property
    def graph(self) -> ox.NamedNode | ox.DefaultGraph:
        return self._graph

    @graph.setter
    def graph(self, g: ox.NamedNode | ox.DefaultGraph) -> None:
        self._graph = g
        self._triples = self.graphs.setdefault(str(g), set())

    def add(self, s, p, o, g=None) -> None:
        if o is None:
            return
        t = type(o)
        if t is str:
            # Most literals need no escaping: spell them here, else as pyoxigraph does.
            os_ = f'"{o}"' if _PLAIN(o) else str(ox.Literal(o))
        elif t is ox.NamedNode or t is ox.Literal or t is ox.BlankNode:
            os_ = str(o)
        else:
            os_ = str(lit(o))
        if s is not self._subject:
            self._subject, self._subject_term = s, str(s)
        triple = (self._subject_term, _term(p), os_)
        if g is None:
            self._triples.add(triple)
        else:
            self.graphs.setdefault(str(g), set()).add(triple)

    def add_quad(self, q: ox.Quad, g: ox.NamedNode) -> None:
        self.add(q.subject, q.predicate.value, q.object, g)

    def sorted_graphs(self) -> Graphs:
        """The graphs in IRI order, each triple once and in order; the emitter is emptied."""
        out = {g: sorted(self.graphs.pop(g)) for g in sorted(self.graphs) if self.graphs[g]}
        self.graphs.clear()
        self._triples = self.graphs.setdefault("", set())
        return out

    def entity(self, key: str, kind: str = "person", label: str | None = None) -> ox.NamedNode:
        if key in self.auth.entries:
            self.used.add(key)
        else:
            self.provisional.setdefault(key, (kind, label or key.split("/")[-1]))
        return N(ID + key)

    def place(self, name: str | None) -> ox.NamedNode | None:
        if not name:
            return None
        e = self.auth.lookup(name, kind="place")
        if e:
            return self.entity(e.key, "place")
        return self.entity("place/" + slug(name), "place", name)


def letter_iris(pages: list[Page]) -> dict[tuple[str, int], str]:
    """Readable, stable IRIs: date, first author and recipient, and the first archival sheet."""
    out: dict[tuple[str, int], str] = {}
    taken: dict[str, int] = {}
    for L in sorted((L for p in pages for L in p.letters), key=lambda L: (L.date or "", L.source, L.line)):
        a = (L.author_keys[0] if L.author_keys else "unknown").split("/")[-1]
        r = (L.recipient_keys + L.recipient_group_keys + ["unknown"])[0].split("/")[-1]
        ref = next((x for x in L.archive_refs if x.fond), None)
        if ref:
            tail = f"f{ref.fond}-op{ref.opis}-d{ref.delo}-l{(ref.sheets or '').split('–')[0].split(',')[0]}"
        else:
            tail = hashlib.sha1((L.heading + "\n" + (L.body[0][1] if L.body else "")).encode()).hexdigest()[:8]
        base = f"letter/{L.date or 'undated'}-{a}-to-{r}-{slug(tail)}"
        n = taken.get(base, 0)
        taken[base] = n + 1
        out[(L.source, L.line)] = ID + (base if n == 0 else f"{base}-{n + 1}")
    return out


def part(kind: str, owner: ox.NamedNode, suffix: str = "") -> ox.NamedNode:
    """A node that belongs to a letter or decision: flat, readable, derived from its owner's IRI."""
    name = owner.value.rsplit("/", 1)[-1]
    return N(f"{ID}{kind}/{name}{'-' + suffix if suffix else ''}")



@lru_cache(maxsize=4096)
def unit_iris(archive: str | None, fond: str, opis: str | None,
              delo: str | None) -> tuple[tuple[ox.NamedNode, str, str, str], ...]:
    """The archival hierarchy a reference points into: archive → fond → opis → delo."""
    arch = slug(archive or "unknown-archive")
    out = []
    path = f"archive/{arch}"
    label = archive or "unknown archive"
    for prefix, rtype, lab, v in (("f", RICRST.Fonds, "F.", fond), ("op", RICRST.Series, "Op.", opis),
                                  ("d", RICRST.File, "D.", delo)):
        if not v:
            break
        path += f"-{prefix}{slug(v)}"
        label += f" {lab} {v}."
        out.append((N(ID + path), str(rtype), v, label.rstrip(".")))
    return tuple(out)


def build_graph(pages: list[Page], auth: Authority) -> list[ox.Quad]:
    """Turn parsed pages into quads."""
    return quads_of(emit(pages, auth)[0])


@dataclass
class Plan:
    """What emitting a page needs to know of the other pages: letter IRIs and where each decision is first noted."""

    iris: dict[tuple[str, int], str]
    first_mentions: dict[str, tuple[str, int]]  # decision key → (source, line) of the note that first records it


def plan(pages: list[Page]) -> Plan:
    """The build's plan, from all its parsed pages."""
    first: dict[str, tuple[str, int]] = {}
    for p in pages:
        for L in p.letters:
            for d in L.decisions:
                key = decision_key(d)
                first[key] = min(first.get(key, (L.source, d.line)), (L.source, d.line))
    return Plan(letter_iris(pages), first)


def graph_order(pages: list[Page]) -> list[Page]:
    """The pages in the order of their named graphs, as every serialization lists them."""
    return sorted(pages, key=lambda p: str(source_iri(p.source)))


def emit(pages: list[Page], auth: Authority) -> tuple[Graphs, int]:
    """Parsed pages as sorted, distinct triples per named graph (N-Quads terms), and the number of PB decisions."""
    em = Emitter(auth)
    the_plan = plan(pages)
    emit_pages(em, graph_order(pages), the_plan)
    emit_authority(em, auth)
    emit_vocabulary(em)
    return em.sorted_graphs(), len(the_plan.first_mentions)


def emit_pages(em: Emitter, pages: list[Page], the_plan: Plan) -> None:
    """Emit some of a build's pages (in graph order) with the decisions they hold."""
    iris = the_plan.iris
    for page in pages:
        src = source_iri(page.source)
        em.graph = src
        _page(em, page, src)
        for L in page.letters:
            _letter(em, L, N(iris[(L.source, L.line)]), src, iris)
    _decisions(em, the_plan.first_mentions)


def decision_key(d) -> str:
    """A PB decision's key: its date and archival sheet, or its date and wording."""
    if d.ref and d.ref.fond:
        return (f"decision/{d.date}-f{slug(d.ref.fond)}-op{slug(d.ref.opis or '')}-d{slug(d.ref.delo or '')}"
                f"-l{slug(d.ref.sheets or '')}")
    return f"decision/{d.date}-" + hashlib.sha1(d.wording.encode()).hexdigest()[:8]


def _page(em: Emitter, page: Page, src: ox.NamedNode) -> None:
    em.add(src, RDF.type, N(PBO.SourcePage))
    em.add(src, RDF.type, N(PROV.Entity))
    em.add(src, PBO.sourceFile, page.source)
    em.add(src, PBO.sha256, page.sha256)
    if page.title:
        em.add(src, DCTERMS.title, page.title)
    if page.preamble:
        em.add(src, DCTERMS.description, "\n".join(t for _, t in page.preamble))
    em.add(src, DCTERMS.source, EDITION)
    em.add(EDITION, RDF.type, N(PBO.Edition))
    em.add(EDITION, DCTERMS.title, "Stalin and Kaganovich. Correspondence. 1931–1936")
    em.add(EDITION, DCTERMS.publisher, "ROSSPEN")
    em.add(EDITION, DCTERMS.issued, lit("2001", XSD.gYear))


def _sourced(em: Emitter, node: ox.NamedNode, src: ox.NamedNode, line: int) -> None:
    em.add(node, PROV.wasQuotedFrom, src)
    em.add(node, PBO.sourceLine, lit(line))


def _ref(em: Emitter, node: ox.NamedNode, ref: ArchiveRef, src: ox.NamedNode, index: int | None = None) -> None:
    em.add(node, RDF.type, N(PBO.ArchivalReference))
    for level in ("archive", "fond", "opis", "delo", "sheets"):
        v = getattr(ref, level)
        if v:
            em.add(node, getattr(PBO, level), v)
    em.add(node, PBO.citation, ref.citation)
    em.add(node, RDFS.label, ref.citation)
    em.add(node, PBO.asWritten, ref.as_written)
    if ref.description:
        em.add(node, DCTERMS.description, ref.description)
    for part, written in sorted(ref.slips.items()):
        if part == "opisLabel":
            em.add(node, RDFS.comment, f"written {written!r}; read as Op.")
        else:
            em.add(node, RDFS.comment, f"{part} written {written!r}; normalised to {getattr(ref, part)!r}")
    if index is not None:
        em.add(node, PBO.referenceIndex, lit(index))
    _sourced(em, node, src, ref.line)
    units = unit_iris(ref.archive, ref.fond, ref.opis, ref.delo) if ref.fond else ()
    # The hierarchy is the same for every sheet of a file: described once in each graph.
    described = (em.graph, ref.archive, ref.fond, ref.opis, ref.delo)
    if described not in em.described:
        em.described.add(described)
        _hierarchy(em, ref.archive, units)
    if units and units[-1][1] == str(RICRST.File):
        em.add(node, PBO.inFile, units[-1][0])


def _hierarchy(em: Emitter, archive: str | None, units) -> None:
    parent = None
    if archive:
        arch = N(ID + f"archive/{slug(archive)}")
        em.add(arch, RDF.type, N(RICO.CorporateBody))
        em.add(arch, RDFS.label, archive)
        parent = arch
    for k, (unit, rtype, ident, label) in enumerate(units):
        em.add(unit, RDF.type, N(RICO.RecordSet))
        em.add(unit, RICO.hasRecordSetType, N(rtype))
        em.add(unit, RICO.identifier, ident)
        em.add(unit, RDFS.label, label)
        if k == 0 and parent is not None:
            em.add(unit, RICO.hasOrHadHolder, parent)
        elif k > 0:
            em.add(unit, RICO.isOrWasIncludedIn, units[k - 1][0])


# A letter's fields written, when present, as one literal each, after its address and text, in this order.
_LETTER_TEXTS = (("signature", PBO.signature), ("secretary_note", PBO.secretaryNote), ("dateline", PBO.dateline),
                 ("received", PBO.receivedNote))
_LETTER_NUMBERS = (("outgoing_no", PBO.outgoingNumber), ("forwarded_no", PBO.forwardedNumber))


def _letter(em: Emitter, L: Letter, node: ox.NamedNode, src: ox.NamedNode, iris: dict) -> None:
    """A letter and all it holds: people, dates, texts, archival references, notes, request and decisions."""
    em.add(node, RDF.type, N(PBO.Letter))
    em.add(node, RDF.type, N(SCHEMA.Message))
    em.add(node, RDFS.label, L.heading)
    em.add(node, PBO.headingText, L.heading)
    _sourced(em, node, src, L.line)
    em.add(node, PBO.endLine, lit(L.end_line))
    _letter_people(em, L, node)
    _letter_dates(em, L, node)
    _letter_texts(em, L, node)
    for k, ref in enumerate(L.archive_refs, 1):
        r = part("ref", node, str(k))
        _ref(em, r, ref, src, k)
        em.add(node, PROV.hadPrimarySource, r)
    notes = _footnotes(em, L, node, src)
    if L.transmission:
        _transmission(em, L.transmission, node, src, notes)
    for key in L.replies_to:
        if key in iris:
            em.add(node, PBO.repliesTo, N(iris[key]))
    for _line, no in L.cited_numbers:
        em.add(node, PBO.citedNumber, no)
    request = _request(em, L, node, src) if L.is_request else None
    if request is not None and L.response:
        _response(em, L, L.response, request, src, notes, iris)
    _letter_decisions(em, L, node, src, request, notes)
    _noted(em, L, node, src, notes)
    for m in L.mentions:
        e = em.entity(m.key, m.kind, m.family_name or m.surface)
        em.add(node, SCHEMA.mentions, e)


def _letter_people(em: Emitter, L: Letter, node: ox.NamedNode) -> None:
    for name, key in zip(L.authors, L.author_keys, strict=True):
        em.add(node, SCHEMA.sender, em.entity(key, "person", name))
    for name, key in zip(L.recipients, L.recipient_keys, strict=True):
        em.add(node, SCHEMA.recipient, em.entity(key, "person", name))
    for name, key in zip(L.recipient_groups, L.recipient_group_keys, strict=True):
        em.add(node, SCHEMA.recipient, em.entity(key, "organisation", name))


def _letter_dates(em: Emitter, L: Letter, node: ox.NamedNode) -> None:
    if L.date:
        em.add(node, SCHEMA.dateSent, date_lit(L.date))
    em.add(node, PBO.dateAsWritten, L.date_as_written)
    em.add(node, PBO.dateEditorial, lit(L.date_editorial))
    if L.edition:
        em.add(node, DCTERMS.bibliographicCitation, L.edition)
        m = re.search(r"\bPp?\.\s*([\d–-]+)", L.edition)
        if m:
            em.add(node, PBO.editionPages, m.group(1))


def _letter_texts(em: Emitter, L: Letter, node: ox.NamedNode) -> None:
    if L.form:
        em.add(node, PBO.form, N(FORM_TERMS[L.form]))
    for h in L.handling:
        em.add(node, PBO.handling, h)
    if L.address:
        em.add(node, PBO.addressLine, L.address)
    if L.body:
        em.add(node, SCHEMA.text, "\n".join(t for _, t in L.body))
    for name, prop in _LETTER_TEXTS:
        if getattr(L, name):
            em.add(node, prop, getattr(L, name))
    for no in L.cipher_nos:
        em.add(node, PBO.cipherNumber, no)
    for name, prop in _LETTER_NUMBERS:
        if getattr(L, name):
            em.add(node, prop, getattr(L, name))
    if L.forwarded_by:
        em.add(node, PBO.forwardedBy, em.entity(L.forwarded_by))


def _footnotes(em: Emitter, L: Letter, node: ox.NamedNode, src: ox.NamedNode) -> dict[int, ox.NamedNode]:
    """The letter's notes; the node of each by the line it starts on."""
    notes = {}
    for k, fn in enumerate(L.footnotes, 1):
        f = part("note", node, str(k))
        notes[fn.line] = f
        em.add(f, RDF.type, N(PBO.Footnote))
        em.add(f, RDF.value, fn.text)
        if fn.number:
            em.add(f, PBO.noteNumber, fn.number)
        if fn.marker_line:
            em.add(f, PBO.markerLine, lit(fn.marker_line))
        for pub in fn.publications:
            em.add(f, DCTERMS.bibliographicCitation, pub)
        _sourced(em, f, src, fn.line)
        em.add(node, PBO.hasFootnote, f)
    return notes


def _transmission(em: Emitter, tx, node: ox.NamedNode, src: ox.NamedNode, notes: dict) -> None:
    t = part("transmission", node)
    em.add(node, PBO.transmission, t)
    em.add(t, RDF.type, N(PBO.Transmission))
    em.add(t, PBO.asWritten, tx.as_written)
    em.add(t, PROV.atLocation, em.place(tx.place))
    if tx.date:
        em.add(t, PBO.date, date_lit(tx.date))
    if tx.time:
        em.add(t, PBO.time, lit(tx.time + ":00", XSD.time))
    if tx.date and tx.time and len(tx.date) == 10:
        em.add(t, PROV.startedAtTime, lit(f"{tx.date}T{tx.time}:00", XSD.dateTime))
    if tx.incoming_no:
        em.add(node, PBO.incomingNumber, tx.incoming_no)
    if tx.line in notes:
        em.add(t, PROV.wasInfluencedBy, notes[tx.line])
    # An activity is not quoted from a page (prov:wasQuotedFrom is for entities): name the page as its source.
    em.add(t, DCTERMS.source, src)
    em.add(t, PBO.sourceLine, lit(tx.line))


def _request(em: Emitter, L: Letter, node: ox.NamedNode, src: ox.NamedNode) -> ox.NamedNode:
    request = part("request", node)
    em.add(node, PBO.makesRequest, request)
    em.add(request, RDF.type, N(PBO.Request))
    em.add(request, RDFS.label, f"Request in {L.heading}")
    if L.request_text:
        em.add(request, PBO.requestText, L.request_text)
    _sourced(em, request, src, L.request_line or L.line)
    return request


def _letter_decisions(em: Emitter, L: Letter, node: ox.NamedNode, src: ox.NamedNode, request: ox.NamedNode | None,
                      notes: dict) -> None:
    for d in L.decisions:
        key = decision_key(d)
        dn = N(ID + key)
        # One decision noted by several letters is one node; its first mention gives its wording.
        em.decisions.setdefault(key, []).append((L.source, d.line, src, d, notes.get(d.line)))
        em.add(node, PBO.recordsDecision, dn)
        if request is not None and L.date and d.date is not None and d.date >= L.date[:10]:
            em.add(request, PBO.ledTo, dn)


def _noted(em: Emitter, L: Letter, node: ox.NamedNode, src: ox.NamedNode, notes: dict) -> None:
    for k, nd in enumerate(L.noted, 1):
        dn = part("document", node, str(k))
        em.add(dn, RDF.type, N(PBO.NotedDocument))
        em.add(dn, RDF.type, N(SCHEMA.Message))
        em.add(dn, RDF.value, nd.text)
        if nd.sender:
            em.add(dn, SCHEMA.sender, em.entity(nd.sender))
        if nd.date:
            em.add(dn, SCHEMA.dateSent, date_lit(nd.date))
        _evidence(em, dn, nd.ref, "source", src, notes.get(nd.line))
        _sourced(em, dn, src, nd.line)


def _evidence(em: Emitter, node: ox.NamedNode, ref: ArchiveRef | None, suffix: str, src: ox.NamedNode,
              note: ox.NamedNode | None) -> None:
    """The archival sheet a note cites for a statement, and the note it was read from."""
    if ref:
        r = part("ref", node, suffix)
        _ref(em, r, ref, src)
        em.add(node, PROV.hadPrimarySource, r)
    if note is not None:
        em.add(node, PROV.wasDerivedFrom, note)


def _decisions(em: Emitter, first_mentions: dict[str, tuple[str, int]]) -> None:
    for key, mentions in sorted(em.decisions.items()):
        dn = N(ID + key)
        mentions.sort(key=lambda m: (m[0], m[1]))
        for _, _, msrc, _, note in mentions:
            if note is not None:
                em.add(dn, PROV.wasDerivedFrom, note, msrc)
        if (mentions[0][0], mentions[0][1]) != first_mentions[key]:
            continue  # the pages that note it first describe it
        _, _, src, d, _ = mentions[0]
        em.graph = src
        em.add(dn, RDF.type, N(PBO.PolitburoDecision))
        em.add(dn, RDFS.label, f"Politburo decision of {d.date}")
        em.add(dn, DCTERMS.date, date_lit(d.date))
        em.add(dn, PBO.wording, d.wording)
        em.add(dn, DCTERMS.creator, _politburo(em))
        for k, dref in enumerate([d.ref, *d.more_refs] if d.ref else [], 1):
            r = part("ref", dn, "decision" if k == 1 else f"decision-{k}")
            _ref(em, r, dref, src, k)
            em.add(dn, PROV.hadPrimarySource, r)
        if d.publication:
            em.add(dn, DCTERMS.bibliographicCitation, d.publication)
        _sourced(em, dn, src, d.line)
    em.decisions.clear()


def _politburo(em: Emitter) -> ox.NamedNode:
    e = em.auth.lookup("Politburo", kind="organisation")
    return em.entity(e.key if e else "org/politburo", "organisation", "Politburo")


def _response(em: Emitter, L: Letter, R: Response, request: ox.NamedNode, src: ox.NamedNode, notes: dict,
              iris: dict) -> None:
    node = part("response", request)
    em.add(node, RDF.type, N(PBO.Response))
    em.add(node, RDFS.label, f"Response to {L.heading}")
    em.add(node, PBO.respondsTo, request)
    em.add(node, PBO.outcome, N(OUTCOME_TERMS[R.outcome]))
    em.add(node, PBO.evidence, R.evidence)
    if R.text:
        em.add(node, PBO.responseText, R.text)
    for key in L.recipient_keys[:1]:
        em.add(node, SCHEMA.sender, em.entity(key))
    if R.date:
        em.add(node, PBO.date, date_lit(R.date))
    if R.time:
        em.add(node, PBO.time, lit(R.time + ":00", XSD.time))
    if R.date and R.time:
        em.add(node, PROV.generatedAtTime, lit(f"{R.date}T{R.time}:00", XSD.dateTime))
    em.add(node, PROV.atLocation, em.place(R.place))
    _evidence(em, node, R.ref, "response", src, notes.get(R.footnote_line))
    if R.reply_line is not None:
        reply = iris.get((R.reply_source, R.reply_line))
        if reply:
            em.add(node, PBO.expressedIn, N(reply))
        rsrc = source_iri(R.reply_source) if R.reply_source else src
        _sourced(em, node, rsrc, R.line)
    else:
        _sourced(em, node, src, R.line)


def emit_authority(em: Emitter, auth: Authority) -> None:
    """Copy the authority records the build uses; add provisional records for names it lacks."""
    for key in sorted(em.used):
        for q in auth.quads.get(ID + key, []):
            em.add_quad(q, AUTHORITY_GRAPH)
    for key, (kind, label) in sorted(em.provisional.items()):
        s = N(ID + key)
        g = AUTHORITY_GRAPH
        if kind == "person":
            em.add(s, RDF.type, N(FOAF.Person), g)
            em.add(s, RDF.type, N(SCHEMA.Person), g)
            em.add(s, FOAF.familyName, label.split()[-1], g)
        elif kind == "place":
            em.add(s, RDF.type, N(SCHEMA.Place), g)
            em.add(s, RDF.type, N(PBO.Place), g)
        else:
            em.add(s, RDF.type, N(FOAF.Organization), g)
            em.add(s, RDF.type, N(PBO.Organisation), g)
        em.add(s, SKOS.prefLabel, lit(label, lang="en"), g)
        em.add(s, PBO.provisional, lit(True), g)


def emit_vocabulary(em: Emitter) -> None:
    """The form and outcome concepts, copied from the ontology so the data graph answers alone."""
    from ..resources import ontology_file

    path = ontology_file("pbo.ttl")
    if not path.exists():
        return
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    schemes = {N(PBO.FormScheme), N(PBO.OutcomeScheme)}
    concepts = {q.subject for q in store.quads_for_pattern(None, N(SKOS.inScheme), None, None) if q.object in schemes}
    for q in store.quads_for_pattern(None, None, None, None):
        if q.subject in concepts and q.predicate in (N(RDF.type), N(SKOS.prefLabel), N(SKOS.notation),
                                                      N(SKOS.inScheme)):
            em.add_quad(q, VOCAB_GRAPH)


PARSE_SHARE = 0.5  # rough share of a build's time done once the pages are parsed


def read_page(path: Path, auth: Authority, encoding: str | None, source: str, keep_text: bool) -> Page:
    """Parse one page file; without keep_text its text is dropped once parsed (only the coverage report quotes it)."""
    page = parse_file(path, auth, encoding, source)
    if not keep_text:
        page.lines = []
    return page


def source_names(paths: list[Path]) -> dict[Path, str]:
    """The name each page is cited by: its file name, or enough of its path to tell same-named files apart."""
    out = {}
    by_name: dict[str, list[Path]] = {}
    for p in paths:
        by_name.setdefault(p.name, []).append(p)
    for p in paths:
        same = [q for q in by_name[p.name] if q.resolve() != p.resolve()]
        parts = p.resolve().parts
        k = 1
        while same and any(q.resolve().parts[-k:] == parts[-k:] for q in same) and k < len(parts):
            k += 1
        out[p] = "/".join(parts[-k:])
    return out


def source_iri(source: str) -> ox.NamedNode:
    return N(ID + "source/" + slug(source.rsplit(".", 1)[0]))


def parse_pages(paths: list[Path], auth: Authority, encoding: str | None = None, keep_text: bool = True,
                progress=None) -> tuple[list[Page], list[Warning_]]:
    """Parse every page in this process and join replies across them; also every warning.

    keep_text=False drops each page's text once parsed; progress, if given, is called with the fraction
    parsed and the stage. (`stream.ShardedBuild` parses on every core.)
    """
    step = progress or (lambda done, stage: None)
    pages = []
    names = source_names(paths)
    for k, path in enumerate(paths, 1):
        pages.append(read_page(path, auth, encoding, names[path], keep_text))
        step(k / len(paths), "parse")
    warnings = [w for p in pages for w in p.warnings]
    return pages, warnings + link_replies(pages)


def unknown_names(pages: list[Page]) -> dict[str, list[str]]:
    """Each name the authority file lacks, with the lines (file:line) that use it."""
    unknown: dict[str, list[str]] = {}
    for p in pages:
        for L in p.letters:
            for m in L.mentions:
                if m.provisional:
                    unknown.setdefault(m.surface, []).append(f"{p.source}:{m.line}")
    return unknown


def build(paths: list[Path], authority: Path | None = None, encoding: str | None = None, keep_text: bool = True,
          progress=None) -> Build:
    """Parse every page and build the graph in memory (`stream.ShardedBuild` writes a large one in chunks).

    The options are those of `parse_pages`.
    """
    step = progress or (lambda done, stage: None)
    auth = load_authority(authority)
    pages, warnings = parse_pages(paths, auth, encoding, keep_text, lambda done, stage: step(PARSE_SHARE * done, stage))
    graphs, decisions = emit(pages, auth)
    step(1.0, "graph")
    triples = len(set().union(*graphs.values()))
    return Build(graphs, pages, warnings, unknown_names(pages), counts(pages, triples, decisions))


def counts(pages: list[Page], triples: int, decisions: int) -> dict[str, int]:
    """The build's summary, counted once from the records and quads at hand."""
    from ..parse.coverage import totals

    letters = [L for p in pages for L in p.letters]
    done, lines = totals(pages)
    return {
        "lines": lines,
        "accounted": done,
        "pages": len(pages),
        "letters": len(letters),
        "requests": sum(1 for L in letters if L.is_request),
        "responses": sum(1 for L in letters if L.response),
        "decisions": decisions,
        "persons": len({m.key for L in letters for m in L.mentions if m.kind == "person"}),
        "triples": triples,
    }
