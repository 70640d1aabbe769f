"""What a letter's notes state: the addressee's answer, dispatch, forwarding, PB decisions, other documents.

A note is cut at the archive references it cites (a reference closes the statements made since the one before);
in each piece the wordings find statements of the kinds in KINDS, each read by its own handler.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..vocabulary import Outcome
from . import dates as D
from .archive import find_refs
from .context import Context
from .records import ArchiveRef, Footnote, Letter
from .statement_kinds import KINDS, Statement
from .wordings.base import Wordings

Trigger = tuple[int, int, str]  # start, end, kind
AnswerPatterns = tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]


class Piece(NamedTuple):
    """A stretch of a note and the references that close it."""

    start: int
    end: int
    refs: list[ArchiveRef]


@dataclass(slots=True)
class Segment:
    """A stretch of a note, what it states and the dates it names."""

    text: str
    refs: list[ArchiveRef]
    line: int
    letter_date: str | None
    offset: int = 0  # where the stretch starts in its note's text
    triggers: list[Trigger] = field(default_factory=list)
    worded: dict[tuple[int, int], Outcome | None] = field(default_factory=dict)  # an answer's wording → outcome
    rules: dict[Trigger, str] = field(default_factory=dict)  # a statement → the name of the wording that found it

    @property
    def ref(self) -> ArchiveRef | None:
        return self.refs[0] if self.refs else None


def read(ctx: Context, L: Letter) -> None:
    """Read what the notes state into the letter."""
    letter_date = L.date if L.date and len(L.date) == 10 else None
    prev_ref = L.archive_refs[-1] if L.archive_refs else None
    together = list(L.archive_refs)  # the references cited last, together: equally near for an "Ibid."
    recips = [ctx.auth.entries[k].family_name if k in ctx.auth.entries else None for k in L.recipient_keys]
    answer_rx = answer_patterns(ctx.w, tuple(r for r in recips if r) or tuple(L.recipients))
    for fn in L.footnotes:
        # "The same day", "the next day": against the letter's date, or an event the same note dated.
        anchor = letter_date
        text = fn.text.replace("\n", " ")
        refs = find_refs(text, fn.line, prev_ref, together)
        if refs:
            prev_ref = refs[-1][2]
            together = [ref for start, _, ref in refs if start == refs[-1][0]]
        for start, _, ref in refs:
            if ref.ibid_candidates:
                ctx.warn(ctx.line_in_note(fn.line, start), f"{ref.as_written!r} could mean "
                         f"{' or '.join(ref.ibid_candidates)} (cited together before it); read as {ref.citation}")
        continues = False  # the piece before stated a decision
        for piece in _pieces(text, refs):
            seg = Segment(text[piece.start:piece.end], piece.refs, fn.line, letter_date, piece.start)
            decided_before = len(L.decisions)
            anchor = _read_segment(ctx, L, fn, seg, answer_rx, anchor, continues)
            continues = len(L.decisions) > decided_before


def _pieces(text: str, refs: list[tuple[int, int, ArchiveRef]]) -> Iterator[Piece]:
    """The stretches of a note, each closed by the references after it (several in one parenthesis)."""
    bounds: list[Piece] = []
    last = 0
    for _, en, ref in refs:
        if bounds and bounds[-1].end == en:
            bounds[-1].refs.append(ref)  # several places cited in one parenthesis
            continue
        bounds.append(Piece(last, en, [ref]))
        last = en
    if last < len(text):
        bounds.append(Piece(last, len(text), []))
    return iter(bounds)


def _read_segment(ctx: Context, L: Letter, fn: Footnote, seg: Segment, answer_rx: AnswerPatterns,
                  anchor: str | None, continues: bool) -> str | None:
    """Read the statements of one stretch; the anchor for relative dates after it."""
    seg.triggers = dedupe(sorted(_find(ctx, seg, answer_rx)))
    if not seg.triggers and continues and continued_decision(ctx, seg):
        seg.triggers = [(0, 0, "decision")]
        seg.rules[(0, 0, "decision")] = CONTINUED_RULE
    last_decision = max((j for j, t in enumerate(seg.triggers) if t[2] == "decision"), default=None)
    mentions = D.find_dates(seg.text, anchor)
    for k, (ts, te, kind) in enumerate(seg.triggers):
        st = Statement(seg.text, fn.line, k, ts, te, kind, seg.triggers, seg.letter_date, anchor,
                       seg.worded.get((ts, te)), offset=seg.offset, marker_line=fn.marker_line,
                       rule=seg.rules.get((ts, te, kind), ""))
        st.own_ref = seg.ref if k == len(seg.triggers) - 1 or (kind == "decision" and k == last_decision) else None
        st.more_refs = seg.refs[1:]
        KINDS[kind].date(ctx, st, mentions)
        moved = KINDS[kind].handle(ctx, L, st)
        if moved:
            anchor = moved
    return anchor


# The rules that find the statements no wordings table names.
DISPATCH_RULE, FORWARD_RULE, NOTED_RULE, CONTINUED_RULE = ("dispatch.sent", "dispatch.forwarded",
                                                           "noted.document", "decision.continued")


def _find(ctx: Context, seg: Segment, answer_rx: AnswerPatterns) -> Iterator[Trigger]:
    for rx, named in answer_rx:
        for m in rx.finditer(seg.text):
            wording = named.match(seg.text, m.start())
            group = wording.lastgroup or "" if wording else ""
            seg.worded.setdefault(m.span(), ctx.w.answers.wording_outcome.get(group) if wording else None)
            seg.rules.setdefault((m.start(), m.end(), "response"), ctx.w.answers.wording_rule.get(group, ""))
            yield m.start(), m.end(), "response"
    for rx, rule in zip(ctx.w.decisions.trigger_rx, ctx.w.decisions.trigger_rules, strict=True):
        for m in rx.finditer(seg.text):
            seg.rules.setdefault((m.start(), m.end(), "decision"), rule)
            yield m.start(), m.end(), "decision"
    for kind, rule, rx in (("dispatch", DISPATCH_RULE, ctx.w.dispatch.dispatch),
                           ("forward", FORWARD_RULE, ctx.w.dispatch.forwarded),
                           ("noted", NOTED_RULE, ctx.w.decisions.noted_doc)):
        for m in rx.finditer(seg.text):
            seg.rules.setdefault((m.start(), m.end(), kind), rule)
            yield m.start(), m.end(), kind


def continued_decision(ctx: Context, seg: Segment) -> bool:
    """ "… (F. 17 … L. 50), on September 22 - the decision on the Kremlin case (Ibid. …)": a further decision,
    stated in the same sentence as the one before."""
    ref = seg.ref
    return bool(ref and ref.fond == "17" and ctx.w.decisions.continued.match(seg.text))


def dedupe(triggers: list[Trigger]) -> list[Trigger]:
    """Of overlapping statements the one of higher rank; of one decision named twice, the first."""
    out: list[Trigger] = []
    for t in triggers:
        if out and t[0] < out[-1][1]:
            # Overlapping triggers: a response outranks a dispatch ("replied in code"), a decision a response.
            if KINDS[t[2]].rank > KINDS[out[-1][2]].rank:
                out[-1] = t
            continue
        if out and decision_named_twice(out[-1], t):
            continue
        out.append(t)
    return out


def decision_named_twice(before: Trigger, t: Trigger) -> bool:
    """One decision named twice in a clause ("the decision of the PB … the PB approved")."""
    return before[2] == t[2] == "decision" and t[0] - before[1] < 40


@lru_cache(maxsize=256)
def answer_patterns(w: Wordings, recips: tuple[str, ...]) -> AnswerPatterns:
    """What a note says when the recipients answer, compiled once per set of recipients: each pattern to find it
    with, and the same with the wordings named, to tell which one (only where one is found: it is slower)."""
    who = "(?:" + "|".join(re.escape(r) for r in recips) + ")"

    def frame(text: str, words: str) -> re.Pattern[str]:
        return re.compile(text.replace("<WHO>", who).replace("<WORDS>", words))

    plain, named = w.answers.wording_groups(named=False), w.answers.wording_groups()
    return tuple((frame(f, p), frame(f, n)) for f, p, n in zip(w.answers.frames, plain, named, strict=True))
