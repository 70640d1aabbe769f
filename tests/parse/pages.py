"""Small pages for the wordings' examples: one letter, its metadata, text and notes, parsed."""
from __future__ import annotations

from kg.parse import parse_text
from kg.parse.authority import load_authority
from kg.parse.records import Letter

AUTH = load_authority()
ARCHIVE = "Archive: RGASPI F. 558. Op. 11. D. 1. L. 1."


def page_text(heading: str = "Kaganovich to Stalin August 1, 1934", meta: tuple[str, ...] = (ARCHIVE,),
              address: str = "Tov. Stalin.", body: tuple[str, ...] = ("We ask you to build the bridge.",),
              sign: str = "Kaganovich.", notes: tuple[str, ...] = (), separator: str = "Notes:") -> str:
    """A page of one letter in the edition's layout."""
    lines = [heading, *meta, address, *body, sign]
    if notes:
        lines += [separator, *notes]
    return "\n".join(x for x in lines if x)


def letter(**parts: object) -> Letter:
    """The first letter of a page made of these parts (see page_text)."""
    page = parse_text(page_text(**parts), "example.txt", AUTH)  # type: ignore[arg-type]
    assert page.letters, page.warnings
    return page.letters[0]


def to_kaganovich(**parts: object) -> Letter:
    """A letter of Stalin's to Kaganovich."""
    defaults: dict[str, object] = {"heading": "Stalin to Kaganovich August 2, 1934", "address": "Kaganovich.",
                                   "sign": "Stalin."}
    return letter(**(defaults | parts))


def note(text: str, body: str = "We ask for your consent 1 .") -> Letter:
    """A letter to Stalin whose one note says `text`."""
    return letter(body=(body,), notes=("1 " + text,))
