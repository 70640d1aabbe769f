"""The English wordings behind the document model's records, as examples that must and must not match: dates as
the editors give them, the points a letter raises, the exact line and rule of answers and decisions, a decision's
protocol and item, the rules of normalisations and what an "Ibid." could mean."""
from __future__ import annotations

import re

import pytest

from kg.parse import parse_text
from kg.parse.rules import rules
from kg.parse.wordings import get

from .pages import AUTH, letter, note, page_text

EN = get("en")

# -- dates as the editors give them ------------------------------------------------------------------------------

DATES = [  # heading date → (EDTF, earliest, latest, supplied)
    ("October 1, 1934", ("1934-10-01", "1934-10-01", "1934-10-01", None)),
    ("October 3 [1934]", ("1934-10-03", "1934-10-03", "1934-10-03", "year")),
    ("[October 9, 1934]", ("1934-10-09", "1934-10-09", "1934-10-09", "whole")),
    ("October [9], 1934", ("1934-10-09", "1934-10-09", "1934-10-09", "day")),
    ("[October] 9, 1934", ("1934-10-09", "1934-10-09", "1934-10-09", "month")),
    ("October 1934", ("1934-10", "1934-10-01", "1934-10-31", None)),
    ("[Between August 10 and 14, 1931]", ("1931-08-10/1931-08-14", "1931-08-10", "1931-08-14", "whole")),
    ("[Not earlier than October 3, 1934]", ("1934-10-03/..", "1934-10-03", None, "whole")),
    ("[No earlier than October 3, 1934]", ("1934-10-03/..", "1934-10-03", None, "whole")),
    ("[Not before October 3, 1934]", ("1934-10-03/..", "1934-10-03", None, "whole")),
    ("[After October 3, 1934]", ("1934-10-03/..", "1934-10-03", None, "whole")),
    ("[Not later than October 3, 1934]", ("../1934-10-03", None, "1934-10-03", "whole")),
    ("[Not after October 3, 1934]", ("../1934-10-03", None, "1934-10-03", "whole")),
    ("[Before October 3, 1934]", ("../1934-10-03", None, "1934-10-03", "whole")),
    ("[Not earlier than October 1934]", ("1934-10/..", "1934-10-01", None, "whole")),
    ("[September 9 or 10, 1936]", ("[1936-09-09,1936-09-10]", "1936-09-09", "1936-09-10", "whole")),
    ("October 3-4, 1934", ("1934-10-03/1934-10-04", "1934-10-03", "1934-10-04", None)),
    ("August 31 - September 1, 1931", ("1931-08-31/1931-09-01", "1931-08-31", "1931-09-01", None)),
    ("1-2 October 1934", ("1934-10-01/1934-10-02", "1934-10-01", "1934-10-02", None)),
]


@pytest.mark.parametrize(("date", "expected"), DATES)
def test_heading_dates_as_intervals(date, expected):
    L = letter(heading=f"Kaganovich to Stalin {date}")
    r = L.date_range
    assert (r.expressed, (r.edtf, r.earliest, r.latest, r.supplied)) == (date, expected)


@pytest.mark.parametrize(("date", "day"), [("[Not earlier than October 3, 1934]", "1934-10-03"),
                                           ("[Between August 10 and 14, 1931]", "1931-08-10"),
                                           ("[Not later than October 3, 1934]", "1934-10-03")])
def test_the_letters_date_stays_the_first_day_given(date, day):
    L = letter(heading=f"Kaganovich to Stalin {date}")
    assert (L.date, L.date_editorial) == (day, True)


@pytest.mark.parametrize("date", [d for d, _ in DATES])
def test_every_qualifier_of_the_examples_is_known(date):
    page = parse_text(page_text(heading=f"Kaganovich to Stalin {date}"), "x.txt", AUTH)
    assert [w for w in page.warnings if "qualifier" in w.message] == []


def test_an_unknown_qualifier_is_read_as_the_date_and_warned():
    page = parse_text(page_text(heading="Kaganovich to Stalin [About October 3, 1934]"), "x.txt", AUTH)
    assert page.letters[0].date_range.edtf == "1934-10-03"
    assert any("'About'" in w.message and w.line == 1 for w in page.warnings)


