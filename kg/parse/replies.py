"""Requests and replies: what a letter asks, the letters a reply cites, and the answers joined to requests."""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from ..vocabulary import Evidence, Outcome
from . import dates as D
from .context import Context
from .outcomes import classify_outcome, classify_outcome_rule
from .records import Letter, Page, Request, Response, Warning_
from .text import sentence_at, sentence_bounds, sentence_span, squeeze
from .wordings import get as get_wordings

# Stalin decides; a letter of his asks something only when it asks the addressee's opinion.
DECIDER = "person/stalin"

# A request found: the line, the sentence, where it starts in the line, and the name of the wording that found it.
Found = tuple[int, str, int, str]
RequestFinder = Callable[[Context, Letter], "list[Found]"]


def find_request(ctx: Context, L: Letter) -> None:
    """What the letter asks, one request per point it raises ("1. …", "2) …", "Secondly, …"; the text before any
    point is one too), in the order of the text: in each, the first sentence that the first of REQUEST_FINDERS
    that finds any finds (a letter that asks in so many words asks; its proposals are what it asks about). A point
    that asks again ("We are waiting for your reply") repeats its request."""
    found = next((f for finder in REQUEST_FINDERS if (f := finder(ctx, L))), [])
    points = _points(ctx, L)
    asked: set[str | None] = set()
    for n, sentence, start, rule in sorted(found, key=lambda f: (f[0], f[2])):
        number = next((no for at, no in reversed(points) if at <= (n, start)), None)
        if number in asked:
            continue
        asked.add(number)
        L.requests.append(Request(line=n, text=sentence, number=number, rule=rule))
    if L.requests:
        L.request_text, L.request_line = L.requests[0].text, L.requests[0].line


def _sentences(ctx: Context, L: Letter) -> list[tuple[int, int, str]]:
    """The letter's sentences: (line, where it starts in the line, the sentence)."""
    out = []
    for n, t in L.body:
        bounds = [*sentence_bounds(t, ctx.w.sentences), len(t)]
        out += [(n, a, t[a:b].strip()) for a, b in itertools.pairwise(bounds) if t[a:b].strip()]
    return out


def _points(ctx: Context, L: Letter) -> list[tuple[tuple[int, int], str]]:
    """Where each numbered point of the letter begins, and its number: "1. …", "2) …", "Secondly, …"."""
    w = ctx.w.points
    out = []
    for n, a, sentence in _sentences(ctx, L):
        m = w.numbered.match(sentence)
        o = None if m else w.ordinal_lead.match(sentence)
        if number := (m.group("n") if m else w.number(o.group("o")) if o else None):
            out.append(((n, a), number))
    return out


def _matching(ctx: Context, L: Letter, patterns: tuple[re.Pattern[str], ...], rules: tuple[str, ...]) -> list[Found]:
    """The sentences in which one of the patterns is found, each with the first pattern's rule."""
    out = []
    for n, t in L.body:
        for rx, rule in zip(patterns, rules, strict=True):
            for m in rx.finditer(t):
                start = sentence_span(t, m.start(), ctx.w.sentences)[0]
                out.append((n, sentence_at(t, m.start(), ctx.w.sentences), start, rule))
    return out


def _asked(ctx: Context, L: Letter) -> list[Found]:
    """Requests in so many words; the decider's letters ask only for an opinion."""
    r = ctx.w.requests
    if DECIDER in L.author_keys:
        return _matching(ctx, L, r.opinion, r.opinion_rules)
    return _matching(ctx, L, r.request, r.request_rules)


def _proposed(ctx: Context, L: Letter) -> list[Found]:
    """A proposal sent to the decider for approval is a request too; the decider's own directive is not."""
    if DECIDER in L.author_keys or DECIDER not in L.recipient_keys:
        return []
    return _matching(ctx, L, (ctx.w.requests.proposal,), (PROPOSAL_RULE,))


PROPOSAL_RULE = "request.proposal"
REQUEST_FINDERS: tuple[RequestFinder, ...] = (_asked, _proposed)


def read_replies(ctx: Context, L: Letter) -> None:
    """The numbers ("Your 121 - I agree.") and letters ("your letter of September 2") a reply answers, and how."""
    w = ctx.w.answers
    for n, t in L.body:
        for m in w.reply_cite.finditer(t):
            # Each citation has its own answer: "Your 121 - I agree. Your 122 - I object."
            after = t[m.end():].lstrip(" .:-–—")
            if (m2 := w.received.match(after)) and after[m2.end():].strip():
                after = after[m2.end():]
            nxt = w.reply_cite.search(after)
            window = after[: nxt.start()] if nxt else after
            first = sentence_at(window, 0, ctx.w.sentences) if window else ""
            outcome = classify_outcome(first, ctx.w)
            if outcome == Outcome.OTHER:
                outcome = classify_outcome(window, ctx.w)
            for no in [m.group("n"), *w.cited_no.findall(m.group("more"))]:
                no = squeeze(no)
                L.cited_numbers.append((n, no))
                L.reply_outcomes.setdefault(no, (outcome, window.strip()))
            if L.reply_outcome is None:
                L.reply_outcome, L.reply_text = outcome, window.strip()
    _cited_letters(ctx, L)


