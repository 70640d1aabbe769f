"""The end of a letter: signature, the secretary's number and date, cipher numbers.

The last line of the text is peeled while one of TAIL_RULES takes something off it.
"""
from __future__ import annotations

from collections.abc import Callable

from ..vocabulary import Role
from . import dates as D
from .context import Context
from .records import Letter
from .text import DIGIT, number_list, slug, split_initials, squeeze

Lines = list[tuple[int, str]]
TailRule = Callable[[Context, Letter, Lines], bool]


def peel(ctx: Context, L: Letter, body: Lines) -> Lines:
    """Take the secretary's number and date lines and the signature off the end of the body."""
    body = list(body)
    while body and any(rule(ctx, L, body) for rule in TAIL_RULES):
        pass
    return body


def _cipher_line(ctx: Context, L: Letter, body: Lines) -> bool:
    """A cipher number on a line of its own, after or before the signature: "HP 118", "No. 2860/sh."."""
    w = ctx.w.numbers
    n, t = body[-1]
    bare = t.strip().rstrip(".").strip()
    if not (w.cipher_hp.fullmatch(bare) or w.cipher_sh.fullmatch(bare + ".")):
        return False
    for m in list(w.cipher_hp.finditer(bare)) + list(w.cipher_sh.finditer(bare + ".")):
        L.cipher_nos += number_list(m.group("n"), w)
    ctx.roles[n] = Role.NUMBER
    body.pop()
    return True


def _secretary_line(ctx: Context, L: Letter, body: Lines) -> bool:
    """The secretary's number and date on a line of their own: "No. 84 3/X.34"."""
    n, t = body[-1]
    if not (len(t) <= 60 and ctx.w.numbers.secretary_line.fullmatch(t) and DIGIT.search(t) and (
            ctx.w.numbers.number_lead.match(t) or D.parse_roman_date(t, L.date)[0])):
        return False
    secretary(ctx, L, n, t)
    body.pop()
    return True


def _secretary_at_end(ctx: Context, L: Letter, body: Lines) -> bool:
    """A number and a date at the end of the last line of text."""
    n, t = body[-1]
    m = ctx.w.numbers.tail_secretary.search(t, max(0, len(t) - 80))  # anchored at the end: the tail only
    if not (m and m.start() > 0):
        return False
    secretary(ctx, L, n, m.group("sec"))
    body[-1] = (n, t[: m.start()].rstrip())
    return True


def _number_after_signature(ctx: Context, L: Letter, body: Lines) -> bool:
    """ "… Stalin. Nr 29/sh. 1.IX.31": a number or a date after the signature, on the same line."""
    n, t = body[-1]
    m = ctx.w.numbers.tail_token.search(t, max(0, len(t) - 80))
    if not (m and m.start() > 0 and t[: m.start()].rstrip().endswith((".", "!"))):
        return False
    secretary(ctx, L, n, m.group("tok"))
    body[-1] = (n, t[: m.start()].rstrip())
    return True


def _date_before_signature(ctx: Context, L: Letter, body: Lines) -> bool:
    """ "1/IX 33 Stalin": the date before the name."""
    n, t = body[-1]
    m = ctx.w.numbers.lead_date.match(t) if L.signature is None else None
    if not (m and signature(ctx, m.group("rest"), L)):
        return False
    secretary(ctx, L, n, m.group("date"))
    body[-1] = (n, m.group("rest"))
    return True


def _signature_line(ctx: Context, L: Letter, body: Lines) -> bool:
    """The signature, alone on the last line or at its end."""
    n, t = body[-1]
    sig = signature(ctx, t, L) if L.signature is None else None
    if sig is None:
        return False
    L.signature, L.signature_line = sig, n
    rest = t[: len(t) - len(sig)].rstrip() if t.endswith(sig) else ""
    if rest and t.strip() != sig.strip():
        body[-1] = (n, rest)
        ctx.roles.setdefault(n, Role.BODY)
    else:
        body.pop()
        ctx.roles[n] = Role.SIGNATURE
    return True


TAIL_RULES: tuple[TailRule, ...] = (_cipher_line, _secretary_line, _secretary_at_end, _number_after_signature,
                                    _date_before_signature, _signature_line)


