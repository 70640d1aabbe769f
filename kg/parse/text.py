"""Text helpers of the engine: sentences, spaces, initials, slugs and note markers."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from .wordings.base import Names, Numbers, Sentences

SPACES = re.compile(r"\s+")
DIGIT = re.compile(r"\d")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def sentence_bounds(text: str, w: Sentences) -> list[int]:
    """Where sentences start: after . ! ? and a space, unless the dot ends an initial or an abbreviation."""
    starts = [0]
    depth, last = 0, 0
    for m in w.sentence_end.finditer(text):
        depth += text.count("(", last, m.start()) - text.count(")", last, m.start())
        last = m.start()
        if text[m.start()] == "." and w.abbreviation.search(text, max(0, m.start() - 12), m.start() + 1):
            continue
        if depth > 0:
            continue  # inside a parenthesised reference "(Ibid. D. 86. L. 5)"
        starts.append(m.end())
    return starts


def sentence_span(text: str, pos: int, w: Sentences) -> tuple[int, int]:
    """Where the sentence that holds position `pos` starts and ends."""
    starts = sentence_bounds(text, w)
    start = max(s for s in starts if s <= pos)
    end = next((s for s in starts if s > pos), len(text))
    return start, end


def sentence_at(text: str, pos: int, w: Sentences) -> str:
    """The sentence that holds position `pos`."""
    start, end = sentence_span(text, pos, w)
    return text[start:end].strip()


def clean(text: str) -> str:
    """The text on one line, without the punctuation around it."""
    return SPACES.sub(" ", text).strip(" .;,")


def squeeze(text: str) -> str:
    """The text without whitespace: "2860 / sh" and "2860/sh" are one number."""
    return SPACES.sub("", text)


def number_list(text: str, w: Numbers) -> list[str]:
    """The numbers of "118, 119 and 120"."""
    return [squeeze(x) for x in w.list_separator.split(text) if x.strip()]


def split_initials(name: str, w: Names) -> tuple[str | None, str]:
    """The initials ("A. I.", or None) and the family name of a written name."""
    m = w.initials_and_family.match(name)
    return (m.group(1).strip(), m.group(2)) if m else (None, name)


def strip_initials(name: str, w: Names) -> str:
    """The name without the initials before it."""
    return w.leading_initials.sub("", name)


def slug(text: str) -> str:
    """The part of a provisional key made of a name: lower case, dashes (a hash where nothing is left)."""
    s = _NON_SLUG.sub("-", text.lower().replace("’", "").replace("'", "")).strip("-")
    return s or hashlib.sha1(text.encode()).hexdigest()[:8]


@lru_cache(maxsize=128)
def marker_pattern(number: str) -> re.Pattern[str]:
    """A note's marker in the letter's text: its number just after a word, before punctuation or the line's end."""
    return re.compile(r"(?:(?<=[^\s\d/.-])\s+|(?<=[A-Za-z]))" + number + r"(?=\s*[.,;:!?)]|\s*$)"
                      r"|(?<=[,\]])\s*" + number + r"(?=\s+[a-z])")
