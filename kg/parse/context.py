"""What every stage of parsing a page shares: the authority file, the wordings, line roles and warnings."""
from __future__ import annotations

from ..vocabulary import Role
from .authority import Authority
from .records import Warning_
from .text import SPACES, slug, split_initials
from .wordings.base import Wordings


class Context:
    """One page being parsed: where its findings, line roles and doubts are kept."""

    def __init__(self, authority: Authority, source: str, wordings: Wordings):
        self.auth = authority
        self.source = source
        self.w = wordings
        self.warnings: list[Warning_] = []
        self.roles: dict[int, Role] = {}
        self.unclear: dict[int, str] = {}  # line → why it was not understood
        self.nums: list[int] = []  # logical line → the page's line number
        # a note's first line → where each of its lines starts in its text: (offset, line); a note runs over lines
        self.note_lines: dict[int, list[tuple[int, int]]] = {}

    def line_in_note(self, note_line: int, offset: int) -> int:
        """The page's line that holds position `offset` of the note that begins on `note_line`."""
        starts = self.note_lines.get(note_line, [(0, note_line)])
        return next((n for at, n in reversed(starts) if at <= offset), note_line)

    def not_understood(self, line: int, why: str) -> None:
        """Mark a line as not understood, and say why."""
        self.unclear[line] = why
        self.warn(line, f"not understood: {why}")

    def warn(self, line: int, message: str) -> None:
        """Record a warning once."""
        w = Warning_(self.source, line, message)
        if w not in self.warnings:
            self.warnings.append(w)

    def person_key(self, name: str, line: int) -> str:
        """The authority key of a written name; a provisional one (with a warning) for a name it lacks."""
        initials, family = split_initials(name, self.w.names)
        entry = self.auth.lookup(family, initials, kind="person")
        if entry is None:
            self.warn(line, f"person {name!r} is not in the authority file; added as provisional")
            return "person/" + slug(family)
        return entry.key

    def group_key(self, group: str, line: int) -> str:
        """The authority key of a body addressed ("members of the PB")."""
        m = self.w.headings.group.fullmatch(group)
        org = SPACES.sub(" ", m.group("org") if m else group)
        entry = self.auth.lookup(org, kind="organisation")
        if entry is None:
            self.warn(line, f"body {org!r} is not in the authority file; added as provisional")
            return "org/" + slug(org)
        return entry.key

    def place(self, name: str) -> str:
        """A place's label in the authority file, or the name as written."""
        e = self.auth.lookup(name, kind="place")
        return e.label if e else name
