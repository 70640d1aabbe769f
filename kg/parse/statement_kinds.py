"""The kinds of statement a note makes, each with its rank, how it is dated, and what is taken from it (KINDS)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..vocabulary import Evidence, Outcome
from . import dates as D
from .context import Context
from .outcomes import note_outcome
from .records import ArchiveRef, Decision, Letter, NotedDocument, Response, Transmission
from .text import clean, sentence_at, sentence_span, squeeze, strip_initials


@dataclass(slots=True)
class Statement:
    """One statement found in a stretch of a note, between the statements before and after it."""

    seg: str
    line: int  # the note's first line
    k: int
    start: int
    end: int
    kind: str
    triggers: list[tuple[int, int, str]]
    letter_date: str | None
    anchor: str | None
    worded: Outcome | None  # what the wording of an answer says of its outcome
    own_ref: ArchiveRef | None = None
    more_refs: list[ArchiveRef] = field(default_factory=list)
    before: list[D.DateMention] = field(default_factory=list)
    mention: D.DateMention | None = None
    date: str | None = None

    @property
    def prev_end(self) -> int:
        return self.triggers[self.k - 1][1] if self.k else 0

    @property
    def next_start(self) -> int:
        return self.triggers[self.k + 1][0] if self.k + 1 < len(self.triggers) else len(self.seg)

    @property
    def window(self) -> str:
        """The text from the statement before to the one after."""
        return self.seg[self.prev_end:self.next_start]


# -- dates ---------------------------------------------------------------------------------------------------------


def _dated(st: Statement, mentions: list[D.DateMention], earlier: bool = False) -> list[D.DateMention]:
    """The dates after the statement, up to the next; keeps those before it, since the one before, in st.before."""
    st.before = [d for d in mentions if st.prev_end <= d.start < st.start] or \
        ([d for d in mentions if d.end <= st.start] if earlier else [])
    return [d for d in mentions if st.start <= d.start < st.next_start]


def _choose(st: Statement, after: list[D.DateMention]) -> None:
    st.mention = st.before[-1] if st.before else (after[0] if after else None)
    st.date = D.resolve(st.mention, st.anchor) if st.mention else None


def date_nearest(ctx: Context, st: Statement, mentions: list[D.DateMention]) -> None:
    """The date just before the statement, else the first after it."""
    _choose(st, _dated(st, mentions))


def date_answer(ctx: Context, st: Statement, mentions: list[D.DateMention]) -> None:
    """As the nearest, but a date inside Stalin's quoted words ("… not earlier than October 1") is not his answer's."""
    quoted = [q.span() for q in ctx.w.answers.quote.finditer(st.seg)]
    _choose(st, [d for d in _dated(st, mentions) if not any(a <= d.start < b for a, b in quoted)])


def date_decision(ctx: Context, st: Statement, mentions: list[D.DateMention]) -> None:
    """Any date before the decision; but "…; the addition was approved by the PB on June 16": the PB's own date."""
    after = _dated(st, mentions, earlier=True)
    _choose(st, after)
    w = ctx.w.decisions
    if after and w.by_the_pb.search(st.seg[st.start:st.end]) and \
            w.date_follows.fullmatch(st.seg[st.end:after[0].start]):
        st.mention = after[0]
        st.date = D.resolve(st.mention, st.anchor)


# -- what is taken -------------------------------------------------------------------------------------------------


def weak_answer(outcome: Outcome, st: Statement) -> bool:
    """ "Stalin's telegram of October 2", "Stalin proposed …": a wording that states no answer, and none written."""
    return outcome == Outcome.OTHER and st.worded is None


def answer_before_letter(st: Statement) -> bool:
    """An answer cannot precede the letter: the note speaks of something else."""
    return bool(st.date and st.letter_date and st.date < st.letter_date)


def take_answer(ctx: Context, L: Letter, st: Statement) -> str | None:
    """The addressee's answer the note states: outcome, words, date, time, place."""
    if L.response is not None:
        return None
    w = ctx.w.answers
    q = w.quote.search(st.seg[st.start:st.next_start])
    sentence = sentence_at(st.seg, st.start, ctx.w.sentences)
    outcome = note_outcome(st.worded, sentence, q.group(0) if q else None, ctx.w)
    if weak_answer(outcome, st) or answer_before_letter(st):
        return None
    if any(t[2] == "decision" for t in st.triggers[st.k + 1:]) and not st.before:
        st.date = None  # "…with Stalin's amendment were approved by the PB on …": the PB's date
    tm = D.find_time(st.window)
    pm = ctx.w.dispatch.place_from.search(st.window)
    own = st.own_ref if st.own_ref and st.own_ref.fond != "17" else None
    L.response = Response(outcome=outcome, line=st.line, evidence=Evidence.FOOTNOTE,
                          text=q.group(1) if q else clean(sentence), date=st.date, time=tm.hhmm if tm else None,
                          place=ctx.place(pm.group("p")) if pm else None, ref=own)
    return st.date


