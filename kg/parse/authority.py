"""The authority file: persons, places and organisations, and how the text names them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..namespace import BASE

ID = BASE + "id/"
_KIND = {
    "http://xmlns.com/foaf/0.1/Person": "person",
    "https://schema.org/Place": "place",
    "http://xmlns.com/foaf/0.1/Organization": "organisation",
}
_P = {
    "family": "http://xmlns.com/foaf/0.1/familyName",
    "given": "http://xmlns.com/foaf/0.1/givenName",
    "pref": "http://www.w3.org/2004/02/skos/core#prefLabel",
    "alt": "http://www.w3.org/2004/02/skos/core#altLabel",
    "initials": BASE + "ontology#initials",
    "default": BASE + "ontology#defaultReading",
}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# A name followed by one of these words names a thing after the person ("Gorky region", "Gogol monument",
# "Kirov Street", "the Kalinin regional committee").
_NAMED_AFTER_NEXT = re.compile(
    r"\s*(?:region|regions|regional|oblast|krai|kray|territory|territorial|district|districts|raion|city|street|"
    r"square|prospect|avenue|monument|Academy|Institute|University|plant|factory|works|station|Park|canal|Military|"
    r"Military-Political|Prize|Palace|Theatre|Theater|collective farm|commune|mine|embankment|bridge|airship|ship|"
    r"Library|Museum|Stadium|Automobile|Tractor|Machine(?:-Tool)?|road|railway|metro|port|plants|factories|mines|"
    r"Komsomol)\b", re.I)
# "Order of Lenin", "the cruiser "Kirov"", "the airship "Klim Voroshilov"".
_NAMED_AFTER_PREV = re.compile(r"(?:(?-i:Order of)(?: the)?|named after|imeni|im\.|name of|city of|"
                               r"(?:cruiser|icebreaker|ice-breaker|airship|ship|steamer|steamship|plane|aircraft|"
                               r"destroyer|submarine|motor ship)\s*[\"“«](?:[A-Z][a-z]+\s+)?)\s*$", re.I)
# "In Gorky", "from Gorky": a name that is a place as well as a person, after a preposition of place.
_PLACE_PREPOSITION = re.compile(r"(?:\b[Ii]n\s+|\b[Nn]ear\s+|^\s*From\s+)$")


@dataclass
class Entry:
    """One authority record."""

    key: str  # "person/stalin"
    kind: str
    label: str
    family_name: str | None = None
    forms: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    default: bool = False
    # The Russian labels (@ru): the preferred one, and the forms a Russian text names the entry by (a person's
    # altLabels; a place's or organisation's prefLabel and altLabels), in the nominative. The English
    # lookups never read them.
    label_ru: str | None = None
    forms_ru: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return ID + self.key


@dataclass
class Match:
    start: int
    end: int
    surface: str
    entry: Entry
    form: str = ""  # the name as matched, without initials
    by_initials: bool = False  # initials picked this entry among namesakes


class Authority:
    """Looks up names in text; namesakes are told apart by initials, else the default reading."""

    def __init__(self, entries: list[Entry], path: Path | None = None, quads: dict | None = None):
        self.entries = {e.key: e for e in entries}
        self.path = path
        self.quads = quads or {}  # subject IRI → the authority file's quads about it
        self._by_form: dict[str, list[Entry]] = {}
        for e in entries:
            for f in e.forms:
                self._by_form.setdefault(f, []).append(e)
        # The same names recur on every page; the bound keeps memory flat on a large corpus.
        self._looked_up = lru_cache(maxsize=100_000)(self._lookup)

    @classmethod
    def load(cls, path: Path) -> Authority:
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        raw: dict[str, dict] = {}
        by_subject: dict[str, list] = {}
        for q in store.quads_for_pattern(None, None, None, None):
            if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple):
                continue  # an authority file states no triple terms
            s = q.subject.value
            by_subject.setdefault(s, []).append(q)
            if not s.startswith(ID):
                continue
            d = raw.setdefault(s, {"types": set(), "family": None, "pref": None, "alt": [], "initials": [],
                                   "default": False, "pref_ru": None, "alt_ru": []})
            lang = q.object.language if isinstance(q.object, ox.Literal) else None
            if lang and lang != "en":
                if lang == "ru":
                    _keep_ru(d, q.predicate.value, q.object.value)
                continue  # a label in another language is no English surface form
            _keep(d, q.predicate.value, q.object.value)
        entries = []
        for iri in sorted(raw):
            d = raw[iri]
            kind = next((_KIND[t] for t in sorted(d["types"]) if t in _KIND), None)
            if kind is None:
                continue
            forms = []
            if kind == "person":
                forms.append(d["family"] or "")
            else:
                forms.append(d["pref"] or "")
            forms += sorted(d["alt"])
            forms = [f for f in dict.fromkeys(forms) if len(f) >= 2]
            forms_ru = ([] if kind == "person" else [d["pref_ru"] or ""]) + sorted(d["alt_ru"])
            forms_ru = [f for f in dict.fromkeys(forms_ru) if len(f) >= 2]
            entries.append(Entry(iri[len(ID):], kind, d["pref"] or d["family"] or iri, d["family"], forms,
                                 sorted(d["initials"]), d["default"], d["pref_ru"], forms_ru))
        return cls(entries, path, by_subject)

    @cached_property
    def _by_first_word(self) -> dict[str, list[str]]:
        """Forms by their first word, longest first: the text is scanned word by word, not with one huge regex."""
        out: dict[str, list[str]] = {}
        for form in self._by_form:
            m = _WORD.match(form)
            if m:
                out.setdefault(m.group(0), []).append(form)
        for forms in out.values():
            forms.sort(key=lambda f: (-len(f), f))
        return out

    def lookup(self, form: str, initials: str | None = None, kind: str | None = None) -> Entry | None:
        """The entry a name means; initials pick among namesakes."""
        return self._looked_up(form, initials, kind)

    def _lookup(self, form: str, initials: str | None, kind: str | None) -> Entry | None:
        cands = [e for e in self._by_form.get(form.strip(), []) if kind is None or e.kind == kind]
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        if initials:
            norm = initials.replace(" ", "")
            for e in cands:
                if norm in (i.replace(" ", "") for i in e.initials):
                    return e
        for e in cands:
            if e.default:
                return e
        # Prefer a person to a place of the same name only when no default settles it.
        return sorted(cands, key=lambda e: (e.kind != "person", e.key))[0]

    def namesakes(self, form: str) -> list[Entry]:
        """The persons a bare name may mean (more than one for namesakes)."""
        return [e for e in self._by_form.get(form, []) if e.kind == "person"]

    def find(self, text: str) -> list[Match]:
        """Every authority name in a text, skipping names of things named after a person."""
        out: list[Match] = []
        by_first = self._by_first_word
        if by_first.keys().isdisjoint(_WORD.findall(text)):
            return out  # no word of the line begins a name
        pos = 0
        for w in _WORD.finditer(text):
            cands = by_first.get(w.group(0))
            if not cands:
                continue  # most words name nobody
            p = w.start()
            if p < pos or (p and (text[p - 1].isalnum() or text[p - 1] == "_")):
                continue
            name = next((f for f in cands if text.startswith(f, p) and not _word_char_at(text, p + len(f))), None)
            if name is None:
                continue
            name_end = p + len(name)
            after = name_end + 2 if text.startswith(("'s", "’s"), name_end) and not _word_char_at(text, name_end + 2) \
                else name_end
            before = _INITIALS_BEFORE.search(text[max(0, p - 14):p])
            if before and (p - len(before.group(0)) > 0) and _word_char_at(text, p - len(before.group(0)) - 1):
                before = None
            post = _INITIALS_AFTER.match(text, after)
            # Initials before the name ("G.A. Prokofiev") or after it, as the notes print them ("Prokofiev G.A.").
            init = (before.group(1) if before else None) or (post.group(1) if post else None)
            named_after = bool(_NAMED_AFTER_NEXT.match(text, after) or _NAMED_AFTER_PREV.search(text[max(0, p - 24):p]))
            kinds = {e.kind for e in self._by_form.get(name, [])}
            if not named_after and "place" in kinds and _PLACE_PREPOSITION.search(text[max(0, p - 8):p]):
                named_after = True
            if named_after:
                # "Gorky region" is the place, never the writer; "Order of Lenin" is no mention of Lenin.
                entry = self.lookup(name, kind="place") if "place" in kinds else None
            else:
                entry = self.lookup(name, init.strip() if init else None)
            if entry is None:
                continue
            # Initials (or a surname-first form such as "Prokofiev G.A.") chose a namesake other than the default.
            family = entry.family_name or ""
            by_initials = entry.kind == "person" and bool(family) and \
                entry is not self.lookup(family, None, kind="person")
            person = entry.kind == "person"
            start = p - len(before.group(0)) if before and person else p
            end = post.end() if post and person else name_end
            out.append(Match(start, end, text[start:end], entry, entry.family_name or name, by_initials))
            pos = max(end, after)
        return out


_WORD = re.compile(r"[A-Za-z]\w*")
_INITIALS_BEFORE = re.compile(r"((?:[A-Z][a-z]?\.\s?){1,3})\s?$")
_INITIALS_AFTER = re.compile(r"\s((?:[A-Z][a-z]?\.\s?){1,3})(?!\w)")


def _keep(d: dict, p: str, value: str) -> None:
    """Keep what one triple says of an entry: its types, names, initials, whether it is the default namesake."""
    if p == RDF_TYPE:
        d["types"].add(value)
    elif p in (_P["family"], _P["pref"]):
        d["family" if p == _P["family"] else "pref"] = value
    elif p in (_P["alt"], _P["initials"]):
        d["alt" if p == _P["alt"] else "initials"].append(value)
    elif p == _P["default"]:
        d["default"] = value == "true"


def _keep_ru(d: dict, p: str, value: str) -> None:
    """Keep a Russian label of an entry, apart from the English forms."""
    if p == _P["pref"]:
        d["pref_ru"] = value
    elif p == _P["alt"]:
        d["alt_ru"].append(value)


def _word_char_at(text: str, i: int) -> bool:
    return i < len(text) and (text[i].isalnum() or text[i] == "_")


_cache: dict[Path, Authority] = {}


def load_authority(path: Path | None = None) -> Authority:
    """The authority file shipped in ontology/ (or another one)."""
    from ..resources import ontology_file

    path = Path(path) if path else ontology_file("authority.ttl")
    if path not in _cache:
        _cache[path] = Authority.load(path)
    return _cache[path]
