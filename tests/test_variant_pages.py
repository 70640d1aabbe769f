"""Layout variants of the edition, one folder each: a constructed page and the records it must give.

Each tests/variants/<case>/ holds page.txt and expected.json. expected.json lists the letters by heading line
with the fields to check (only the fields given are compared) and, optionally, words every expected warning
contains ("warnings") and the share of lines accounted for ("coverage").
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.parse.authority import load_authority
from kg.parse import link_replies, parse_text

AUTH = load_authority()
CASES = sorted(p for p in (Path(__file__).parent / "variants").iterdir() if (p / "page.txt").exists())


def record(L) -> dict:
    """The fields of a letter an expected.json may check."""
    tx = L.transmission
    r = L.response
    return {
        "authors": L.authors,
        "recipients": L.recipients,
        "recipient_groups": L.recipient_groups,
        "recipient_group_keys": L.recipient_group_keys,
        "author_keys": L.author_keys,
        "date": L.date,
        "date_editorial": L.date_editorial,
        "form": L.form,
        "handling": L.handling,
        "refs": [[x.archive, x.fond, x.opis, x.delo, x.sheets] for x in L.archive_refs],
        "ref_descriptions": [x.description for x in L.archive_refs],
        "transmission": [tx.place, tx.date, tx.time, tx.incoming_no] if tx else None,
        "cipher_nos": L.cipher_nos,
        "outgoing_no": L.outgoing_no,
        "forwarded_no": L.forwarded_no,
        "address": L.address,
        "signature": L.signature,
        "secretary_note": L.secretary_note,
        "dateline": L.dateline,
        "request": L.is_request,
        "request_text": L.request_text,
        "response": [r.outcome, r.date, r.time, r.evidence] if r else None,
        "reply_line": r.reply_line if r else None,
        "cited_numbers": [no for _, no in L.cited_numbers],
        "decisions": [[d.date] + ([d.ref.fond, d.ref.opis, d.ref.delo, d.ref.sheets] if d.ref else [None] * 4)
                      for d in L.decisions],
        "decision_publications": [d.publication for d in L.decisions],
        "footnote_numbers": [f.number for f in L.footnotes],
        "persons": sorted({m.key.split("/", 1)[1] for m in L.mentions if m.kind == "person"}),
        "provisional": sorted({m.surface for m in L.mentions if m.provisional}),
    }


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_variant(case):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    page = parse_text((case / "page.txt").read_text(encoding="utf-8"), "page.txt", AUTH)
    warnings = [str(w) for w in page.warnings] + [str(w) for w in link_replies([page])]
    got = {L.line: record(L) for L in page.letters}
    assert sorted(got) == sorted(int(k) for k in expected["letters"]), f"letters at lines {sorted(got)}"
    for line, fields in expected["letters"].items():
        have = got[int(line)]
        for key, want in fields.items():
            assert have[key] == want, f"letter at line {line}: {key} is {have[key]!r}, expected {want!r}"
    for words in expected.get("warnings", []):
        assert any(words in w for w in warnings), f"no warning says {words!r}: {warnings}"
    if "coverage" in expected:
        done, total = page.coverage()
        assert round(done / total, 3) == expected["coverage"], (done, total, page.unclear)


def test_all_pages_in_one_build(tmp_path):
    """Every variant page, the golden cases and the seed together: each line accounted for or warned, and
    the seed's letters exactly as when it is built alone."""
    from kg.parse.coverage import rows
    from kg.rdf.build import build

    from .conftest import SEED

    pages = [c / "page.txt" for c in CASES] + sorted((Path(__file__).parent / "cases").glob("*/page.txt")) + [SEED]
    together = build(pages)
    assert len(together.pages) == len(pages)
    assert len({p.source for p in together.pages}) == len(pages), "same-named pages must stay apart"
    warned = {(w.file, w.line) for w in together.warnings}
    for r in rows(together.pages):
        assert r["role"] != "not understood" or (r["file"], r["line"]) in warned, r
    alone = build([SEED])
    seed_together = next(p for p in together.pages if p.source == SEED.name)
    assert [record(L) for L in seed_together.letters] == [record(L) for L in alone.pages[0].letters]


def test_reply_on_another_page_answers_the_request(tmp_path):
    from kg.rdf.build import build

    a = tmp_path / "1934-10.txt"
    b = tmp_path / "1934-11.txt"
    a.write_text("October\n\nKaganovich to Stalin October 31, 1934\n\nArchive: RGASPI F. 558. Op. 11. D. 87. L. 70. "
                 "Original.\nEncryption.\n\nFrom Moscow 31/X - 34 at 23 o'clock. 10 min. In. No. 150.\n\n"
                 "Sochi. Tov. Stalin.\n\nWe ask for your consent to publish the slogans. HP 190.\n\nKaganovich.\n",
                 encoding="utf-8")
    b.write_text("November\n\nStalin to Kaganovich November 1, 1934\n\nArchive: RGASPI F. 558. Op. 11. D. 87. L. 71. "
                 "Autograph.\nKaganovich.\n\nYour 190. I agree.\n\nStalin.\n", encoding="utf-8")
    result = build([b, a])
    request = next(L for p in result.pages for L in p.letters if L.cipher_nos == ["190"])
    r = request.response
    assert (r.outcome, r.evidence, r.reply_source, r.date) == ("agreed", "reply letter", "1934-11.txt", "1934-11-01")
