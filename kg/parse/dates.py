"""Dates and clock times as the edition writes them, normalised to ISO 8601."""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

from .records import DateRange
from .wordings.base import Dates

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
         "XI": 11, "XII": 12}

MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
            r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?![A-Za-z])\.?")


def iso(year: int, month: int, day: int | None = None) -> str | None:
    """ISO date (or YYYY-MM without a day); None for an impossible date."""
    try:
        if day is None:
            _dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def full_year(y: str | int) -> int:
    y = int(y)
    return y + 1900 if y < 100 else y


def shift(date: str, days: int) -> str:
    return (_dt.date.fromisoformat(date) + _dt.timedelta(days=days)).isoformat()


def year_for(month: int, anchor: str | None) -> int | None:
    """The year of a date given without one, read from the date it is said against."""
    if not anchor:
        return None
    ay, am = int(anchor[:4]), int(anchor[5:7])
    # A note on a December letter may speak of January of the next year, and vice versa.
    if am >= 11 and month <= 2:
        return ay + 1
    if am <= 2 and month >= 11:
        return ay - 1
    return ay


@dataclass(frozen=True)
class HeadingDate:
    iso: str | None
    editorial: bool
    as_written: str


# "October 1, 1934", "October 3 [1934]", "[October 9, 1934]", "October 1934", "[Not earlier than October 3, 1934]",
# "1 October 1934", "October 3-4, 1934", "[September 9 or 10, 1936]", "[Between August 10 and 14, 1931]",
# "August 31 - September 1, 1931": a span or a choice of days is dated by its first day.
_OTHER_DAY = r"(?:\s*(?:[-–]|or|and)\s*(?:" + MONTH_RE + r"\s+)?\d{1,2})?"
HEADING_DATE_RE = re.compile(
    r"(?P<date>(?:\[\s*(?:[A-Za-z][A-Za-z ,.]*?\s+)?)?"
    r"(?:(?P<d1>\d{1,2})(?:\s*[-–]\s*\d{1,2})?\s+(?P<m1>" + MONTH_RE + r")"
    r"|(?P<m2>" + MONTH_RE + r")\]?(?:\s+\[?(?P<d2>\d{1,2})" + _OTHER_DAY + r")?)"
    r"[\s\],\[]*+(?P<y>1[89]\d\d)\s*\]?(?:\s*\[[^\]]*\])?)\s*$"
)


def parse_heading_date(text: str) -> HeadingDate | None:
    """Parse the date at the end of a heading; brackets mark what the editors supplied."""
    if len(text) > 250:
        return None  # no heading is that long; the check also keeps the regex linear on long lines
    m = HEADING_DATE_RE.search(text)
    if not m:
        return None
    month = MONTHS[(m.group("m1") or m.group("m2")).rstrip(".").lower()]
    day = m.group("d1") or m.group("d2")
    year = int(m.group("y"))
    date = m.group("date").strip()
    return HeadingDate(iso(year, month, int(day) if day else None), "[" in date or "]" in date, date)


# The date of a heading without its qualifier: "August 10 and 14, 1931", "9 or 10 September 1936", "October 1934".
_JOIN = r"(?P<j>\s*(?:[-–—]|[A-Za-z]{1,8})\s*)"
_RANGE_BODY = re.compile(
    r"(?:(?P<m1>" + MONTH_RE + r")\s+(?P<d1>\d{1,2})(?:" + _JOIN + r"(?:(?P<m2>" + MONTH_RE + r")\s+)?(?P<d2>\d{1,2}))?"
    r"|(?P<d3>\d{1,2})(?:" + _JOIN.replace("<j>", "<j3>") + r"(?P<d4>\d{1,2}))?\s+(?P<m3>" + MONTH_RE + r")"
    r"|(?P<m0>" + MONTH_RE + r"))[\s,]*(?P<y>1[89]\d\d)(?!\d)"
)


