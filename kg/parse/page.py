"""A page cut into letters: headings, each letter's lines in their roles, and what its notes state."""
from __future__ import annotations

from ..vocabulary import Role
from . import body as B
from . import dates as D
from . import metadata, names, notes, replies, statements, tail
from .context import Context
from .heading import parse_heading
from .records import Letter


class PageParser(Context):
    """Parses one page; the authority file resolves the names it finds, the wordings say what a line is."""

    def parse(self, raw: list[str]) -> tuple[list[tuple[int, str]], list[Letter]]:
        """The page's preamble and its letters."""
        lines = self._logical_lines(raw)
        starts = [i for i, text in enumerate(lines) if self._is_heading(lines, i)]
        preamble = [(self.nums[i], lines[i].strip()) for i in range(starts[0] if starts else len(lines))
                    if lines[i].strip()]
        for n, t in preamble:
            self.roles[n] = Role.TITLE if parse_heading(t, self.w) else Role.PREAMBLE
        letters = []
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(lines)
            letters.append(self._letter(lines, s, e))
        self._stray_archive_lines(lines, {L.archive_line for L in letters})
        return preamble, letters

    def _logical_lines(self, raw: list[str]) -> list[str]:
        # A heading run together with its archive line becomes two lines of one number.
        lines: list[str] = []
        for k, text in enumerate(raw, 1):
            m = self.w.headings.run_together.match(text.strip()) if len(text) < 400 else None
            if m and parse_heading(m.group("h"), self.w):
                lines += [m.group("h"), m.group("rest")]
                self.nums += [k, k]
            else:
                lines.append(text)
                self.nums.append(k)
        return lines

    def _stray_archive_lines(self, lines: list[str], opening: set[int | None]) -> None:
        # An archive line opens a letter; one that opens none means the heading above it was not read, and
        # its letter went into the one before: say so rather than lose it.
        for i, text in enumerate(lines):
            n = self.nums[i]
            if n in opening or self.roles.get(n) == Role.ARCHIVE:
                continue
            if self.w.sources.archive_line.match(text.strip()):
                above = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
                self.not_understood(n, f"an archive line that opens no letter; is the line above ({above[:80]!r}) "
                                       "a heading in a layout not read?")

    def _is_heading(self, lines: list[str], i: int) -> bool:
        if parse_heading(lines[i].strip(), self.w) is None:
            return False
        # A heading opens a letter when an archive or source line follows it; else it is a title,
        # unless the next line addresses the heading's recipient ("T. Kaganovich. For memory.").
        seen = 0
        for j in range(i + 1, min(len(lines), i + 8)):
            t = lines[j].strip()
            if not t:
                continue
            if self.w.sources.archive_line.match(t) or self.w.sources.source_line.match(t):
                return True
            if seen == 0 and self._addresses_recipient(lines[i].strip(), t):
                return True
            seen += 1
            if seen >= 3 or parse_heading(t, self.w):
                return False
        return False

    def _addresses_recipient(self, heading: str, line: str) -> bool:
        h = parse_heading(heading, self.w)
        if h is None or h.date.iso is None or len(h.date.iso) != 10 or len(line) > 160:
            return False
        if self.w.closings.greeting_line.match(line):
            return True
        keys = {m.entry.key for m in self.auth.find(line[:80]) if m.entry.kind == "person"}
        recipients = {e.key for n in h.recipients if (e := self.auth.lookup(n.split()[-1], kind="person"))}
        return bool(keys & recipients) and bool(self.w.names.address_lead.match(line))

    def _open(self, lines: list[str], s: int, e: int) -> Letter:
        """The letter its heading opens, from the heading to its last non-blank line."""
        heading_text = lines[s].strip()
        h = parse_heading(heading_text, self.w)
        assert h is not None, "a letter starts at a heading"
        body_end = e
        while body_end > s + 1 and not lines[body_end - 1].strip():
            body_end -= 1
        n = self.nums[s]
        self.roles[n] = Role.HEADING
        if h.date.iso is None:
            self.warn(n, f"heading date {h.date.as_written!r} is not a calendar date")
        date_range, unknown = D.date_range(h.date.as_written, self.w.dates)
        if unknown:
            self.warn(n, f"heading date {h.date.as_written!r}: the words {unknown!r} are no qualifier the wordings "
                         "know; read as the date itself")
        return Letter(source=self.source, line=n, end_line=self.nums[body_end - 1], heading=heading_text,
                      authors=list(h.authors), recipients=list(h.recipients), date=h.date.iso,
                      date_as_written=h.date.as_written, date_editorial=h.date.editorial, date_range=date_range,
                      author_keys=[self.person_key(a, n) for a in h.authors],
                      recipient_keys=[self.person_key(r, n) for r in h.recipients],
                      recipient_groups=list(h.groups), recipient_group_keys=[self.group_key(g, n) for g in h.groups])

    def _letter(self, lines: list[str], s: int, e: int) -> Letter:
        L = self._open(lines, s, e)
        i = metadata.read(self, L, lines, s + 1, e)
        if L.archive_line is None and L.edition_line is None:
            self.warn(L.line, "letter has no Archive: or source line")
        body, note_lines = B.split_notes(self, lines, i, e)
        body = B.take_address(self, L, body)
        body = tail.peel(self, L, body)
        L.body = tail.enclosure_signature(self, L, body)
        if L.signature:
            tail.check_signers(self, L)
        for n, _ in L.body:
            self.roles[n] = Role.BODY
        tail.cipher_numbers(self, L)
        replies.find_request(self, L)
        replies.read_replies(self, L)
        L.footnotes = notes.footnotes(self, note_lines)
        notes.place_markers(L)
        statements.read(self, L)
        names.mentions(self, L, lines, s, e)
        return L