def test_a_qualifier_is_no_part_of_another():
    # "before" alone is not "not before"; "or" two days is no span, "and" no choice
    assert letter(heading="Kaganovich to Stalin [Before October 3, 1934]").date_range.edtf == "../1934-10-03"
    assert letter(heading="Kaganovich to Stalin [October 3 or 4, 1934]").date_range.edtf.startswith("[")
    assert letter(heading="Kaganovich to Stalin [October 3 and 4, 1934]").date_range.edtf == "1934-10-03/1934-10-04"


@pytest.mark.parametrize(("line", "expressed", "edtf"), [
    ("From Sochi 5.VIII.34 at 17 h. 40 min.", "5.VIII.34", "1934-08-05"),
    ("From Sochi 5.8.1934 at 17 h. 40 min.", "5.8.1934", "1934-08-05"),
    ("From Sochi August 5 at 17 h. 40 min.", "August 5", "1934-08-05"),
    ("From Sochi at 17 h. 40 min.", None, None),  # the letter's date, not the line's words: no range
])
def test_transmission_dates_with_their_words(line, expressed, edtf):
    tx = letter(meta=("Archive: RGASPI F. 558. Op. 11. D. 1. L. 1.", line)).transmission
    r = tx.date_range
    assert ((r.expressed, r.edtf, r.earliest, r.latest) if r else (None, None)) == \
        ((expressed, edtf, edtf, edtf) if edtf else (None, None))


def test_answer_and_dispatch_dates_with_their_words():
    r = note("On the next day Stalin agreed.").response.date_range
    assert (r.expressed, r.edtf) == ("On the next day", "1934-08-02")
    r = note("Stalin agreed. His answer was sent on August 3 at 17 h. 40 min.").response.date_range
    assert (r.expressed, r.edtf) == ("August 3", "1934-08-03")
    tx = note("The encryption was sent on August 2 at 17 h. 40 min. from Sochi.").transmission
    assert (tx.date_range.expressed, tx.date_range.edtf) == ("August 2", "1934-08-02")


# -- the points a letter raises ------------------------------------------------------------------------------------

def requests(*body: str):
    return [(r.line, r.number, r.text) for r in letter(body=body).requests]


@pytest.mark.parametrize("lead", ["1.", "1)", "(1)"])
def test_numbered_points_each_ask(lead):
    second = lead.replace("1", "2")
    assert requests(f"{lead} The bridge is ready. We ask for your consent.",
                    f"{second} The road is late. Please let us know your opinion.") == [
        (4, "1", "We ask for your consent."), (5, "2", "Please let us know your opinion.")]


ORDINALS = [("first", "1"), ("firstly", "1"), ("second", "2"), ("secondly", "2"), ("third", "3"), ("thirdly", "3"),
            ("fourth", "4"), ("fourthly", "4"), ("fifth", "5"), ("fifthly", "5"), ("sixth", "6"), ("seventh", "7"),
            ("eighth", "8"), ("ninth", "9"), ("tenth", "10")]


@pytest.mark.parametrize(("word", "number"), ORDINALS)
def test_an_ordinal_word_opens_a_point(word, number):
    assert requests(f"We ask for your consent. {word.capitalize()}, we ask for your decision on the road.") == [
        (4, None, "We ask for your consent."),
        (4, number, f"{word.capitalize()}, we ask for your decision on the road.")]


def test_a_point_that_asks_again_repeats_its_request():
    assert requests("We ask for your consent.", "We are waiting for your reply.") == [
        (4, None, "We ask for your consent.")]


@pytest.mark.parametrize("line", ["1934 was quiet. We ask for your consent.",
                                  "2.5 million poods. We ask for your consent.",
                                  "The first train came. We ask for your consent."])
def test_no_point_where_none_is_numbered(line):
    assert requests(line) == [(4, None, "We ask for your consent.")]


def test_a_letter_asks_its_proposals_only_where_it_asks_nothing_in_so_many_words():
    L = letter(body=("1. We propose to build the bridge.", "2. We propose to build the road."))
    assert [(r.number, r.rule) for r in L.requests] == [("1", "request.proposal"), ("2", "request.proposal")]
    L = letter(body=("1. We propose to build the bridge.", "2. We ask for your consent."))
    assert [(r.number, r.rule) for r in L.requests] == [("2", "request.asked.ask-you-opinion")]


TWO_POINTS = ("1. The bridge is ready. We ask for your consent.", "2. The road is late. We ask for your decision 1 .")


