"""Unit tests of each parser piece on lines of the edition's layout."""
from __future__ import annotations

import pytest

from kg.parse import dates as D
from kg.parse.archive import find_refs, parse_archive_line
from kg.parse.authority import load_authority
from kg.parse import classify_outcome, parse_heading, parse_text

AUTH = load_authority()


# -- headings ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, authors, recipients, date, editorial", [
    ("Stalin to Kaganovich October 1, 1934", ["Stalin"], ["Kaganovich"], "1934-10-01", False),
    ("Kaganovich, Molotov to Stalin October 2, 1934", ["Kaganovich", "Molotov"], ["Stalin"], "1934-10-02", False),
    ("Kaganovich to Stalin October 3 [1934]", ["Kaganovich"], ["Stalin"], "1934-10-03", True),
    ("Kaganovich, Ryndin, Chernov to Stalin, Molotov, Zhdanov [October 9, 1934]",
     ["Kaganovich", "Ryndin", "Chernov"], ["Stalin", "Molotov", "Zhdanov"], "1934-10-09", True),
    ("Kaganovich, Zhdanov - Stalin October 21, 1934", ["Kaganovich", "Zhdanov"], ["Stalin"], "1934-10-21", False),
    ("Stalin - Molotov, Kaganovich September 2, 1933", ["Stalin"], ["Molotov", "Kaganovich"], "1933-09-02", False),
    ("Stalin to Kaganovich August 1934", ["Stalin"], ["Kaganovich"], "1934-08", False),
    ("Stalin to Kaganovich [Not earlier than August 3, 1934]", ["Stalin"], ["Kaganovich"], "1934-08-03", True),
    # a choice or a span of days is dated by its first day
    ("Kaganovich to Stalin [September 9 or 10, 1936]", ["Kaganovich"], ["Stalin"], "1936-09-09", True),
    ("Kaganovich to Stalin [Between August 10 and 14, 1931]", ["Kaganovich"], ["Stalin"], "1931-08-10", True),
    ("Kaganovich to Stalin August 31 - September 1, 1931", ["Kaganovich"], ["Stalin"], "1931-08-31", False),
    ("Stalin to Kaganovich 1-2 October 1934", ["Stalin"], ["Kaganovich"], "1934-10-01", False),
    # a body addressed beside the persons is not one of them
    ("Stalin, Zhdanov to Kaganovich, Molotov and other members of the PB September 25, 1936",
     ["Stalin", "Zhdanov"], ["Kaganovich", "Molotov"], "1936-09-25", False),
    ("Stalin to members of the Politburo September 28, 1936", ["Stalin"], [], "1936-09-28", False),
])
def test_headings(line, authors, recipients, date, editorial):
    h = parse_heading(line)
    assert h is not None
    assert (h.authors, h.recipients, h.date.iso, h.date.editorial) == (authors, recipients, date, editorial)


@pytest.mark.parametrize("line", [
    "Stalin Kaganovich oct 1934",
    "Stalin and Kaganovich. Correspondence. 1931–1936",
    "On October 31, 1934, the PB decided to award the Academy with the Order of Lenin",
    "1934",
    "Stalin to the members of the club September 28, 1936",
])
def test_not_headings(line):
    assert parse_heading(line) is None


# -- archive lines ----------------------------------------------------------------------------------------------

def refs(text):
    return [(r.archive, r.fond, r.opis, r.delo, r.sheets, r.description) for r in parse_archive_line(text, 1)]


def test_archive_line_two_references_inherit_archive():
    assert refs("RGASPI F. 558. Op. 11. D. 86. L. 6–7. Script. Typescript; F. 558. Op. 11. D. 51. L. 3–4. "
                "Typewritten text with Kaganovich's correction. Signatures are autographs.") == [
        ("RGASPI", "558", "11", "86", "6–7", "Script. Typescript"),
        ("RGASPI", "558", "11", "51", "3–4", "Typewritten text with Kaganovich's correction. Signatures are autographs"),
    ]


