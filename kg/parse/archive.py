"""Archival references as the edition writes them: "RGASPI F. 558. Op. 11. D. 86. L. 2–4. Autograph."."""
from __future__ import annotations

import re

from .records import ArchiveRef

# The archives the edition cites, by name; other capitals before a fond are read as an archive's name too.
ARCHIVE_NAMES = ("RGASPI", "GARF", "RGAE", "RGVA", "RGANI", "RGALI", "APRF", r"AP\s?RF", r"AVP\s?RF", r"TsA\s?FSB",
                 "TsAMO", "RGIA", r"TsGA\s?SPb", "TsGAOR")
_ARCHIVE_NAME = "(?:" + "|".join(ARCHIVE_NAMES) + r"|[A-Z]{3,}(?:\s?[A-Z]{2,})?)"
_IBID = re.compile(r"^\s*(?:Ibid|Ibidem|Same place|In the same place)\b\.?,?\s*", re.I)
_ARCHIVE_AT_START = re.compile(r"^\s*(?P<a>" + _ARCHIVE_NAME + r")\b\.?,?\s*(?=F\s*\.|Fond|Personal|Op\b|$)")
_FOND = re.compile(r"\bF\s*\.\s*(?P<v>[A-Z]?-?\d+[A-Za-z]?)\b\.?")
# The OCR reads the Cyrillic "Оп." as "On." and the "11" as "P." (or "П.").
_OPIS = re.compile(r"\b(?:(?:Op|0p|Оп)\s*\.?|(?:On|Оn)\s*\.)\s*(?P<v>\d+[A-Za-z]?|[PpПI]{1,2})(?=[\s.,;)]|$)\.?")
_DELO = re.compile(r"\bD\s*\.\s*(?P<v>\d+[A-Za-z]?)\b\.?")
_SHEETS = re.compile(
    r"\b(?:LL|Ll|L|l|Sheets?|sheets?)\s*\.?\s*(?P<v>\d+\s*(?:v\b|ob\b\.?|rev\b\.?)?(?:\s*(?:[-–—]|,|and)\s*\d+\s*(?:v\b|ob\b\.?|rev\b\.?)?)*)"
)
_SPLIT_MORE = re.compile(r"(?<=[.;])\s+(?=(?:" + _ARCHIVE_NAME + r"\.?\s+)?F\s*\.\s*\d)")

# The OCR splits a number with a space: "Op. 1 1." is Op. 11, "F. 5 58." is F. 558.
_SPLIT_NUMBER = re.compile(r"\b(?P<label>F|Op|0p|On|D)(?P<dot>\s*\.\s*)(?P<a>\d{1,2})\s(?P<b>\d{1,2})(?=\s*[.,;]|\s*$)")
_SPLIT_LEVEL = {"F": "fond", "Op": "opis", "0p": "opis", "On": "opis", "D": "delo"}


# The rules that normalise what the OCR or the translation slipped on, by the name the records give them.
SPLIT_NUMBER_RULE = "archive.split-number"  # "Op. 1 1." is Op. 11
OPIS_P_RULE = "archive.opis-p-is-11"  # "Op. P." is the OCR of "Оп. 11"
OPIS_LABEL_RULE = "archive.opis-label"  # "On." and "0p." are the OCR of "Op."
SHEETS_RULE = "archive.sheets-written-uniformly"  # "L. 39 - 40" is "39–40"
IBID_RULE = "archive.ibid-completed"  # "Ibid." takes the parts it does not restate from the reference before


def _slip(ref: ArchiveRef, part: str, written: str, rule: str) -> None:
    """Keep what was written for a part whose value a rule normalised, and the rule."""
    if part not in ref.slips:
        ref.slips[part], ref.slip_rules[part] = written, rule


def _join_split_number(m: re.Match, ref: ArchiveRef) -> str:
    _slip(ref, _SPLIT_LEVEL[m.group("label")], f"{m.group('a')} {m.group('b')}", SPLIT_NUMBER_RULE)
    return m.group("label") + m.group("dot") + m.group("a") + m.group("b")


_HAS_UNIT = re.compile(r"\b(?:D|L|LL|Ll)\s*\.\s*\d")
_REF_SEPARATOR = re.compile(r";\s*")
_SPACES = re.compile(r"\s+")
_SHEET_DASH = re.compile(r"\s*[-—–]\s*")
_SHEET_COMMA = re.compile(r"\s*,\s*")
_SHEET_AND = re.compile(r"\s+and\s+")

LEVELS = ("archive", "fond", "opis", "delo", "sheets")


def normalise_sheets(v: str) -> str:
    v = _SHEET_DASH.sub("–", v.strip())
    v = _SHEET_COMMA.sub(", ", v)
    v = _SHEET_AND.sub(", ", v)
    return v.rstrip(".").strip()


