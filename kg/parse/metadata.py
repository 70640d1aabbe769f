"""The lines between a letter's heading and its text: edition, archive, form and handling, dispatch, dateline.

Each kind of line is one entry of METADATA_RULES: what recognises it, and what is taken from it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from ..vocabulary import Role
from . import dates as D
from .archive import parse_archive_line
from .context import Context
from .records import Letter, Transmission
from .text import squeeze

Found = Any  # what a recogniser found: a match, or True


class MetadataRule(NamedTuple):
    """A kind of metadata line: `recognise(ctx, letter, text, role of the line before)`, then `take`."""

    name: str
    recognise: Callable[[Context, Letter, str, Role | None], Found]
    take: Callable[[Context, Letter, Found, int, str], None]


def read(ctx: Context, L: Letter, lines: list[str], i: int, e: int) -> int:
    """Read the metadata lines from line i on; where the first line no rule recognises stands, the text begins."""
    previous: Role | None = None
    while i < e:
        t = lines[i].strip()
        if t:
            n = ctx.nums[i]
            rule, found = next(((r, f) for r in METADATA_RULES if (f := r.recognise(ctx, L, t, previous))),
                               (None, None))
            if rule is None:
                break
            rule.take(ctx, L, found, n, t)
            previous = ctx.roles.get(n)
        i += 1
    return i


def _edition(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return L.edition is None and ctx.w.sources.source_line.match(t)


def _take_edition(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    L.edition, L.edition_line = m.group("body").strip(), n
    ctx.roles[n] = Role.SOURCE


def _archive(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return not L.archive_refs and ctx.w.sources.archive_line.match(t)


def _take_archive(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    L.archive_line = n
    L.archive_refs = parse_archive_line(m.group("body"), n)
    ctx.roles.setdefault(n, Role.ARCHIVE)
    if not L.archive_refs:
        ctx.not_understood(n, "archive line names no archive, fond, file or sheet")


def _archive_continued(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    # the archive line wrapped: "F. 558. Op. 11. D. 40. L. 30. Autograph of Kaganovich."
    return L.archive_refs and previous == Role.ARCHIVE and ctx.w.sources.ref_continues.match(t)


def _take_archive_continued(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    L.archive_refs += parse_archive_line(t, n, L.archive_refs[-1])
    ctx.roles[n] = Role.ARCHIVE


def _form(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return ctx.w.marks.form_line.match(t)


def _take_form(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    form = ctx.w.marks.forms[re.sub(r"\s+", " ", m.group("f").lower())]
    if L.form and L.form != form:
        ctx.warn(n, f"second form {form!r} after {L.form!r}; keeping the first")
    else:
        L.form, L.form_line = form, n
    ctx.roles[n] = Role.FORM


def _handling(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return ctx.w.marks.handling_line.match(t)


def _handling_mark(ctx: Context, m: re.Match[str]) -> str:
    return ctx.w.sentences.before_stop.sub(r"\1", m.group("h").strip())


def _take_handling(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    L.handling.append(_handling_mark(ctx, m))
    ctx.roles[n] = Role.HANDLING


def _marks(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    # "Strictly secret. Cipher." on one line
    parts = ctx.w.sentences.after_stop.split(t)
    marks = ctx.w.marks
    return len(parts) > 1 and all(marks.form_line.match(x) or marks.handling_line.match(x) for x in parts) and parts


def _take_marks(ctx: Context, L: Letter, parts: list[str], n: int, t: str) -> None:
    for x in parts:
        if m := ctx.w.marks.form_line.match(x):
            _take_form(ctx, L, m, n, x)
        elif h := ctx.w.marks.handling_line.match(x):
            L.handling.append(_handling_mark(ctx, h))
    ctx.roles[n] = Role.FORM


def _from(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return ctx.w.dispatch.from_line.match(t)


def _take_from(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    L.transmission = transmission(ctx, m.group("rest"), t, n, L.date)
    ctx.roles[n] = Role.TRANSMISSION
    if not (L.transmission.time or L.transmission.incoming_no or D.parse_roman_date(t, L.date)[0]):
        ctx.not_understood(n, "transmission line gives no date, time or number")


def _incoming(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return ctx.w.dispatch.incoming.fullmatch(t.rstrip("."))


def _take_incoming(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    if L.transmission is None:
        L.transmission = Transmission(n, t)
    inc = ctx.w.dispatch.incoming.search(t)
    L.transmission.incoming_no = inc.group("n") if inc else None
    ctx.roles[n] = Role.TRANSMISSION


def _sent(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return ctx.w.dispatch.sent_line.match(t)


def _take_sent(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    tx = transmission(ctx, m.group("rest"), t, n, L.date, sent=True)
    if L.transmission is None:
        L.transmission = tx
    else:
        L.transmission.date, L.transmission.time, L.transmission.date_range = tx.date, tx.time, tx.date_range
        L.transmission.as_written += "\n" + t
    ctx.roles[n] = Role.TRANSMISSION


def _received(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    return ctx.w.dispatch.received_line.match(t)


def _take_received(ctx: Context, L: Letter, m: re.Match[str], n: int, t: str) -> None:
    L.received = t
    ctx.roles[n] = Role.TRANSMISSION


def _dateline(ctx: Context, L: Letter, t: str, previous: Role | None) -> Found:
    if len(t) <= 60 and ctx.w.numbers.secretary_line.fullmatch(t) and D.parse_roman_date(t, L.date)[0] and \
            "No" not in t:
        return True
    date = D.parse_heading_date(t)
    return date is not None and date.as_written.strip() == t.strip(" .")


def _take_dateline(ctx: Context, L: Letter, found: Found, n: int, t: str) -> None:
    L.dateline = t
    ctx.roles[n] = Role.DATELINE


METADATA_RULES: tuple[MetadataRule, ...] = (
    MetadataRule("edition line", _edition, _take_edition),
    MetadataRule("archive line", _archive, _take_archive),
    MetadataRule("archive line continued", _archive_continued, _take_archive_continued),
    MetadataRule("form", _form, _take_form),
    MetadataRule("handling mark", _handling, _take_handling),
    MetadataRule("form and handling on one line", _marks, _take_marks),
    MetadataRule("from line", _from, _take_from),
    MetadataRule("incoming number", _incoming, _take_incoming),
    MetadataRule("sent line", _sent, _take_sent),
    MetadataRule("received line", _received, _take_received),
    MetadataRule("dateline", _dateline, _take_dateline),
)


def transmission(ctx: Context, rest: str, text: str, line: int, anchor: str | None, sent: bool = False) -> Transmission:
    """When, where and under what number a letter was sent, from a From or Sent line."""
    w = ctx.w.dispatch
    tx = Transmission(line, text)
    # "Sent from Moscow on September 2, 1936 at 2 o'clock": a Sent line may name the place too
    fm = w.sent_from.match(rest) if sent else None
    if fm:
        rest = rest[fm.end():]
    pm = w.place_words.match(rest) if fm or not sent else None
    if pm:
        words = []
        for word in ctx.w.sentences.before_capital.split(pm.group("p")):
            if word.rstrip(".").lower() in D.MONTHS or word in w.place_stop:
                break
            words.append(word)
        tx.place = " ".join(words) or None
    tx.date, expressed = _transmission_date(rest, anchor)
    tx.date_range = D.one_day(expressed, tx.date) if expressed else None
    tm = D.find_time(rest, bare=True)
    tx.time = tm.hhmm if tm else None
    inc = w.incoming.search(rest)
    tx.incoming_no = squeeze(inc.group("n")) if inc else None
    if tx.time is None:
        ctx.warn(line, "transmission line gives no clock time")
    return tx


def _transmission_date(rest: str, anchor: str | None) -> tuple[str | None, str | None]:
    """The date a transmission line gives (Roman, numeric or in words) and its words; else the letter's own date,
    with no words (the line does not state it)."""
    date, m = D.parse_roman_date(rest, anchor)
    if date is not None and m is not None:
        return date, m.group(0)
    for nm in D.NUMERIC_DATE_RE.finditer(rest):
        if date := D.parse_numeric_date(nm.group(0)):
            return date, nm.group(0)
    for mention in D.find_dates(rest, anchor):
        if date := D.resolve(mention, anchor):
            return date, rest[mention.start:mention.end]
        break
    return (anchor if anchor and len(anchor) == 10 else None), None