def test_archive_line_ocr_slip_kept_beside_normalised():
    r = parse_archive_line("RGASPI F. 558. Op. 11. D. 86. L. 11. Original. Typescript; F. 558. Op. P. D. 51. L. 5–7. "
                           "Autograph.", 1)[1]
    assert (r.opis, r.slips["opis"]) == ("11", "P")
    assert "Op. P." in r.as_written


def test_archive_line_missing_dot_and_personal_archive():
    assert refs("RGASPI F. 558 Op. 11. D. 87. L. 54–55. Script. Typescript")[0][:5] == ("RGASPI", "558", "11", "87", "54–55")
    assert refs("RGASPI Personal archive of M.L. Kaganovich.") == [
        ("RGASPI", None, None, None, None, "Personal archive of M.L. Kaganovich")]


def test_sheets_ranges_normalised():
    prev = parse_archive_line("RGASPI F. 17. Op. 3. D. 954. L. 1.", 1)[0]
    (_, _, r), = find_refs("(RGASPI. F. 17. Op. 3. D. 954. L. 39 - 40)", 2, prev)
    assert (r.sheets, r.slips["sheets"]) == ("39–40", "39 - 40")


# -- Ibid -------------------------------------------------------------------------------------------------------

def test_ibid_repeats_what_it_does_not_restate():
    prev = parse_archive_line("RGASPI F. 558. Op. 11. D. 86. L. 6–7. Script.", 1)[-1]
    found = find_refs("agreed (Ibid. D. 86. L. 5). Decision (Ibid. F. 17. Op. 3. D. 953. L. 32). "
                      "Again (Ibid. L. 33). Same (Ibid.). Other (RGASPI. F. 17. On. 163. D. 1044. L. 72–80).", 5, prev)
    got = [(r.archive, r.fond, r.opis, r.delo, r.sheets) for _, _, r in found]
    assert got == [
        ("RGASPI", "558", "11", "86", "5"),
        ("RGASPI", "17", "3", "953", "32"),
        ("RGASPI", "17", "3", "953", "33"),
        ("RGASPI", "17", "3", "953", "33"),
        ("RGASPI", "17", "163", "1044", "72–80"),
    ]


def test_publication_in_parentheses_is_no_archive_reference():
    assert find_refs("(See Stalin's Politburo in the 30s. S. 65)", 1, None) == []


# -- dates and times --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, hhmm", [
    ("at 3 o'clock. 30 minutes.", "03:30"),
    ("at 13:00. 46 min.", "13:46"),
    ("at 11 a.m. 5 minutes", "11:05"),
    ("at 1 pm. 17 min.", "13:17"),
    ("at 9 p.m. 55 min.", "21:55"),
    ("at 0:00. 20 minutes.", "00:20"),
    ("at 20:00. 28 min.", "20:28"),
    ("at 11 o'clock.", "11:00"),
    ("at 4 p.m. 25 min.", "16:25"),
    ("9-00", "09:00"),
])
def test_clock_times(text, hhmm):
    assert D.find_time(text, bare=True).hhmm == hhmm


def test_sheet_ranges_are_no_clock_times():
    assert D.find_time("sent in code from Sochi (Ibid. L. 10-12).") is None
    assert D.find_time("From Moscow (Ibid. L. 10-12).", bare=True) is None


@pytest.mark.parametrize("text, iso", [
    ("From Moscow 2/X - 34 at 3 o'clock", "1934-10-02"),
    ("23 / X - 34", "1934-10-23"),
    ("27A - 34", "1934-10-27"),  # OCR of 27/X - 34: the month comes from the letter's date
    ("3.VIII.33", "1933-08-03"),
    ("29/VI 32", "1932-06-29"),
    ("No. 82 1/X-34 y. 1", "1934-10-01"),
])
def test_roman_dates(text, iso):
    assert D.parse_roman_date(text, "1934-10-27")[0] == iso