def secretary(ctx: Context, L: Letter, n: int, t: str) -> None:
    """Keep the secretary's number and date, and the note marker after them."""
    w = ctx.w.numbers
    m = w.secretary_no.match(t) or w.secretary_no_after.search(t)
    if m and "/" in m.group("no"):
        L.cipher_nos.append(m.group("no"))  # "No. 2860/sh": the cipher office's number, not the secretary's
    elif m:
        L.outgoing_no = m.group("no")
    marker = w.secretary_marker.match(t.strip())
    if marker:
        # "3/X.34 1": the 1 is the marker of the note that says the secretary entered number and date.
        t, L.secretary_marker = marker.group("text"), (n, marker.group("m"))
    # Peeled from the end of the letter: what comes earlier in the text goes first.
    L.secretary_note = f"{t} {L.secretary_note}".strip() if L.secretary_note else t
    L.secretary_line = min(L.secretary_line or n, n)
    ctx.roles.setdefault(n, Role.SECRETARY)


def enclosure_signature(ctx: Context, L: Letter, body: Lines) -> Lines:
    """A signature followed by an enclosure ("Kaganovich, Molotov." then the text of a draft)."""
    if L.signature is not None:
        return body
    for k in range(len(body) - 2, max(len(body) - 8, -1), -1):
        n, t = body[k]
        keys = signers(ctx, t, L)
        if keys and set(keys) <= set(L.author_keys):
            L.signature, L.signature_line = t, n
            ctx.roles[n] = Role.SIGNATURE
            return body[:k] + body[k + 1:]
    return body


def signature(ctx: Context, t: str, L: Letter) -> str | None:
    """The signature at the end of a line: names of persons, perhaps after a closing greeting."""
    pieces = ctx.w.sentences.after_sentence.split(t)
    for k in range(len(pieces)):
        head, rest = " ".join(pieces[:k]), " ".join(pieces[k:])
        if k and not head.endswith((".", "!", "?", "”", "\"")):
            continue
        if ctx.w.closings.greeting_words.search(pieces[k]) and len(pieces[k].split()) <= 6 and k + 1 < len(pieces):
            # A greeting sentence ("Hello.", "Hearty greetings to you.") belongs to the names after it.
            if _names_are_signers(ctx, " ".join(pieces[k + 1:]), L):
                return rest
            continue
        if _names_are_signers(ctx, rest, L):
            return rest
    return None


def signers(ctx: Context, text: str, L: Letter) -> list[str] | None:
    """The persons a line of names signs for ("Kaganovich, Molotov.", "Yours L. Kaganovich"), or None."""
    if len(text) > 120 or len(text.split()) > 12:
        return None  # a signature is short; longer text is a sentence (and would make the regex slow)
    m = ctx.w.closings.sig_names.fullmatch(text.strip())
    if not m:
        return None
    keys = []
    for name in ctx.w.names.name.findall(ctx.w.closings.yours.sub("", m.group("sig"))):
        family = split_initials(name, ctx.w.names)[1]
        e = ctx.auth.lookup(family, kind="person")
        if e is None and family not in L.authors:
            return None
        keys.append(e.key if e else "person/" + slug(family))
    return keys or None


def _names_are_signers(ctx: Context, text: str, L: Letter) -> bool:
    keys = set(signers(ctx, text, L) or ())
    return bool(keys & set(L.author_keys) or keys & set(L.recipient_keys))


def check_signers(ctx: Context, L: Letter) -> None:
    """Warn when the letter is signed by its addressee: the heading may name the wrong author."""
    sig = L.signature or ""
    keys = set(signers(ctx, sig.split(". ", 1)[-1] if ctx.w.closings.greeting_words.search(sig) else sig, L) or ())
    if keys and not keys & set(L.author_keys) and keys & set(L.recipient_keys):
        ctx.warn(L.line, f"signature {sig.strip()!r} names a recipient, not the heading's author(s)")


def cipher_numbers(ctx: Context, L: Letter) -> None:
    """The cipher office's numbers in the text ("HP 118-120", "No. 2860/sh"), not those a reply cites."""
    w = ctx.w.numbers
    L.cipher_nos = list(L.cipher_nos)
    for t in [t for _, t in L.body] + ([L.signature] if L.signature else []):
        # "Your No. 1620/sh" cites the letter answered; it is not this letter's number
        cited = [c.span() for c in ctx.w.answers.reply_cite.finditer(t)]
        for m in w.cipher_hp.finditer(t):
            if any(a <= m.start() < b for a, b in cited):
                continue
            L.cipher_nos += number_list(m.group("n"), w)
            if (r := w.range_end.match(t[m.end():])) and int(r.group(1)) - int(L.cipher_nos[-1]) in range(1, 20):
                # "HP 118-120": every number of the range
                L.cipher_nos += [str(x) for x in range(int(L.cipher_nos[-1]) + 1, int(r.group(1)) + 1)]
        for m in w.cipher_sh.finditer(t):
            if not any(a <= m.start() < b for a, b in cited):
                L.cipher_nos.append(squeeze(m.group("n")))
    L.cipher_nos = list(dict.fromkeys(L.cipher_nos))