@pytest.mark.parametrize(("text", "answered"), [
    ("On point 2 Stalin agreed.", "2"), ("On item 2 Stalin agreed.", "2"), ("To paragraph No. 2 Stalin agreed.", "2"),
    ("On question 2 Stalin agreed.", "2"), ("On the second point Stalin agreed.", "2"),
    ("On the first item Stalin agreed.", "1"),
    ("Stalin agreed.", "2"),  # the note's marker stands on point 2's line
])
def test_a_notes_answer_goes_to_the_request_it_names(text, answered):
    L = letter(body=TWO_POINTS, notes=("1 " + text,))
    assert [(r.number, r.response and r.response.outcome) for r in L.requests] == \
        [(n, "agreed" if n == answered else None) for n in ("1", "2")]
    assert (L.response, L.request_line, L.request_text) == (L.requests[0].response, 4, "We ask for your consent.")


def test_without_a_named_point_the_answer_goes_to_the_first():
    L = letter(body=("1. The bridge is ready. We ask for your consent.", "2. We ask for your decision."),
               notes=("1 On point 2.5 of the plan Stalin agreed.",))
    assert [r.response and r.response.outcome for r in L.requests] == ["agreed", None]


def test_each_point_its_own_answer():
    L = letter(body=("1. We ask for your consent 1 .", "2. We ask for your decision 2 ."),
               notes=("1 Stalin agreed.", "2 Stalin objected."))
    assert [r.response.outcome for r in L.requests] == ["agreed", "rejected"]
    assert L.response is L.requests[0].response


# -- the exact line and the rule ------------------------------------------------------------------------------------

def test_the_line_of_the_words_that_answer():
    L = letter(notes=("1 The text of the resolution follows (Ibid. L. 2).", "At its end a directive was given.",
                      "On August 2 Stalin agreed (Ibid. L. 3). On August 3 the PB approved it."),
               body=("We ask for your consent 1 .",))
    r, d = L.response, L.decisions[0]
    assert (r.line, r.words_line, r.rule, d.line, d.words_line, d.rule) == (
        7, 9, "answer.verb.agreed", 7, 9, "decision.pb-did")


@pytest.mark.parametrize(("text", "rule"), [
    ("Stalin agreed.", "answer.verb.agreed"), ("Stalin's consent followed.", "answer.noun.consent"),
    ("The plan was rejected by Stalin.", "answer.passive.rejected"),
    ("Stalin telegraphed: “I am against.”", "outcome.lead.rejected"),
    ("Stalin wrote: “There are no objections.”", "outcome.agreed.no-objections"),
    ("Stalin agreed, but asked for more.", "outcome.amended.agreed-but"),
    ("Stalin replied: “Accept with changes.”", "outcome.amended.with-changes"),
    ("Stalin replied the same day.", "answer.verb.replied"),
])
def test_the_rule_that_read_the_outcome(text, rule):
    assert note(text).response.rule == rule


def test_the_rules_of_requests_and_decisions():
    assert letter(body=("Please let us know your opinion.",)).requests[0].rule == "request.asked.let-us-know-your-opinion"
    assert note("The decision of the PB was taken on August 3.").decisions[0].rule == "decision.decisions-of-pb"


def test_a_reply_letters_answer_names_its_line_and_rule():
    from kg.parse import link_replies
    text = ("Kaganovich to Stalin August 1, 1934\nArchive: RGASPI F. 558. Op. 11. D. 1. L. 1.\nTov. Stalin.\n"
            "We ask for your consent. HP 121.\nKaganovich.\n"
            "Stalin to Kaganovich August 2, 1934\nArchive: RGASPI F. 558. Op. 11. D. 1. L. 2.\nKaganovich.\n"
            "Your 121 - I object.\nStalin.")
    page = parse_text(text, "x.txt", AUTH)
    link_replies([page])
    r = page.letters[0].requests[0].response
    assert (r.words_line, r.rule, r.date_range.edtf) == (9, "outcome.lead.rejected", "1934-08-02")


def test_every_rule_named_is_registered_with_an_iri_safe_name():
    registry = rules()
    assert all(re.fullmatch(r"[a-z]+(?:\.[a-z0-9-]+)+", name) for name in registry)
    L = letter(body=("We ask for your consent 1 .",), notes=("1 Stalin agreed. The PB approved it on August 3.",))
    assert {L.requests[0].rule, L.response.rule, L.decisions[0].rule} <= set(registry)