def test_relative_dates_resolve_against_anchor():
    ms = D.find_dates("On the same day ... the next day ... On October 10 ... on 10 October", "1934-10-09")
    assert [D.resolve(m, "1934-10-09") for m in ms] == ["1934-10-09", "1934-10-10", "1934-10-10", "1934-10-10"]
    ms = D.find_dates("Two days later … a day later … 3 days later", "1934-10-30")
    assert [D.resolve(m, "1934-10-30") for m in ms] == ["1934-11-01", "1934-10-31", "1934-11-02"]


def test_a_reply_that_acknowledges_receipt_answers_after_it():
    page = parse_text("T\nStalin to Kaganovich September 3, 1935\nArchive: RGASPI F. 558. Op. 11. D. 90. L. 3.\n"
                      "Kaganovich.\nYour 2 and 3 received. I agree with Mikoyan. Grinko is wrong.\nStalin.\n", "v.txt", AUTH)
    (L,) = page.letters
    assert {no: outcome for no, (outcome, _) in L.reply_outcomes.items()} == {"2": "agreed", "3": "agreed"}


def test_year_inferred_across_new_year():
    assert D.find_dates("On January 3", "1934-12-30")[0].iso == "1935-01-03"


# -- outcomes ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, outcome", [
    ("I agree.", "agreed"),
    ("Stalin agreed (Ibid. D. 86. L. 5)", "agreed"),
    ("In view of the complexity of the issue, I abstain", "abstained"),
    ("If you can, it would be better to do without the troika", "rejected"),
    ("I object.", "rejected"),
    ("I do not object.", "agreed"),
    ("with Stalin's amendment were approved", "amended"),
    ("Received.", "other"),
    ("Stalin answered in the affirmative", "agreed"),
    ("Stalin replied positively", "agreed"),
    ("Stalin answered in the negative", "rejected"),
    ("I agree. But the presidium is too large, reduce it to 15 people", "amended"),
])
def test_outcomes(text, outcome):
    assert classify_outcome(text) == outcome


# -- authority --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("form, key", [
    ("Eikh", "person/eikhe"), ("Eihe", "person/eikhe"), ("Eikhe", "person/eikhe"),
    ("Sergo", "person/ordzhonikidze"), ("Zhdanova", "person/zhdanov"), ("Kuibyshev", "person/kuibyshev"),
])
def test_aliases(form, key):
    assert AUTH.lookup(form, kind="person").key == key


def test_namesakes_told_apart_by_initials():
    default = AUTH.lookup("Prokofiev", kind="person")
    balloonist = AUTH.lookup("Prokofiev", "G.A.", kind="person")
    assert default.key != balloonist.key
    assert [m.entry.key for m in AUTH.find("G.A. Prokofiev flew")] == [balloonist.key]


def test_named_after_is_no_mention_of_the_person():
    found = {m.entry.key for m in AUTH.find("the Order of Lenin; the Gorky region; the Gogol monument; Comrade Zhdanov")}
    assert "person/zhdanov" in found
    assert not {k for k in found if k.startswith("person/") and k != "person/zhdanov"}


@pytest.mark.parametrize("text", [
    "In Gorky we examined the automobile plant.", "From Gorky 20/VIII - 33 at 4 o'clock.",
    "We are widening Gorky Street and Kirov Street.", "The Gorky Regional Committee asks for help.",
    "The Kalinin regional committee lags behind.", "The Ordzhonikidze Machine-Tool Plant is late.",
    'The cruiser "Kirov" left port.', 'The airship "Klim Voroshilov" flew over the square.',
])
def test_places_and_things_named_after_a_person_name_nobody(text):
    assert not [m for m in AUTH.find(text) if m.entry.kind == "person"]


def test_the_person_is_still_found_without_such_words():
    assert {m.entry.key for m in AUTH.find("Gorky wrote to Stalin; Kirov agreed.")} == {
        "person/gorky", "person/stalin", "person/kirov"}


# -- whole letters: notes, replies, requests --------------------------------------------------------------------

