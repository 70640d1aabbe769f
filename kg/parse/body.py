"""A letter's text between its metadata and its notes: where the notes begin, and the address at its head."""
from __future__ import annotations

from ..vocabulary import Role
from .context import Context
from .records import Letter

Lines = list[tuple[int, str]]


def split_notes(ctx: Context, lines: list[str], i: int, e: int) -> tuple[Lines, Lines]:
    """The letter's text up to the separator, and the notes after it."""
    body: Lines = []
    notes: Lines = []
    in_notes = False
    for j in range(i, e):
        t = lines[j].strip()
        if not t:
            continue
        if not in_notes and ctx.w.sources.separator.match(t):
            in_notes = True
            ctx.roles[ctx.nums[j]] = Role.SEPARATOR
            continue
        (notes if in_notes else body).append((ctx.nums[j], t))
    return body, notes


def take_address(ctx: Context, L: Letter, body: Lines) -> Lines:
    """Take the address ("T. Kaganovich.", "Hello, comrade Stalin!") off the head of the text."""
    if not body or not _is_address(ctx, body[0][1], L):
        return body
    L.address_line, L.address = body[0]
    ctx.roles[body[0][0]] = Role.ADDRESS
    body = body[1:]
    # "Moscow. Central Committee of the CPSU (b)." / "Kaganovich. Molotov ." on two lines
    if body and not ctx.w.closings.greeting_line.match(L.address) and _names_only(ctx, body[0][1], L):
        L.address += "\n" + body[0][1]
        ctx.roles[body[0][0]] = Role.ADDRESS
        body = body[1:]
    return body


def _is_address(ctx: Context, t: str, L: Letter) -> bool:
    if len(t) > 160:
        return False
    if ctx.w.closings.greeting_line.match(t):
        return True
    pieces = [p for p in ctx.w.sentences.after_stop.split(t) if p.strip()]
    if not pieces or any(len(p.split()) > 9 for p in pieces):
        return False
    found = ctx.auth.find(t)
    if {m.entry.key for m in found} & set(L.recipient_keys) or ctx.w.names.address_words.search(t):
        return True
    if ctx.w.names.to_person.match(t) and any(m.entry.kind == "person" for m in found):
        return True  # "T. Kaganovich." even where the heading names the wrong correspondent
    e = ctx.auth.lookup(pieces[0].rstrip("."), kind="place")
    return e is not None and len(pieces) > 1


def _names_only(ctx: Context, t: str, L: Letter) -> bool:
    """A short line of recipients' names: the second line of an address."""
    if len(t) > 80 or not all(len(p.split()) <= 4 for p in ctx.w.names.name_list_punct.split(t)):
        return False
    keys = {m.entry.key for m in ctx.auth.find(t)}
    return bool(keys & set(L.recipient_keys)) and not ctx.w.names.not_address_words.search(t)