def _month(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _bounds(value: str) -> tuple[str, str]:
    """The first and last day of a day or a month (ISO)."""
    if len(value) == 10:
        return value, value
    year, month = int(value[:4]), int(value[5:7])
    return f"{value}-01", f"{value}-{calendar.monthrange(year, month)[1]:02d}"


def one_day(expressed: str, iso_date: str | None) -> DateRange | None:
    """A day (or a month) the text gives as such: "2/X - 34", "October 22", "the same day"."""
    if not iso_date:
        return None
    first, last = _bounds(iso_date)
    return DateRange(expressed.strip(), iso_date, first, last)


def date_range(expressed: str, w: Dates) -> tuple[DateRange | None, str | None]:
    """A heading's date as an interval: the words, EDTF, first and last day, what the editors supplied in [ ];
    and the qualifier words the wordings do not know (None when all were read)."""
    plain = expressed.replace("[", " ").replace("]", " ")  # the same length: positions stay
    m = _RANGE_BODY.search(plain)
    if not m:
        return None, None
    year = int(m.group("y"))
    d1, d2 = m.group("d1") or m.group("d3"), m.group("d2") or m.group("d4")
    month1 = _month(m.group("m1") or m.group("m3") or m.group("m0"))
    month2 = _month(m.group("m2")) if m.group("m2") else month1
    first = iso(year, month1, int(d1) if d1 else None)
    second = iso(year, month2, int(d2)) if d2 else None
    join = m.group("j") or m.group("j3")
    if first is None or (d2 and (second is None or second < first)):
        return None, None
    lead = plain[:m.start()].strip(" ,.")
    bound, unknown = "on", None
    if lead:
        name = next((n for n, (words, _) in w.qualifiers.items() if re.fullmatch(words, lead, re.I)), None)
        bound = w.qualifiers[name][1] if name else "on"
        unknown = None if name else lead
    earliest: str | None = _bounds(first)[0]
    latest: str | None = _bounds(second or first)[1]
    if second and join and w.choice.fullmatch(join):
        edtf = f"[{first},{second}]"  # EDTF: one of the set
    elif second and (bound == "between" or (join and w.span.fullmatch(join))):
        edtf = f"{first}/{second}"
    elif second:
        return None, join.strip() if join else None
    elif bound == "from":
        edtf, latest = f"{first}/..", None
    elif bound == "until":
        edtf, earliest = f"../{first}", None
    else:
        edtf = first
    parts = {"month": m.start("m1") if m.group("m1") else m.start("m3") if m.group("m3") else m.start("m0"),
             "day": m.start("d1") if d1 and m.group("d1") else m.start("d3") if d1 else -1, "year": m.start("y")}
    return DateRange(expressed, edtf, earliest, latest, _supplied(expressed, parts)), unknown


def _supplied(expressed: str, parts: dict[str, int]) -> str | None:
    """Which parts of the date stand in [ ]: "whole", or the parts ("year", "day", "month", "month-day" …)."""
    inside, depth = [], 0
    for ch in expressed:
        depth += ch == "["
        inside.append(depth > 0)
        depth -= ch == "]"
    given = {name: inside[pos] for name, pos in parts.items() if pos >= 0}
    if not any(given.values()):
        return None
    if all(given.values()):
        return "whole"
    return "-".join(name for name in ("month", "day", "year") if given.get(name))


# 2/X - 34, 27/X-34, 1/X-34, 3/X.34, 9/X.34, 23 / X - 34, 3.VIII.33, 29/VI 32, 26.X.34, 22/X 34
ROMAN_DATE_RE = re.compile(
    r"(?<![\w/])(?P<d>\d{1,2})\s*(?:[/.]\s*(?P<m>X{0,1}(?:IX|IV|V?I{0,3}|X{1,2}|XI{1,2}))(?![A-Za-z])|(?P<slip>[A-Z]))"
    r"(?:\s*[-./ ]\s*(?P<y>\d{2}|1[89]\d\d)(?!\d))?"
)


def parse_roman_date(text: str, anchor: str | None = None) -> tuple[str | None, re.Match | None]:
    """Find a day/Roman-month date ("2/X - 34"); an OCR'd month letter ("27A - 34") takes the anchor's month."""
    for m in ROMAN_DATE_RE.finditer(text):
        roman = m.group("m")
        if roman and roman in ROMAN:
            month = ROMAN[roman]
        elif m.group("slip") and m.group("y") and anchor:
            month = int(anchor[5:7])
        else:
            continue
        year = full_year(m.group("y")) if m.group("y") else year_for(month, anchor)
        if year is None:
            continue
        d = iso(year, month, int(m.group("d")))
        if d:
            return d, m
    return None, None


@dataclass
class DateMention:
    start: int
    end: int
    iso: str | None
    relative: str | None  # "same", "next", "previous", or days later ("2") for relative expressions


_DATE_MENTION_RE = re.compile(
    r"(?P<rel>\b(?:on\s+)?the\s+(?P<which>same|next|following|previous)\s+day\b)"
    r"|(?P<later>\b(?P<n>a|one|two|three|four|five|six|seven|[1-9])\s+days?\s+later\b)"
    r"|(?P<md>\b(?P<m1>" + MONTH_RE + r")\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?(?!\d)"
    r"(?:\s*,?\s*(?P<y1>1[89]\d\d))?)"
    r"|(?P<dm>\b(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?\s+(?P<m2>" + MONTH_RE + r")"
    r"(?:\s*,?\s*(?P<y2>1[89]\d\d))?)",
    re.IGNORECASE,
)


def find_dates(text: str, anchor: str | None) -> list[DateMention]:
    """Every date a sentence names, absolute or relative to the anchor date."""
    out = []
    for m in _DATE_MENTION_RE.finditer(text):
        if m.group("rel"):
            which = m.group("which").lower()
            rel = {"same": "same", "next": "next", "following": "next", "previous": "previous"}[which]
            out.append(DateMention(m.start(), m.end(), None, rel))
            continue
        if m.group("later"):
            n = m.group("n").lower()
            out.append(DateMention(m.start(), m.end(), None, str(_NUMBER_WORDS.get(n) or int(n))))
            continue
        if m.group("md"):
            mon, day, yr = m.group("m1"), m.group("d1"), m.group("y1")
        else:
            mon, day, yr = m.group("m2"), m.group("d2"), m.group("y2")
        # "May" alone is too often the verb; require a capital M for that month.
        if mon.rstrip(".").lower() == "may" and not mon.startswith("M"):
            continue
        month = MONTHS[mon.rstrip(".").lower()]
        year = int(yr) if yr else year_for(month, anchor)
        if year is None:
            continue
        out.append(DateMention(m.start(), m.end(), iso(year, month, int(day)), None))
    return out


_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_RELATIVE_DAYS = {"same": 0, "next": 1, "previous": -1}


def resolve(mention: DateMention, anchor: str | None) -> str | None:
    if mention.relative is None:
        return mention.iso
    if not anchor or len(anchor) != 10:
        return None
    rel = mention.relative
    return shift(anchor, _RELATIVE_DAYS[rel] if rel in _RELATIVE_DAYS else int(rel))


_TIME_BODY = (
    r"(?P<h>\d{1,2})(?:\s*[:.-]\s*(?P<m0>\d{2}))?(?!\d)"
    r"\s*(?:o['’`]?\s?clock|hours?|h\b\.?)?\s*"
    r"(?P<ampm>[ap]\.?\s?m\b\.?)?"
    r"(?:\s*[.,]?\s*(?P<m>\d{1,2})\s*(?:min(?:utes?|s)?\b\.?|m\b\.?))?"
)
TIME_RE = re.compile(r"\bat\s+" + _TIME_BODY, re.IGNORECASE)
# On a transmission line a bare "9-00" or "9:00" is the time; in a note "L. 10-12" is a range of sheets.
BARE_TIME_RE = re.compile(r"(?:\bat\s+|(?<![\d/.])(?<!L\.\s)(?<!L\s)(?=\d{1,2}[-:]\d{2}\b))" + _TIME_BODY,
                          re.IGNORECASE)


@dataclass
class TimeMention:
    start: int
    end: int
    hhmm: str


def find_time(text: str, bare: bool = False) -> TimeMention | None:
    """The first clock time: "at 3 o'clock. 30 minutes", "at 1 pm. 17 min.", "at 20:00. 28 min.", "9-00" (bare)."""
    for m in (BARE_TIME_RE if bare else TIME_RE).finditer(text):
        h = int(m.group("h"))
        m0, mm, ampm = m.group("m0"), m.group("m"), m.group("ampm")
        if m0 is None and mm is None and ampm is None and not re.search(r"o['’`]?\s?clock|hour", m.group(0), re.I):
            continue  # "at 5" alone is no time
        minute = int(mm) if mm is not None and (m0 is None or int(m0) == 0) else int(m0 or 0)
        if ampm:
            pm = ampm.lower().startswith("p")
            if pm and h < 12:
                h += 12
            elif not pm and h == 12:
                h = 0
        if h > 24 or minute > 59:
            continue
        return TimeMention(m.start(), m.end(), f"{h % 24:02d}:{minute:02d}")
    return None


NUMERIC_DATE_RE = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>1[89]\d\d|\d{2})(?![\d])")


def parse_numeric_date(text: str) -> str | None:
    """A day.month.year date ("15.1.1936")."""
    for m in NUMERIC_DATE_RE.finditer(text):
        d = iso(full_year(m.group("y")), int(m.group("m")), int(m.group("d")))
        if d:
            return d
    return None
