"""A letter's editorial notes: where each begins, the publications it cites, where its marker stands."""
from __future__ import annotations

from ..vocabulary import Role
from .context import Context
from .records import Footnote, Letter
from .text import marker_pattern


def footnotes(ctx: Context, lines: list[tuple[int, str]]) -> list[Footnote]:
    """The notes after the separator: numbered ("1 The PB …"), or one per line where none is."""
    w = ctx.w.sources
    numbered = [(n, w.footnote_number.match(t)) for n, t in lines]
    any_numbered = any(m for _, m in numbered)
    out: list[Footnote] = []
    for (n, t), (_, m) in zip(lines, numbered, strict=True):
        ctx.roles[n] = Role.FOOTNOTE
        if m:
            out.append(Footnote(n, m.group("t").strip(), number=m.group("n")))
            ctx.note_lines[n] = [(0, n)]
        elif any_numbered and out:
            ctx.note_lines[out[-1].line].append((len(out[-1].text) + 1, n))
            out[-1].text += "\n" + t
        else:
            out.append(Footnote(n, t))
            ctx.note_lines[n] = [(0, n)]
    for fn in out:
        fn.publications = [p.group("pub").strip().rstrip(".") for p in w.publication.finditer(fn.text)]
    return out


def place_markers(L: Letter) -> None:
    """The line in the letter where each numbered note's marker stands ("opinion 1 .")."""
    lines = ([(L.address_line, L.address)] if L.address else []) + list(L.body) + \
        ([(L.signature_line, L.signature)] if L.signature else []) + \
        ([(L.secretary_line, L.secretary_note)] if L.secretary_note else [])
    for fn in L.footnotes:
        if not fn.number:
            continue
        if L.secretary_marker and fn.number == L.secretary_marker[1]:
            fn.marker_line = L.secretary_marker[0]
            continue
        rx = marker_pattern(fn.number)
        fn.marker_line = next((n for n, t in lines if t and rx.search(t)), None)
