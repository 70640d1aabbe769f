"""Source page text → typed records: letters, their references, notes, requests, responses and decisions.

The engine (segmenting a page into letters, line roles, notes and their markers, linking replies, choosing
dates) knows no language: it asks a `Wordings` object (kg.parse.wordings, by language) what a line or a sentence
is. parse_text and parse_file take the language's wordings, English by default.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .authority import Authority, load_authority
from .heading import Heading, parse_heading
from .outcomes import classify_outcome
from .page import PageParser
from .reading import read_source_detected, split_lines
from .records import Page, Warning_
from .replies import link_replies
from .text import slug
from .wordings import get as get_wordings
from .wordings.base import Wordings


def parse_text(text: str, source: str, authority: Authority | None = None, path: str = "",
               wordings: Wordings | None = None) -> Page:
    """Parse the text of one page."""
    auth = authority or load_authority()
    lines = split_lines(text)
    p = PageParser(auth, source, wordings or get_wordings())
    preamble, letters = p.parse(lines)
    if not letters:
        # A page may hold no complete letter (a title, a preamble, a letter cut off before its archive line):
        # that is a finding to report, not a failure.
        heading = next((k + 1 for k, t in enumerate(lines) if parse_heading(t.strip(), p.w)), 1)
        p.warn(heading, "no letter in the edition's layout on this page (a heading such as 'Stalin to Kaganovich "
                        "October 1, 1934' followed by an 'Archive:' line)")
    title = next((t for _, t in preamble if "|" not in t), preamble[0][1] if preamble else None)
    return Page(source=source, path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), title=title,
                preamble=preamble, letters=letters, warnings=p.warnings, line_count=len(lines), roles=p.roles,
                nonblank=[k for k, t in enumerate(lines, 1) if t.strip()], unclear=dict(p.unclear), lines=lines)


def parse_file(path: Path, authority: Authority | None = None, encoding: str | None = None,
               source: str | None = None, wordings: Wordings | None = None) -> Page:
    """Read and parse one page file; `source` is the name the graph cites it by (default: the file name)."""
    text, used = read_source_detected(path, encoding)
    page = parse_text(text, source or Path(path).name, authority, str(path), wordings)
    page.encoding = used
    if used not in ("utf-8", encoding):
        page.warnings.insert(0, Warning_(page.source, 1, f"not UTF-8: read as {used} (detected); "
                                                          f"give --encoding to read it otherwise"))
    return page


__all__ = ["Heading", "Wordings", "classify_outcome", "link_replies", "parse_file", "parse_heading", "parse_text",
           "read_source_detected", "slug", "split_lines"]
