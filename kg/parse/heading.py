"""Letter headings: "A, B to C October 3 [1934]" — who wrote to whom, and when."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from . import dates as D
from .wordings import get
from .wordings.base import Wordings


@dataclass(frozen=True)
class Heading:
    """What a heading says."""

    authors: list[str]
    recipients: list[str]  # persons
    date: D.HeadingDate
    groups: list[str] = field(default_factory=list)  # bodies addressed: "other members of the PB"


def _parts(text: str, w: Wordings) -> list[str]:
    return [p.strip(" .") for p in w.headings.name_separator.split(text.strip()) if p.strip(" .")]


def _names(text: str, w: Wordings) -> list[str] | None:
    parts = _parts(text, w)
    if not parts or not all(w.names.name_full.match(p) for p in parts):
        return None
    return parts


def _addressees(text: str, w: Wordings) -> tuple[list[str], list[str]] | None:
    """The persons and the bodies a heading addresses; None unless every part is one or the other."""
    persons, groups = [], []
    for p in _parts(text, w):
        if w.names.name_full.match(p):
            persons.append(p)
        elif w.headings.group.fullmatch(p):
            groups.append(p)
        else:
            return None
    return (persons, groups) if persons or groups else None


@lru_cache(maxsize=4096)
def _heading(line: str, w: Wordings) -> Heading | None:
    line = w.headings.tail.sub(r"\1", line)  # "…, 1934." or "…, 1934 1": a full stop or a note marker
    date = D.parse_heading_date(line)
    if date is None:
        return None
    prefix = line[: line.rfind(date.as_written)].strip()
    m = w.headings.split.search(prefix)
    if not m:
        return None
    authors, addressees = _names(prefix[: m.start()], w), _addressees(prefix[m.end():], w)
    if not authors or not addressees:
        return None
    return Heading(authors, addressees[0], date, addressees[1])


def parse_heading(line: str, wordings: Wordings | None = None) -> Heading | None:
    """A letter heading: "A, B to C October 3 [1934]" or "A - B, C October 28, 1934"."""
    return _heading(line, wordings or get())