PAGE = """Test page

Kaganovich to Stalin October 5, 1934

Archive: RGASPI F. 558. Op. 11. D. 86. L. 14. Original. Typescript.
Encryption.

From Moscow 5/X - 34 at 4 o'clock. 36 min. In. No. 97.

Gagra. Tov. Stalin.

I ask you to introduce Comrade Zhdanov 1 . HP 124.

Kaganovich.

____________________

1 On the same day in cipher from Sochi at 11 a.m. 5 minutes. Stalin agreed (Ibid. D. 86. L. 13). On October 6, 1934, the corresponding decision of the PB was drawn up (Ibid. F. 17. Op. 3. D. 953. L. 32).

Stalin to Kaganovich October 6, 1934

Archive: RGASPI F. 558. Op. 11. D. 86. L. 15. Autograph.
Kaganovich.

Your 124. I object. Stalin.
"""


def test_note_statements_of_a_request():
    page = parse_text(PAGE, "test.txt", AUTH)
    L = page.letters[0]
    assert L.is_request and L.request_text.startswith("I ask you to introduce")
    r = L.response
    assert (r.outcome, r.date, r.time, r.place, r.evidence) == ("agreed", "1934-10-05", "11:05", "Sochi", "footnote")
    assert (r.ref.fond, r.ref.delo, r.ref.sheets) == ("558", "86", "13")
    (d,) = L.decisions
    assert (d.date, d.ref.fond, d.ref.opis, d.ref.delo, d.ref.sheets) == ("1934-10-06", "17", "3", "953", "32")
    assert (L.transmission.place, L.transmission.date, L.transmission.time, L.transmission.incoming_no) == (
        "Moscow", "1934-10-05", "04:36", "97")
    assert L.cipher_nos == ["124"] and L.signature == "Kaganovich."


def test_reply_letter_answers_the_request_it_cites():
    from kg.parse import link_replies

    text = PAGE.replace("Stalin agreed (Ibid. D. 86. L. 13). ", "")
    page = parse_text(text, "test.txt", AUTH)
    assert link_replies([page]) == []
    request, reply = page.letters
    cite_line = text.split("\n").index("Your 124. I object. Stalin.") + 1
    assert reply.cited_numbers == [(cite_line, "124")] and reply.reply_outcome == "rejected"
    assert (request.response.evidence, request.response.reply_line, request.response.outcome) == (
        "reply letter", reply.line, "rejected")
    assert reply.replies_to == [("test.txt", request.line)]


def test_every_nonblank_line_gets_a_role():
    page = parse_text(PAGE, "test.txt", AUTH)
    lines = PAGE.split("\n")
    nonblank = {k + 1 for k, t in enumerate(lines) if t.strip()}
    assert nonblank <= set(page.roles)


@pytest.mark.parametrize("note, date, sheet", [
    # the date right after "by the PB" is the PB's, not an earlier one in the sentence
    ("The resolution of the Council of People's Commissars on trade was adopted on May 6, 1932; the additional "
     "resolution was approved by the PB on June 16 (RGASPI F. 17. Op. 3. D. 887. L. 5).", "1932-06-16", "5"),
    ("On August 20, 1932 the PB left the plan of the Magnitogorsk plant unchanged (RGASPI F. 17. Op. 3. D. 841. L. 9).",
     "1932-08-20", "9"),
    ("The report of Ordzhonikidze was heard by the PB on September 1, 1932 (RGASPI F. 17. Op. 3. D. 844. L. 2).",
     "1932-09-01", "2"),
    ("The decision was adopted by poll of PB members on August 25, 1932 (RGASPI F. 17. Op. 3. D. 843. L. 7).",
     "1932-08-25", "7"),
    ("On August 28, 1932 the question was removed from the agenda of the PB (RGASPI F. 17. Op. 3. D. 843. L. 12).",
     "1932-08-28", "12"),
])
def test_pb_decision_wordings(note, date, sheet):
    page = parse_text("T\nKaganovich to Stalin August 19, 1932\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\n"
                      "Text 1 .\nKaganovich.\n____________________\n1 " + note + "\n", "v.txt", AUTH)
    (L,) = page.letters
    assert [(d.date, d.ref.fond, d.ref.sheets) for d in L.decisions] == [(date, "17", sheet)]