def parse_ref(text: str, line: int, previous: ArchiveRef | None,
              together: list[ArchiveRef] | None = None) -> ArchiveRef | None:
    """One reference; `Ibid.` and a reference without an archive name take the rest from the previous one.

    `together` are the references cited with the previous one (one archive line, one parenthesis): equally near,
    so an "Ibid." that restates too little to tell which it means could mean any (ibid_candidates)."""
    seg = text.strip().strip(";").strip()
    if not seg:
        return None
    ref = ArchiveRef(line=line, as_written=seg)
    rest = seg
    ibid = _IBID.match(rest)
    if ibid:
        rest = rest[ibid.end():]
    rest = _SPLIT_NUMBER.sub(lambda sm: _join_split_number(sm, ref), rest)
    m = _ARCHIVE_AT_START.match(rest)
    if m and m.group("a") not in ("Ibid", "Personal", "See", "For", "The"):
        ref.archive = _SPACES.sub(" ", m.group("a"))
        rest = rest[m.end():]
    end = _levels(ref, rest)
    desc = rest[end:].strip(" .,;")
    if desc:
        ref.description = desc
    if not (ref.fond or ref.opis or ref.delo or ref.sheets or ref.archive or ibid):
        return None
    if ibid and previous is not None:
        ref.ibid_of = previous.line
        ref.ibid_candidates = _ibid_candidates(ref, together or [previous])
    if ibid or not ref.archive:
        _inherit(ref, previous, full=bool(ibid))
    if not ref.archive:
        ref.archive = previous.archive if previous else None
    return ref


def _ibid_candidates(ref: ArchiveRef, together: list[ArchiveRef]) -> list[str]:
    """The different citations an "Ibid." gives when completed from each of the references cited together; none
    when they all give one."""
    out: list[str] = []
    for c in together:
        filled = ArchiveRef(ref.line, ref.as_written, ref.archive, ref.fond, ref.opis, ref.delo, ref.sheets,
                            ref.description)
        _inherit(filled, c, full=True)
        filled.archive = filled.archive or c.archive
        if filled.citation not in out:
            out.append(filled.citation)
    return out if len(out) > 1 else []


def _levels(ref: ArchiveRef, rest: str) -> int:
    """Read fond, opis, delo and sheets in their order; where the description after them starts."""
    end = 0
    for level, rx in (("fond", _FOND), ("opis", _OPIS), ("delo", _DELO), ("sheets", _SHEETS)):
        mm = rx.search(rest, end)
        # The components come in order; one found far past the previous is part of the description.
        if not mm or (end and rest[end:mm.start()].strip(" .,")):
            continue
        setattr(ref, level, _level_value(ref, level, mm))
        end = mm.end()
    return end


def _level_value(ref: ArchiveRef, level: str, mm: re.Match[str]) -> str:
    """A level's value, normalised; the OCR's slips kept in ref.slips."""
    value = mm.group("v")
    if level == "opis" and not value[0].isdigit():
        ref.slips.pop("opis", None)  # "P" supersedes a split number read before it
        _slip(ref, "opis", value, OPIS_P_RULE)
        value = "11"
    elif level == "sheets":
        written = value.strip()
        value = normalise_sheets(value)
        if written != value and written.replace(" ", "") != value.replace(" ", ""):
            ref.slips.pop("sheets", None)
            _slip(ref, "sheets", written, SHEETS_RULE)
    if level == "opis" and mm.group(0).lstrip().startswith(("On", "0p")):
        _slip(ref, "opisLabel", mm.group(0).strip(), OPIS_LABEL_RULE)
    return value


def _inherit(ref: ArchiveRef, prev: ArchiveRef | None, full: bool) -> None:
    """Fill the levels above the first one the reference restates."""
    if prev is None:
        return
    first = next((i for i, lv in enumerate(LEVELS) if getattr(ref, lv)), None)
    if first is None:
        if full:
            for lv in LEVELS:
                setattr(ref, lv, getattr(prev, lv))
        return
    for lv in LEVELS[:first]:
        setattr(ref, lv, getattr(prev, lv))


def split_refs(text: str) -> list[str]:
    """The references of an archive line: separated by `;`, or by `. ` before a new `F.`."""
    out = []
    for part in _REF_SEPARATOR.split(text):
        start = 0
        for m in _SPLIT_MORE.finditer(part):
            # Split only where the text before already holds a whole reference ("Ibid. F. 17" is one).
            if _HAS_UNIT.search(part, start, m.start()):
                out.append(part[start:m.start()])
                start = m.end()
        out.append(part[start:])
    return [p for p in out if p.strip()]


def parse_archive_line(text: str, line: int, previous: ArchiveRef | None = None,
                       together: list[ArchiveRef] | None = None) -> list[ArchiveRef]:
    """The references of an archive line or a parenthesis, each completed from the one before (the first from
    `previous`, cited with `together`)."""
    refs: list[ArchiveRef] = []
    prev = previous
    for seg in split_refs(text):
        ref = parse_ref(seg, line, prev, together if not refs else None)
        if ref is None:
            continue
        refs.append(ref)
        prev = ref
    return refs


PAREN = re.compile(r"\((?P<c>[^()]*)\)")
_LOOKS_LIKE_REF = re.compile(r"^\s*(?:Ibid|" + _ARCHIVE_NAME + r"\.?\s*F\s*\.|F\s*\.\s*\d|Op\.|D\.\s*\d|L\.\s*\d)")


def find_refs(text: str, line: int, previous: ArchiveRef | None,
              together: list[ArchiveRef] | None = None) -> list[tuple[int, int, ArchiveRef]]:
    """References a note gives in parentheses, with their positions, resolved in reading order (the first from
    `previous`, cited with `together`)."""
    out = []
    prev = previous
    for m in PAREN.finditer(text):
        content = m.group("c")
        if not _LOOKS_LIKE_REF.match(content):
            continue
        refs = parse_archive_line(content, line, prev, together)
        out += [(m.start(), m.end(), ref) for ref in refs]
        if refs:
            prev, together = refs[-1], refs
    return out
