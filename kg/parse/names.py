"""The names in a letter's unit: persons, places and bodies resolved by the authority file, or provisional."""
from __future__ import annotations

from . import dates as D
from .authority import Authority, Match
from .context import Context
from .records import Letter, Mention
from .text import slug, strip_initials
from .wordings.base import Names


def mentions(ctx: Context, L: Letter, lines: list[str], s: int, e: int) -> None:
    """Every name the letter's lines (heading to last note) mention, once per line."""
    seen: set[tuple[str, int]] = set()

    def add(line: int, surface: str, key: str, kind: str, provisional: bool = False, family: str | None = None) -> None:
        if (key, line) not in seen:
            seen.add((key, line))
            L.mentions.append(Mention(line, surface, key, kind, provisional, family))

    correspondents = list(zip(L.authors, L.author_keys, strict=True))
    correspondents += zip(L.recipients, L.recipient_keys, strict=True)
    for name, key in correspondents:
        provisional = key not in ctx.auth.entries
        add(L.line, name, key, "person", provisional, name.split()[-1].split(".")[-1] if provisional else None)
    skip = {L.archive_line, L.edition_line, L.line}
    found: list[tuple[int, Match]] = []
    unknown: list[tuple[int, str]] = []
    for j in range(s + 1, e):
        n, t = ctx.nums[j], lines[j]
        if n in skip or not t.strip():
            continue
        found += [(n, m) for m in ctx.auth.find(t)]
        unknown += [(n, name) for name in unknown_names(t, ctx.auth, ctx.w.names)]
    # Namesakes: where initials name one of them in the letter's unit, a bare surname there means the same.
    chosen = {m.form: m.entry for _, m in found if m.by_initials}
    for n, m in found:
        entry = m.entry
        if not m.by_initials and m.form in chosen and len(ctx.auth.namesakes(m.form)) > 1:
            entry = chosen[m.form]
        add(n, m.surface, entry.key, entry.kind)
    for n, name in unknown:
        ctx.warn(n, f"name {name!r} is not in the authority file; added as provisional")
        add(n, name, "person/" + slug(name), "person", True, name)


def _unknown(name: str, auth: Authority, w: Names) -> bool:
    return bool(name) and name not in w.not_names and not auth.lookup(name) and not D.MONTHS.get(name.lower())


def unknown_names(text: str, auth: Authority, w: Names) -> list[str]:
    """Surnames the text marks as persons ("Comrade X", "A.B. X") that the authority file lacks."""
    out = []
    for m in w.title_words.finditer(text):
        for raw in m.group("names").split(","):
            name = w.possessive.sub("", strip_initials(raw.strip(), w).strip())
            if _unknown(name, auth, w):
                out.append(name)
    out += [m.group("name") for m in w.initials_name.finditer(text) if _unknown(m.group("name"), auth, w)]
    # A list of names in which one is a known person, or two look like Russian surnames, names persons.
    for m in w.name_list.finditer(text):
        names = w.name_list_separator.split(m.group(0))
        entries = [auth.lookup(x) for x in names]
        if any(e is not None and e.kind != "person" for e in entries):
            continue
        known = [x for x, e in zip(names, entries, strict=True) if e is not None]
        other = [x for x, e in zip(names, entries, strict=True)
                 if e is None and x not in w.not_names and not D.MONTHS.get(x.lower())]
        if known or sum(1 for x in other if w.surname_end.search(x)) >= 2:
            out += other
    return list(dict.fromkeys(out))