def test_comrade_and_postscript_are_no_persons():
    page = parse_text("T\nStalin to Kaganovich August 19, 1931\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\n"
                      "Sochi. To Comrade Stalin, Comrade Voroshilov.\nThe comrades Stakhanovites widen Gorky Street and "
                      "Kirov Street. Comrade Prosecutor agrees.\nStalin.\n"
                      "P.S. Send me the materials on the foreign currency. St.\n", "v.txt", AUTH)
    (L,) = page.letters
    assert {m.surface for m in L.mentions if m.kind == "person"} == {"Stalin", "Kaganovich", "Voroshilov"}
    assert not [w for w in page.warnings if "provisional" in w.message]


@pytest.mark.parametrize("closing", ["I embrace you warmly. Yours L. Kaganovich.",
                                     "I firmly shake your hand. Your L. Kaganovich.",
                                     "All the best. Yours L. Kaganovich."])
def test_closing_formula_before_the_signature(closing):
    page = parse_text("T\nKaganovich to Stalin August 19, 1933\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\n"
                      "Hello dear Comrade Stalin!\nText about grain.\n" + closing + "\n", "v.txt", AUTH)
    (L,) = page.letters
    assert (L.signature, [t for _, t in L.body]) == (closing, ["Text about grain."])


@pytest.mark.parametrize("line, expected", [
    ("Sent from Moscow on September 2, 1936 at 2 o'clock. 30 min.", ("Moscow", "1936-09-02", "02:30")),
    ("Sent 9-00 2.9.1936", (None, "1936-09-02", "09:00")),
])
def test_sent_line_with_or_without_a_place(line, expected):
    page = parse_text("T\nKaganovich to Stalin September 2, 1936\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\n"
                      "Encryption.\n" + line + "\nSochi. Tov. Stalin.\nText.\nKaganovich.\n", "v.txt", AUTH)
    tx = page.letters[0].transmission
    assert (tx.place, tx.date, tx.time) == expected


@pytest.mark.parametrize("citation", ["Your Nos. 118, 119 received.", "Your 118, 119 received.",
                                      "Your 118 and 119 received.", "Your numbers 118 and 119 received."])
def test_reply_answering_several_ciphers_answers_each(citation):
    from kg.parse import link_replies

    page = parse_text(
        "T\nKaganovich to Stalin July 2, 1932\nArchive: RGASPI F. 558. Op. 11. D. 79. L. 1.\nEncryption.\n"
        "Sochi. Tov. Stalin.\nWe ask for your consent to the loan. HP 118.\nKaganovich.\n"
        "Kaganovich to Stalin July 2, 1932\nArchive: RGASPI F. 558. Op. 11. D. 79. L. 2.\nEncryption.\n"
        "Sochi. Tov. Stalin.\nWe ask for your consent to the plan. HP 119.\nKaganovich.\n"
        "Stalin to Kaganovich July 3, 1932\nArchive: RGASPI F. 558. Op. 11. D. 79. L. 3.\nKaganovich.\n"
        + citation + " I agree with both.\nStalin.\n", "v.txt", AUTH)
    assert link_replies([page]) == []
    first, second, reply = page.letters
    assert [no for _, no in reply.cited_numbers] == ["118", "119"] and reply.cipher_nos == []
    for request in (first, second):
        assert (request.response.outcome, request.response.reply_line, request.response.date) == (
            "agreed", reply.line, "1932-07-03")


def test_cited_number_is_not_the_reply_letters_own():
    page = parse_text("T\nStalin to Kaganovich September 12, 1935\nArchive: RGASPI F. 558. Op. 11. D. 90. L. 3.\n"
                      "Kaganovich.\nYour No. 1620/sh. Agree.\nStalin.\n", "v.txt", AUTH)
    (L,) = page.letters
    assert L.cited_numbers == [(5, "1620/sh")] and L.cipher_nos == []


