"""The closed vocabularies the stages share: an answer's outcome and what a source line became."""
from __future__ import annotations

from enum import Enum


class _Term(str, Enum):
    """A term that is its string everywhere it is written (graph, CSV, JSON), so output stays as it was."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)


class Outcome(_Term):
    """What the addressee answered to a request."""

    AGREED = "agreed"
    REJECTED = "rejected"
    ABSTAINED = "abstained"
    AMENDED = "amended"
    OTHER = "other"


class Role(_Term):
    """What a non-blank line of a page became."""

    TITLE = "title"
    PREAMBLE = "preamble"
    HEADING = "heading"
    SOURCE = "source"
    ARCHIVE = "archive"
    FORM = "form"
    HANDLING = "handling"
    TRANSMISSION = "transmission"
    DATELINE = "dateline"
    SEPARATOR = "separator"
    ADDRESS = "address"
    BODY = "body"
    SIGNATURE = "signature"
    NUMBER = "number"
    SECRETARY = "secretary"
    FOOTNOTE = "footnote"


class Evidence(_Term):
    """Where an answer is read from."""

    FOOTNOTE = "footnote"
    REPLY_LETTER = "reply letter"
