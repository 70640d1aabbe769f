"""Property: whatever is done to a real page, the parser gives records or a KgError naming file and line."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.parse.authority import load_authority
from kg.errors import KgError
from kg.graphfile import serialize
from kg.parse import link_replies, parse_text
from kg.rdf.build import build_graph

from .conftest import SEED

AUTH = load_authority()
LINES = SEED.read_text(encoding="utf-8").split("\n")

# CI runs the full count; a developer's run stays quick.
settings.register_profile("ci", max_examples=2000, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def mutated_pages(draw) -> str:
    start = draw(st.integers(0, len(LINES) - 1))
    size = draw(st.integers(1, 90))
    lines = LINES[start:start + size]
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "truncate", "shuffle", "insert", "splice"]))
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[k]
        elif op == "duplicate":
            lines.insert(k, lines[k])
        elif op == "truncate":
            lines[k] = lines[k][: draw(st.integers(0, max(len(lines[k]), 0)))]
        elif op == "shuffle":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == "insert":
            lines.insert(k, draw(unicode_text))
        else:
            pos = draw(st.integers(0, len(lines[k])))
            lines[k] = lines[k][:pos] + draw(unicode_text) + lines[k][pos:]
    if draw(st.booleans()):
        lines = lines[: draw(st.integers(0, len(lines)))]  # a page cut off mid-letter
    return "\n".join(lines)


@settings(deadline=5000)
@given(mutated_pages())
def test_mutated_pages_give_records_or_a_kg_error(text):
    try:
        page = parse_text(text, "mutated.txt", AUTH)
    except KgError as e:
        assert e.file == "mutated.txt" and e.line is not None and e.line >= 1, str(e)
        return
    for L in page.letters:
        assert L.line >= 1 and L.end_line >= L.line
        assert all(w.file == "mutated.txt" and w.line >= 1 for w in page.warnings)
    link_replies([page])
    quads = build_graph([page], AUTH)
    assert quads
    assert serialize(quads, "nt")


REPEATS = ["Tov. ", "A. ", "I.V. ", "Your 1, ", "HP 1 and ", "September 9 or 10, ", "your letter of ", "received ",
           "Comrade Ivanov, ", "P. S. ", "(F. 17. Op. 3. D. 1. L. 5), on September 22 ", "forwarded ", "sent "]


def test_repeated_words_in_a_note_do_not_make_a_pattern_backtrack():
    """Each pattern runs in time linear in its line: a repeated word is where an ambiguous one blows up."""
    import signal

    def stop(*_):
        raise AssertionError("parsing did not finish: a pattern backtracks")

    old = signal.signal(signal.SIGALRM, stop)
    try:
        for word in REPEATS:
            line = "forwarded " + word * 200 + " No. 5"
            page = ("T\nKaganovich to Stalin September 3, 1936\nArchive: RGASPI F. 558. Op. 11. D. 94. L. 5.\n"
                    "Sochi. Tov. Stalin.\n" + line + " 1 .\nKaganovich.\n____________________\n1 " + line + "\n")
            signal.alarm(30)  # a hang, not a speed limit: the whole loop takes well under a second
            parse_text(page, "v.txt", AUTH)
            signal.alarm(0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