@pytest.mark.parametrize("note, expected", [
    ("Stalin's answer was sent on August 3 at 17 h. 40 min.: “Agree.” (RGASPI F. 558. Op. 11. D. 83. L. 5).",
     ("agreed", "1934-08-03", "17:40")),
    ("Stalin agreed with the amendment that the norm be lowered. The answer was sent on August 5 at 0 h. 30 min. "
     "(Ibid. L. 9).", ("amended", "1934-08-05", "00:30")),
])
def test_when_the_answer_was_sent_dates_the_answer(note, expected):
    page = parse_text("T\nKaganovich to Stalin August 2, 1934\nArchive: RGASPI F. 558. Op. 11. D. 83. L. 2.\n"
                      "Encryption.\nFrom Moscow 2/VIII - 34 at 3 o'clock. 30 minutes. In. No. 93.\nSochi. Tov. Stalin.\n"
                      "We ask for your consent 1 .\nKaganovich.\n____________________\n1 " + note + "\n", "v.txt", AUTH)
    (L,) = page.letters
    assert (L.response.outcome, L.response.date, L.response.time) == expected
    assert (L.transmission.place, L.transmission.date, L.transmission.time) == ("Moscow", "1934-08-02", "03:30")


def test_date_inside_stalins_quoted_words_does_not_date_his_answer():
    page = parse_text("T\nKaganovich to Stalin September 2, 1931\nArchive: RGASPI F. 558. Op. 11. D. 76. L. 2.\n"
                      "Sochi. Tov. Stalin.\nWe ask for your consent 1 .\nKaganovich.\n____________________\n"
                      "1 Stalin replied with a telegram: “I agree, with the amendment that the subscription should "
                      "begin not earlier than October 1” (RGASPI F. 558. Op. 11. D. 76. L. 5).\n", "v.txt", AUTH)
    (L,) = page.letters
    assert (L.response.outcome, L.response.date) == ("amended", None)


@pytest.mark.parametrize("note, expected", [
    ("Sent on 5 August at 17 h. 40 min. from Sochi in code (Ibid. L. 16).", ("Sochi", "1934-08-05", "17:40")),
    ("Sent from Sochi in code on August 4 at 3 h. 10 min.", ("Sochi", "1934-08-04", "03:10")),
    ("Encrypted and sent from Sochi on August 4 at 3 h. 10 min.", ("Sochi", "1934-08-04", "03:10")),
    ("Number and date entered by the secretary. Sent on the same day from Sochi at 17 h. 40 min.",
     ("Sochi", "1934-08-04", "17:40")),
])
def test_dispatch_notes_in_other_word_orders(note, expected):
    page = parse_text("T\nStalin to Kaganovich August 4, 1934\nArchive: RGASPI F. 558. Op. 11. D. 83. L. 2. Autograph.\n"
                      "Kaganovich.\nText 1 .\nStalin.\n____________________\n1 " + note + "\n", "v.txt", AUTH)
    tx = page.letters[0].transmission
    assert (tx.place, tx.date, tx.time) == expected


def test_a_further_decision_in_the_same_sentence():
    page = parse_text("T\nKaganovich to Stalin September 19, 1935\nArchive: RGASPI F. 558. Op. 11. D. 90. L. 2.\n"
                      "Sochi. Tov. Stalin.\nWe ask for your consent 1 .\nKaganovich.\n____________________\n"
                      "1 On September 20, 1935, the PB approved the plan (RGASPI. F. 17. Op. 3. D. 971. L. 50), on "
                      "September 22 - the decision on the Kremlin case (Ibid. Op. 163. D. 1079. L. 110–112).\n",
                      "v.txt", AUTH)
    (L,) = page.letters
    assert [(d.date, d.ref.opis, d.ref.delo, d.ref.sheets) for d in L.decisions] == [
        ("1935-09-20", "3", "971", "50"), ("1935-09-22", "163", "1079", "110–112")]