# -- a decision's protocol and item ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "protocol"), [
    ("On August 3 the PB approved it (protocol No. 15, item 42).", ("15", "42")),
    ("On August 3 the PB approved it, minutes No. 15, point 42a.", ("15", "42a")),
    ("On August 3 the PB approved it (RGASPI F. 17. Op. 3. D. 950. L. 5; P15/42).", ("15", "42")),
    ("On August 3 the PB approved it as item 42 of protocol No. 15.", ("15", "42")),
    # not a protocol and item
    ("On August 3 the PB approved it (protocol No. 15).", (None, None)),
    ("On August 3 the PB approved it (RGASPI F. 17. Op. 3. D. 950. L. 15/42).", (None, None)),
    ("On August 3 the PB approved item 42 of the plan.", (None, None)),
])
def test_protocol_and_item(text, protocol):
    d = note(text).decisions[0]
    assert (d.protocol, d.item) == protocol


# -- normalisations and Ibid. -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("archive", "slips", "rules_"), [
    ("RGASPI F. 558. Op. P. D. 1. L. 1.", {"opis": "P"}, {"opis": "archive.opis-p-is-11"}),
    ("RGASPI F. 558. On. 11. D. 1. L. 1.", {"opisLabel": "On. 11."}, {"opisLabel": "archive.opis-label"}),
    ("RGASPI F. 558. Op. 1 1. D. 1. L. 1.", {"opis": "1 1"}, {"opis": "archive.split-number"}),
    ("RGASPI F. 558. Op. 11. D. 1. L. 39 - 40.", {"sheets": "39 - 40"}, {"sheets": "archive.sheets-written-uniformly"}),
    ("RGASPI F. 558. Op. 11. D. 1. L. 1.", {}, {}),
])
def test_every_normalisation_names_its_rule(archive, slips, rules_):
    ref = letter(meta=("Archive: " + archive,)).archive_refs[0]
    assert (ref.slips, ref.slip_rules) == (slips, rules_)
    assert set(ref.slip_rules.values()) <= set(rules())


TWO_FILES = "Archive: RGASPI F. 558. Op. 11. D. 87. L. 54. Original; F. 558. Op. 11. D. 51. L. 56. Copy."


def test_an_ibid_that_could_mean_two_files_is_flagged():
    text = page_text(meta=(TWO_FILES,), body=("We ask for your consent 1 .",),
                     notes=("1 Further text (Ibid. L. 50).", "Stalin agreed (Ibid., L. 52)."))
    page = parse_text(text, "x.txt", AUTH)
    ref = page.letters[0].response.ref
    assert (ref.citation, ref.ibid_of) == ("RGASPI F. 558. Op. 11. D. 51. L. 52", 7)
    assert ref.ibid_candidates == []  # completed from the one reference before it, in the same note
    first = next(r for r in [page.letters[0].archive_refs[1]] if r)
    assert first.ibid_of is None
    text = page_text(meta=(TWO_FILES,), body=("We ask for your consent 1 .",), notes=("1 Stalin agreed (Ibid., L. 52).",))
    page = parse_text(text, "x.txt", AUTH)
    ref = page.letters[0].response.ref
    assert (ref.ibid_of, ref.ibid_candidates) == (2, ["RGASPI F. 558. Op. 11. D. 87. L. 52",
                                                      "RGASPI F. 558. Op. 11. D. 51. L. 52"])
    assert [str(w) for w in page.warnings if "could mean" in w.message] == [
        "x.txt:7: 'Ibid., L. 52' could mean RGASPI F. 558. Op. 11. D. 87. L. 52 or RGASPI F. 558. Op. 11. D. 51. "
        "L. 52 (cited together before it); read as RGASPI F. 558. Op. 11. D. 51. L. 52"]


def test_an_ibid_that_restates_the_file_is_not_ambiguous():
    text = page_text(meta=(TWO_FILES,), body=("We ask for your consent 1 .",), notes=("1 Stalin agreed (Ibid. D. 87. L. 52).",))
    ref = parse_text(text, "x.txt", AUTH).letters[0].response.ref
    assert (ref.citation, ref.ibid_of, ref.ibid_candidates) == ("RGASPI F. 558. Op. 11. D. 87. L. 52", 2, [])