def take_decision(ctx: Context, L: Letter, st: Statement) -> str | None:
    """A PB decision: its date, its wording from the sentence that dates or names it, where it is kept."""
    if st.date is None:
        return None
    start = st.mention.start if st.mention and st.mention.start < st.start else st.start
    wording = clean(ctx.w.sources.publication_paren.sub("", st.seg[sentence_span(st.seg, start, ctx.w.sentences)[0]:]))
    if decision_named_again(L, st, wording):
        return None
    pub = next((p.group("pub").strip().rstrip(".") for p in ctx.w.sources.publication.finditer(st.seg)), None)
    L.decisions.append(Decision(line=st.line, date=st.date, wording=wording,
                                ref=st.own_ref if st.own_ref and st.own_ref.fond else None, publication=pub,
                                more_refs=[r for r in st.more_refs if r.fond] if st.own_ref else []))
    return st.date


def decision_named_again(L: Letter, st: Statement, wording: str) -> bool:
    """The same decision stated twice in one note is one decision."""
    return any(d.date == st.date and d.line == st.line and d.wording == wording for d in L.decisions)


def take_dispatch(ctx: Context, L: Letter, st: Statement) -> str | None:
    """When and where the letter was sent; or, after the answer ("Stalin's answer was sent …"), the answer's."""
    tm = D.find_time(st.window)
    if L.response is not None and ctx.w.answers.answer_before.search(st.seg[max(0, st.start - 40):st.start]):
        if L.response.date is None and L.response.evidence == Evidence.FOOTNOTE:
            L.response.date = st.date if st.date and (not st.letter_date or st.date >= st.letter_date) else None
            L.response.time = L.response.time or (tm.hhmm if tm and L.response.date else None)
        return None
    pm = ctx.w.dispatch.place_from.search(st.window)
    if L.transmission is not None or not (tm or pm):
        return None
    L.transmission = Transmission(line=st.line, as_written=clean(st.window),
                                  place=ctx.place(pm.group("p")) if pm else None, date=st.date or st.anchor,
                                  time=tm.hhmm if tm else None)
    return st.date


def take_forward(ctx: Context, L: Letter, st: Statement) -> str | None:
    """The number the letter was forwarded under, and who forwarded it."""
    m = ctx.w.dispatch.forwarded.search(st.seg, st.start)
    if m:
        L.forwarded_no = squeeze(m.group("no") or m.group("sent_no"))
    who = [x for x in ctx.auth.find(st.seg[:st.start]) if x.entry.kind == "person"]
    L.forwarded_by = who[-1].entry.key if who else None
    return None


def take_noted(ctx: Context, L: Letter, st: Statement) -> str | None:
    """Another document the note describes ("Molotov sent a telegram")."""
    m = ctx.w.decisions.noted_doc.match(st.seg, st.start)
    e = ctx.auth.lookup(strip_initials(m.group("who"), ctx.w.names), kind="person") if m else None
    L.noted.append(NotedDocument(line=st.line, text=clean(st.seg), sender=e.key if e else None, date=st.date,
                                 ref=st.own_ref if st.own_ref and st.own_ref.fond else None))
    return None


class Kind(NamedTuple):
    """A kind of statement: its rank among overlapping ones, how it is dated, and its handler (which returns the
    date later relative dates in the note count from, or None)."""

    rank: int
    date: Callable[[Context, Statement, list[D.DateMention]], None]
    handle: Callable[[Context, Letter, Statement], str | None]


# A response outranks a dispatch ("replied in code"), a decision a response.
KINDS: dict[str, Kind] = {
    "decision": Kind(3, date_decision, take_decision),
    "response": Kind(2, date_answer, take_answer),
    "forward": Kind(2, date_nearest, take_forward),
    "noted": Kind(1, date_nearest, take_noted),
    "dispatch": Kind(0, date_nearest, take_dispatch),
}