@pytest.mark.parametrize("note, number", [
    ("Poskrebyshev forwarded the text to I.V. Stalin in Sochi as No. 1457 (RGASPI F. 558. Op. 11. D. 740. L. 9).",
     "1457"),
    ("Dvinsky sent Kaganovich's telegram to Stalin in Sochi under No. 1457 (Ibid. L. 9).", "1457"),
])
def test_forwarded_number_across_initials_and_other_verbs(note, number):
    from kg.parse import link_replies

    page = parse_text("T\nKaganovich to Stalin October 3, 1931\nArchive: RGASPI F. 558. Op. 11. D. 740. L. 2.\n"
                      "Encryption.\nSochi. Tov. Stalin.\nWe ask for your consent 1 .\nKaganovich.\n____________________\n"
                      "1 " + note + "\nStalin to Kaganovich October 5, 1931\nArchive: RGASPI F. 558. Op. 11. D. 76. L. 20.\n"
                      "Kaganovich.\nYour 1457. I do not object.\nStalin.\n", "v.txt", AUTH)
    assert link_replies([page]) == []
    request, reply = page.letters
    assert request.forwarded_no == number
    assert (request.response.outcome, request.response.reply_line) == ("agreed", reply.line)


@pytest.mark.parametrize("meta, refs, form, handling", [
    ("Archive: RGASPI F. 558. Op. 11. D. 76. L. 10–11. Original. Typescript;\n"
     "F. 558. Op. 11. D. 40. L. 30. Autograph of Kaganovich.\nDirect wire note.",
     [("76", "10–11"), ("40", "30")], "Direct wire note", []),
    ("Archive: RGASPI F. 558. Op. 11. D. 76. L. 10.\nStrictly secret. Cipher.", [("76", "10")], "Cipher",
     ["Strictly secret"]),
    ("Archive: RGASPI F. 558. Op. 11. D. 76. L. 10.\n\nCopy. Encryption.\n", [("76", "10")], "Encryption", ["Copy"]),
])
def test_wrapped_archive_line_and_handling_with_the_form_on_one_line(meta, refs, form, handling):
    page = parse_text("T\nKaganovich to Stalin August 9, 1932\n" + meta + "\nFrom Kharkov 9/VIII - 32 at 4 o'clock. 15 min. "
                      "In. No. 7.\nSochi. Tov. Stalin.\nText.\nKaganovich.\n", "v.txt", AUTH)
    (L,) = page.letters
    assert [(r.delo, r.sheets) for r in L.archive_refs] == refs and (L.form, L.handling) == (form, handling)
    assert (L.transmission.place, L.transmission.time, L.transmission.incoming_no) == ("Kharkov", "04:15", "7")
    done, lines = page.coverage()
    assert done == lines


@pytest.mark.parametrize("line", ["We ask for your consent. HP 76, 77 and 78.", "HP 76, 77 and 78."])
def test_cipher_numbers_joined_by_and(line):
    page = parse_text("T\nKaganovich to Stalin August 9, 1932\nArchive: RGASPI F. 558. Op. 11. D. 76. L. 10.\n"
                      "Sochi. Tov. Stalin.\nWe ask for your consent.\n" + line + "\nKaganovich.\n", "v.txt", AUTH)
    assert page.letters[0].cipher_nos == ["76", "77", "78"]


def test_a_post_before_an_unknown_surname_marks_a_person():
    page = parse_text("T\nKaganovich to Stalin August 19, 1933\nArchive: RGASPI F. 558. Op. 11. D. 94. L. 2.\n"
                      "Sochi. Tov. Stalin.\nDirector Dyakonov is a good worker. Mr. Yoshizawa visited the director of "
                      "the plant. The Director General came.\nKaganovich.\n", "v.txt", AUTH)
    assert sorted(m.surface for m in page.letters[0].mentions if m.provisional) == ["Dyakonov", "Yoshizawa"]


@pytest.mark.parametrize("text, parts, slips", [
    ("RGASPI F. 558. Op. 1 1. D. 87. L. 2.", ("558", "11", "87", "2"), {"opis": "1 1"}),
    ("RGASPI F. 5 58. Op. 11. D. 87. L. 2–3.", ("558", "11", "87", "2–3"), {"fond": "5 58"}),
    ("RGASPI F. 558. Op. 11. D. 86. L. 5, 6.", ("558", "11", "86", "5, 6"), {}),
])
def test_a_number_the_ocr_split_is_joined_and_the_reading_kept(text, parts, slips):
    (r,) = parse_archive_line(text, 1)
    assert ((r.fond, r.opis, r.delo, r.sheets), r.slips) == (parts, slips)


