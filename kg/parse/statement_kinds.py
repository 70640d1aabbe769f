"""The kinds of statement a note makes, each with its rank, how it is dated, and what is taken from it (KINDS)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..vocabulary import Evidence, Outcome
from . import dates as D
from .context import Context
from .outcomes import note_outcome
from .records import ArchiveRef, DateRange, Decision, Letter, NotedDocument, Request, Response, Transmission
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
    offset: int = 0  # where `seg` starts in the note's text
    marker_line: int | None = None  # the line of the letter where the note's marker stands
    rule: str = ""  # the name of the wording that found the statement

    def page_line(self, ctx: Context, pos: int) -> int:
        """The page's line that holds position `pos` of the stretch."""
        return ctx.line_in_note(self.line, self.offset + pos)

    @property
    def date_range(self) -> DateRange | None:
        """The statement's date as the note words it ("on October 22", "the same day")."""
        m = self.mention
        return D.one_day(self.seg[m.start:m.end], self.date) if m and self.date else None

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
    """The addressee's answer the note states: outcome, words, date, time, place; given to the request it answers."""
    w = ctx.w.answers
    sentence = sentence_at(st.seg, st.start, ctx.w.sentences)
    target = answered_request(ctx, L, st, sentence)
    if (target.response if target else L.response) is not None:
        return None
    q = w.quote.search(st.seg[st.start:st.next_start])
    outcome, rule = note_outcome(st.worded, st.rule, sentence, q.group(0) if q else None, ctx.w)
    if weak_answer(outcome, st) or answer_before_letter(st):
        return None
    if any(t[2] == "decision" for t in st.triggers[st.k + 1:]) and not st.before:
        st.date = None  # "…with Stalin's amendment were approved by the PB on …": the PB's date
    tm = D.find_time(st.window)
    pm = ctx.w.dispatch.place_from.search(st.window)
    own = st.own_ref if st.own_ref and st.own_ref.fond != "17" else None
    response = Response(outcome=outcome, line=st.line, evidence=Evidence.FOOTNOTE,
                        text=q.group(1) if q else clean(sentence), date=st.date, time=tm.hhmm if tm else None,
                        place=ctx.place(pm.group("p")) if pm else None, ref=own,
                        words_line=st.page_line(ctx, st.start), rule=rule, date_range=st.date_range)
    if target is not None:
        target.response = response
    L.response = L.requests[0].response if L.requests else response
    return st.date


def answered_request(ctx: Context, L: Letter, st: Statement, sentence: str) -> Request | None:
    """The request a note's answer answers: the point the note names ("on point 2"), else the point on whose line
    the note's marker stands, else the first."""
    if not L.requests:
        return None
    named = ctx.w.points.named.search(sentence)
    number = ctx.w.points.number(named.group("n") or named.group("o")) if named else None
    if chosen := [r for r in L.requests if number and r.number == number]:
        return chosen[0]
    # A note whose marker stands on a numbered point's line speaks of that point.
    if chosen := [r for r in L.requests if r.number and st.marker_line is not None and r.line == st.marker_line]:
        return chosen[-1]  # the marker follows the words it annotates: the last point on its line
    return L.requests[0]


def take_decision(ctx: Context, L: Letter, st: Statement) -> str | None:
    """A PB decision: its date, its wording from the sentence that dates or names it, where it is kept, its
    protocol and item."""
    if st.date is None:
        return None
    start = st.mention.start if st.mention and st.mention.start < st.start else st.start
    wording = clean(ctx.w.sources.publication_paren.sub("", st.seg[sentence_span(st.seg, start, ctx.w.sentences)[0]:]))
    if decision_named_again(L, st, wording):
        return None
    pub = next((p.group("pub").strip().rstrip(".") for p in ctx.w.sources.publication.finditer(st.seg)), None)
    protocol, item = protocol_item(ctx, st)
    L.decisions.append(Decision(line=st.line, date=st.date, wording=wording,
                                ref=st.own_ref if st.own_ref and st.own_ref.fond else None, publication=pub,
                                more_refs=[r for r in st.more_refs if r.fond] if st.own_ref else [],
                                words_line=st.page_line(ctx, st.start), protocol=protocol, item=item, rule=st.rule))
    return st.date


def protocol_item(ctx: Context, st: Statement) -> tuple[str | None, str | None]:
    """The PB protocol and item the note gives for the decision ("protocol No. 15, item 42", "P15/42"), in its
    stretch from the statement on, or in the references that close it."""
    texts = [st.seg[st.prev_end if st.k else 0:st.next_start]] + \
        [r.as_written for r in ([st.own_ref] if st.own_ref else []) + st.more_refs]
    for text in texts:
        for rx in ctx.w.decisions.protocol.values():
            if m := rx.search(text):
                return m.group("p"), m.group("i")
    return None, None


def decision_named_again(L: Letter, st: Statement, wording: str) -> bool:
    """The same decision stated twice in one note is one decision."""
    return any(d.date == st.date and d.line == st.line and d.wording == wording for d in L.decisions)


def take_dispatch(ctx: Context, L: Letter, st: Statement) -> str | None:
    """When and where the letter was sent; or, after the answer ("Stalin's answer was sent …"), the answer's."""
    tm = D.find_time(st.window)
    answer = last_answer(L, st.line)
    if answer is not None and ctx.w.answers.answer_before.search(st.seg[max(0, st.start - 40):st.start]):
        if answer.date is None:
            answer.date = st.date if st.date and (not st.letter_date or st.date >= st.letter_date) else None
            answer.date_range = st.date_range if answer.date else None
            answer.time = answer.time or (tm.hhmm if tm and answer.date else None)
        return None
    pm = ctx.w.dispatch.place_from.search(st.window)
    if L.transmission is not None or not (tm or pm):
        return None
    L.transmission = Transmission(line=st.line, as_written=clean(st.window),
                                  place=ctx.place(pm.group("p")) if pm else None, date=st.date or st.anchor,
                                  time=tm.hhmm if tm else None, date_range=st.date_range)
    return st.date


def last_answer(L: Letter, note_line: int) -> Response | None:
    """The answer a note stated last (the one "his answer was sent …" speaks of); none when the letter's answer
    is read from elsewhere."""
    stated = [r.response for r in L.requests if r.response] + ([L.response] if L.response else [])
    stated = [r for r in stated if r.evidence == Evidence.FOOTNOTE and r.line == note_line]
    if not stated and L.response is not None and L.response.evidence == Evidence.FOOTNOTE:
        stated = [L.response]  # the answer an earlier note stated
    return max(stated, key=lambda r: r.words_line or r.line, default=None)


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