def _cited_letters(ctx: Context, L: Letter) -> None:
    # A letter answered by date, as handwritten letters are: "I received your letter of September 2."
    for k, (n, t) in enumerate(L.body):
        for m in ctx.w.answers.letter_cite.finditer(t):
            dm = next(iter(D.find_dates(m.group("date"), L.date)), None)
            cited = D.resolve(dm, L.date) if dm else None
            if not cited or (L.date and cited > L.date):
                continue
            window = t[m.end():].lstrip(" .:-–—") or (L.body[k + 1][1] if k + 1 < len(L.body) else "")
            first = sentence_at(window, 0, ctx.w.sentences) if window else ""
            outcome = classify_outcome(first, ctx.w) if first else Outcome.OTHER
            L.cited_letters.append((n, cited))
            L.reply_outcomes.setdefault("letter of " + cited, (outcome, first.strip()))


def _reply_response(outcome: Outcome, line: int, text: str, R: Letter) -> Response:
    return Response(outcome=outcome, line=line, evidence=Evidence.REPLY_LETTER, text=text, date=R.date,
                    reply_line=R.line, reply_source=R.source, words_line=line, rule=_reply_rule(outcome, text),
                    date_range=R.date_range)


def _reply_rule(outcome: Outcome, text: str) -> str:
    """The wording that read a reply's outcome, as read_replies read it: its first sentence, else all of it."""
    w = get_wordings()
    first_outcome, rule = classify_outcome_rule(sentence_at(text, 0, w.sentences) if text else "", w)
    if first_outcome is not outcome:
        outcome_read, rule = classify_outcome_rule(text, w)
        if outcome_read is not outcome:
            return REPLY_CITED_RULE  # the reply's first answer, given to every number it cites
    return rule


REPLY_CITED_RULE = "reply.cites-number"


def _answer(Q: Letter, response: Response) -> None:
    """A reply letter's answer is the letter's answer, and its first request's."""
    Q.response = response
    if Q.requests and Q.requests[0].response is None:
        Q.requests[0].response = response


def link_replies(pages: list[Page]) -> list[Warning_]:
    """Join reply letters to the requests they answer ("Your 121" → the letter marked HP 121)."""
    warnings = []
    letters = [L for p in pages for L in p.letters]
    by_number: dict[str, list[Letter]] = {}
    for L in letters:
        for no in L.cipher_nos + ([L.forwarded_no] if L.forwarded_no else []):
            by_number.setdefault(no, []).append(L)
    for R in letters:
        for line, no in R.cited_numbers:
            cands = [L for L in by_number.get(no, []) if L is not R and (L.date or "") <= (R.date or "9999")
                     and set(L.author_keys) & set(R.recipient_keys)]
            if not cands:
                warnings.append(Warning_(R.source, line, f"reply cites number {no}, but no earlier letter bears it"))
                continue
            # Cipher numbers run on and restart: the letter on the reply's own page comes first, then the latest.
            Q = max(cands, key=lambda L: (L.source == R.source, L.date or "", L.source, L.line))
            R.replies_to.append((Q.source, Q.line))
            if Q.response is None:
                outcome, text = R.reply_outcomes.get(no, (R.reply_outcome or Outcome.OTHER, R.reply_text or ""))
                _answer(Q, _reply_response(outcome, line, text, R))
        for line, date in R.cited_letters:
            _link_by_date(letters, R, line, date)
    return warnings


def _link_by_date(letters: list[Letter], R: Letter, line: int, date: str) -> None:
    cands = [L for L in letters if L is not R and L.date == date and set(L.author_keys) & set(R.recipient_keys)
             and set(L.recipient_keys) & set(R.author_keys) and L.is_request]
    if not cands:
        return  # many letters the answers cite are not in the edition
    Q = max(cands, key=lambda L: (L.source == R.source, L.source, L.line))
    if (Q.source, Q.line) not in R.replies_to:
        R.replies_to.append((Q.source, Q.line))
    outcome, text = R.reply_outcomes["letter of " + date]
    if Q.response is None:
        _answer(Q, _reply_response(outcome, line, text, R))
    elif Q.response.reply_line is None and Q.response.date == R.date:
        # "See Stalin's answer in the letter of September 2": the note names this reply, which says what
        Q.response.reply_line, Q.response.reply_source = R.line, R.source
        if Q.response.outcome == Outcome.OTHER:
            Q.response.outcome = outcome
