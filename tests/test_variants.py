"""Layout variants of the edition's month pages, each on a small constructed page."""
from __future__ import annotations

import pytest

from kg.parse.authority import load_authority
from kg.parse import classify_outcome, parse_text
from kg.rdf.build import build

AUTH = load_authority()


def one(text: str):
    page = parse_text(text, "variant.txt", AUTH)
    assert len(page.letters) == 1, [L.heading for L in page.letters]
    return page.letters[0]


def test_heading_run_together_with_archive_line_and_no_blank_lines():
    L = one("Stalin and Kaganovich. Correspondence. 1931–19361935 September\n"
            "Stalin to Kaganovich, Molotov September 2, 1935Archive: RGASPI F. 558. Op 11. D. 89. L. 2, 2v. Autograph.\n"
            "Moscow. Central Committee of the CPSU (b).\nKaganovich. Molotov .\nThe grain can be sold.\nStalin.\n")
    assert (L.line, L.archive_line, L.date) == (2, 2, "1935-09-02")
    assert [(r.opis, r.delo, r.sheets) for r in L.archive_refs] == [("11", "89", "2, 2v")]
    assert L.address == "Moscow. Central Committee of the CPSU (b).\nKaganovich. Molotov ."
    assert L.signature == "Stalin."


def test_secrecy_marks_in_any_wording_and_a_routing_note():
    L = one("T\nKaganovich to Stalin October 1, 1935\nArchive: RGASPI F. 558. Op. 11. D. 90. L. 119. Copy.\n"
            "Copy .\nOwls. Secret .\nCipher .\n(via NKVD)\nSochi. Stalin.\nWe ask for your consent.\nKaganovich.\n")
    assert L.form == "Cipher"
    assert L.handling == ["Copy", "Owls. Secret", "(via NKVD)"]
    assert L.address == "Sochi. Stalin."


def test_sent_line_numeric_date_and_incoming_cipher_number():
    L = one("T\nKaganovich to Stalin January 15, 1936\nArchive: RGASPI F. 17. Op. 163. D. 1091. L. 59. Original.\n"
            "Sent 9-00 15.1.1936\nEntered the Central Committee for interpretation on January 15, 1936, 15–55.\n"
            "In. No. 37/sh.\nMoscow. Central Committee of the CPSU (b). Tov. Stalin.\nI ask for your consent.\nKaganovich.\n")
    tx = L.transmission
    assert (tx.date, tx.time, tx.incoming_no) == ("1936-01-15", "09:00", "37/sh")
    assert L.received.startswith("Entered") and L.cipher_nos == []


def test_signature_number_and_date_on_one_line():
    L = one("T\nStalin to Kaganovich September 1, 1931\nArchive: RGASPI F. 558. Op. 11. D. 76. L. 50. Autograph.\n"
            "Kaganovich.\nThe school books can be published. Stalin. Nr 29/sh. 1.IX.31\n")
    assert L.signature == "Stalin."
    assert L.cipher_nos == ["29/sh"] and L.outgoing_no is None
    assert L.secretary_note == "Nr 29/sh. 1.IX.31"


def test_date_before_the_signature_and_wrong_heading_warned():
    page = parse_text("T\nKaganovich to Stalin September, 1933\nArchive: RGASPI F. 81. Op. 3. D. 100. L. 14. Autograph.\n"
                      "T. Kaganovich .\nThe play is weak.\n1/IX 33 Stalin\n", "variant.txt", AUTH)
    (L,) = page.letters
    assert (L.authors, L.date, L.signature, L.secretary_note) == (["Kaganovich"], "1933-09", "Stalin", "1/IX 33")
    assert any("names a recipient" in w.message for w in page.warnings)


def test_letter_without_archive_line_is_kept_with_a_warning():
    page = parse_text("Title\n\nStalin to Kaganovich [previously August 6, 1931]\n\nT. Kaganovich. For memory.\n\n"
                      "1. Talk to Kabakov.\n\nStalin.\n", "variant.txt", AUTH)
    (L,) = page.letters
    assert (L.date, L.date_editorial, L.address) == ("1931-08-06", True, "T. Kaganovich. For memory.")
    assert any("no Archive" in w.message for w in page.warnings)