@pytest.mark.parametrize("tail", ["Stalin. 3/X.34 No. 84", "Stalin.\n3/X.34 No. 84"])
def test_secretary_number_after_the_date(tail):
    page = parse_text("T\nStalin to Kaganovich October 3, 1934\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 12.\n"
                      "Kaganovich.\nThe note can be sent.\n" + tail + "\n", "v.txt", AUTH)
    (L,) = page.letters
    assert (L.signature, L.outgoing_no, L.secretary_note) == ("Stalin.", "84", "3/X.34 No. 84")


def test_review_regressions_stay_fixed():
    assert {m.entry.key for m in AUTH.find("made by order of Yagoda; a letter from Gorky; Order of Lenin")} == {
        "person/yagoda", "person/gorky"}
    page = parse_text("T\nKaganovich to Stalin August 19, 1932\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\nText 1 .\n"
                      "Kaganovich.\n____________________\n1 On August 20, the PB set September 5 as the opening date "
                      "(RGASPI F. 17. Op. 3. D. 1. L. 5).\n", "v.txt", AUTH)
    assert [d.date for d in page.letters[0].decisions] == ["1932-08-20"]
    page = parse_text("T\nStalin to Kaganovich August 19, 1932\nArchive: RGASPI F. 558. Op. 11. D. 86. L. 2.\n"
                      "Kaganovich.\nHP 76 and77-79. Your 118 received and approved.\nStalin.\n", "v.txt", AUTH)
    (L,) = page.letters
    assert L.cipher_nos == ["76"] and L.reply_outcomes["118"][0] == "agreed"


# -- rule names, dates as intervals, the lines of a note ---------------------------------------------------------

@pytest.mark.parametrize("prefix, pattern, name", [
    ("outcome.agreed", r"\bagree", "outcome.agreed.agree"),
    ("outcome.agreed", r"\b(?:did|do|does)\s*(?:not|n't)\s+(?:object|mind)", "outcome.agreed.did-not-object"),
    ("decision", r"\b(?:decision|resolution)s?\s+(?:of|by)\s+(?:the\s+)?PB(?!\s+commission)\b", "decision.decisions-of-pb"),
    ("x", r"[“\"«]\s*No\b", "x.no"),
    ("x", r"\d+", "x.pattern"),
])
def test_rule_names_are_the_first_words_a_pattern_reads(prefix, pattern, name):
    from kg.parse.wordings.base import rule_name
    assert rule_name(prefix, pattern) == name


def test_two_patterns_of_one_name_are_told_apart():
    from kg.parse.wordings.base import named_alternatives
    assert named_alternatives("o", (r"\bagreed?,?\s+but\b", r"\bagreed?\.\s+But\b")) == ("o.agreed-but", "o.agreed-but-1")


@pytest.mark.parametrize("text", ["February 30, 1934", "October 4-3, 1934", "October 3 till 4, 1934", "1934"])
def test_no_interval_for_what_is_no_date(text):
    from kg.parse.wordings import get
    assert D.date_range(text, get().dates)[0] is None


def test_a_note_over_several_lines_knows_each_lines_number():
    text = ("Kaganovich to Stalin August 1, 1934\nArchive: RGASPI F. 558. Op. 11. D. 1. L. 1.\nTov. Stalin.\n"
            "We ask for your consent 1 .\nKaganovich.\nNotes:\n1 The text follows.\n\nA directive was given.\n\n"
            "Then the PB approved it on August 4. Stalin agreed on August 3.")
    L = parse_text(text, "x.txt", AUTH).letters[0]
    assert (L.decisions[0].line, L.decisions[0].words_line, L.response.words_line) == (7, 11, 11)
