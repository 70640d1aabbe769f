"""Requests and replies: what a letter asks, the letters a reply cites, and the answers joined to requests."""
from __future__ import annotations

import re
from collections.abc import Callable

from ..vocabulary import Evidence, Outcome
from . import dates as D
from .context import Context
from .outcomes import classify_outcome
from .records import Letter, Page, Response, Warning_
from .text import sentence_at, squeeze

# Stalin decides; a letter of his asks something only when it asks the addressee's opinion.
DECIDER = "person/stalin"

RequestFinder = Callable[[Context, Letter], "tuple[int, str, re.Match[str]] | None"]


def find_request(ctx: Context, L: Letter) -> None:
    """The sentence in which the letter asks for an answer: the first that one of REQUEST_FINDERS finds."""
    for finder in REQUEST_FINDERS:
        found = finder(ctx, L)
        if found:
            n, t, m = found
            L.request_text, L.request_line = sentence_at(t, m.start(), ctx.w.sentences), n
            return


def _asked(ctx: Context, L: Letter) -> tuple[int, str, re.Match[str]] | None:
    """A request in so many words; the decider's letters ask only for an opinion."""
    patterns = ctx.w.requests.opinion if DECIDER in L.author_keys else ctx.w.requests.request
    for n, t in L.body:
        for rx in patterns:
            if m := rx.search(t):
                return n, t, m
    return None


def _proposed(ctx: Context, L: Letter) -> tuple[int, str, re.Match[str]] | None:
    """A proposal sent to the decider for approval is a request too; the decider's own directive is not."""
    if DECIDER in L.author_keys or DECIDER not in L.recipient_keys:
        return None
    for n, t in L.body:
        if m := ctx.w.requests.proposal.search(t):
            return n, t, m
    return None


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
                    reply_line=R.line, reply_source=R.source)


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
                Q.response = _reply_response(outcome, line, text, R)
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
        Q.response = _reply_response(outcome, line, text, R)
    elif Q.response.reply_line is None and Q.response.date == R.date:
        # "See Stalin's answer in the letter of September 2": the note names this reply, which says what
        Q.response.reply_line, Q.response.reply_source = R.line, R.source
        if Q.response.outcome == Outcome.OTHER:
            Q.response.outcome = outcome