def test_page_without_letters_is_reported_not_fatal(tmp_path, seed):
    empty = tmp_path / "title-only.txt"
    empty.write_text("Kaganovich to Stalin 1933\n\nNo letters here.\n", encoding="utf-8")
    alone = build([empty])
    assert [len(p.letters) for p in alone.pages] == [0]
    assert any("no letter" in w.message and w.file.endswith("title-only.txt") for w in alone.warnings)
    together = build([seed, empty])
    assert [len(p.letters) for p in together.pages] == [21, 0]


@pytest.mark.parametrize("text, outcome", [
    ("Yours 55. Without data on the army I do not consider it possible to vote for your proposal.", "rejected"),
    ("Your 22 agrees.", "agreed"),
    ("Stalin's response was negative", "rejected"),
])
def test_answer_wordings(text, outcome):
    assert classify_outcome(text) == outcome


def test_request_wordings_and_decision_referred_to_a_commission():
    L = one("T\nKaganovich, Molotov to Stalin August 1, 1932\nArchive: RGASPI F. 558. Op. 11. D. 78. L. 116. Original.\n"
            "Encryption.\nIn. No. 68.\nTov. Stalin.\nWe believe that this proposal should be accepted. Tell us your "
            "opinion 1 . HP 70.\nKaganovich. Molotov.\n____\n"
            "1 On July 16, 1932, the PB referred the question to a commission consisting of: Molotov, Rudzutak, "
            "Pyatakov, Pavlyuchenko and Smilga (RGASPI. F. 17. Op. 3. D. 892. L. 10).\n"
            "2 The next day, Stalin agreed (Ibid. F. 558. Op. 11. D. 78. L. 116).\n")
    assert L.request_text == "Tell us your opinion 1 ."
    assert L.transmission.incoming_no == "68" and L.cipher_nos == ["70"]
    (d,) = L.decisions
    assert (d.date, d.ref.delo, d.ref.sheets) == ("1932-07-16", "892", "10")
    # "The next day" in a note of its own counts from the letter, not from the decision another note names.
    assert (L.response.outcome, L.response.date) == ("agreed", "1932-08-02")
    unknown = [m for m in L.mentions if m.surface == "Pavlyuchenko"]
    assert unknown and unknown[0].provisional


def test_namesake_named_by_initials_settles_the_bare_surname():
    page = parse_text("T\nStalin to Kaganovich October 2, 1933\nArchive: RGASPI F. 558. Op. 11. D. 81. L. 79. Autograph.\n"
                      "Kaganovich.\nGreet Prokofiev, Birnbaum and Godunov, heroes of the stratosphere 1 .\nStalin.\n"
                      "____\n1 The crew: commander Prokofiev G.A., pilot Birnbaum E.K.\n", "variant.txt", AUTH)
    keys = {m.key for m in page.letters[0].mentions if m.surface.startswith("Prokofiev")}
    assert keys == {AUTH.lookup("Prokofiev", "G.A.", kind="person").key}


def test_archive_line_that_opens_no_letter_is_not_understood():
    """A heading the parser cannot read must not silently merge its letter into the one before."""
    page = parse_text("T\nKaganovich to Stalin October 3, 1934\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\n"
                      "Text.\nKaganovich.\nKaganovich to Stalin [on some day in October]\n"
                      "Archive: RGASPI F. 558. Op. 11. D. 86. L. 9.\nOther text.\nKaganovich.\n", "variant.txt", AUTH)
    assert len(page.letters) == 1
    assert list(page.unclear) == [7] and "[on some day in October]" in page.unclear[7]
    assert any(w.line == 7 and "opens no letter" in w.message for w in page.warnings)
    done, lines = page.coverage()
    assert done < lines
