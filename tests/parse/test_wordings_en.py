"""Every English wording the parser reads, as examples: what it must read from a sentence, and what it must not.

One list per wording group of kg/parse/wordings/en.py. A new wording is one entry in en.py and one example here;
benchmarks/mutate_rules.py deletes each rule in turn and checks that some example notices.
"""
from __future__ import annotations

import pytest

from kg.parse import classify_outcome, parse_heading
from kg.parse.names import unknown_names
from kg.parse.wordings import get

from .pages import AUTH, letter, note, to_kaganovich

EN = get("en")

# -- headings ------------------------------------------------------------------------------------------------------

HEADINGS = [
    ("Stalin to Kaganovich October 3 [1934]", (["Stalin"], ["Kaganovich"], [])),
    ("Kaganovich, Molotov - Stalin October 28, 1934.", (["Kaganovich", "Molotov"], ["Stalin"], [])),
    ("Kaganovich and Molotov To Stalin October 28, 1934 1", (["Kaganovich", "Molotov"], ["Stalin"], [])),
    ("Kaganovich & Molotov – Stalin October 28, 1934", (["Kaganovich", "Molotov"], ["Stalin"], [])),
    ("Stalin to Kaganovich, Molotov and other members of the PB October 1, 1934",
     (["Stalin"], ["Kaganovich", "Molotov"], ["other members of the PB"])),
    ("Stalin to the Politburo October 1, 1934", (["Stalin"], [], ["the Politburo"])),
    ("Stalin to members of the Central Committee October 1, 1934",
     (["Stalin"], [], ["members of the Central Committee"])),
    # not headings
    ("The harvest to the state October 3, 1934", None),
    ("Stalin, Kaganovich October 3, 1934", None),
    ("Stalin to the harvest October 3, 1934", None),
]


@pytest.mark.parametrize(("line", "expected"), HEADINGS)
def test_headings(line, expected):
    h = parse_heading(line)
    assert (h and (h.authors, h.recipients, h.groups)) == expected


def test_heading_run_together_with_its_archive_line():
    L = letter(heading="Kaganovich to Stalin August 1, 1934. Archive: RGASPI F. 558. Op. 11. D. 1. L. 1.", meta=())
    assert (L.archive_line, L.archive_refs[0].fond) == (1, "558")


# -- archive and source lines, notes ----------------------------------------------------------------------------------

def test_source_line_instead_of_archive():
    L = letter(meta=("Source: Stalin i Kaganovich. Perepiska, 2001.",))
    assert L.edition == "Stalin i Kaganovich. Perepiska, 2001."


def test_archive_line_wrapped():
    L = letter(meta=("Archive: RGASPI F. 558. Op. 11. D. 1. L. 1;", "F. 17. Op. 3. D. 950. L. 2."))
    assert [r.fond for r in L.archive_refs] == ["558", "17"]
    L = letter(meta=("Archive: RGASPI F. 558. Op. 11. D. 1. L. 1;", "GARF F. 5446. Op. 1. D. 9. L. 2."))
    assert [r.fond for r in L.archive_refs] == ["558", "5446"]


@pytest.mark.parametrize("separator", ["Notes:", "Note:", "———", "***", "___"])
def test_notes_separator(separator):
    L = letter(notes=("1 The PB approved the bridge on August 3.",), separator=separator)
    assert [fn.number for fn in L.footnotes] == ["1"]


@pytest.mark.parametrize(("line", "number", "text"), [
    ("1 The PB approved it.", "1", "The PB approved it."),
    ("2) See: Pravda, 1934.", "2", "See: Pravda, 1934."),
    ("3. “For.” St.", "3", "“For.” St."),
])
def test_note_numbers(line, number, text):
    fn = letter(notes=(line,)).footnotes[0]
    assert (fn.number, fn.text) == (number, text)


def test_publications():
    L = note("On August 3 the PB approved the bridge (see Pravda, 4 August 1934). See: Izvestia, 5 August 1934.")
    assert L.footnotes[0].publications == ["Pravda, 4 August 1934", "Izvestia, 5 August 1934"]
    assert L.decisions[0].wording == "On August 3 the PB approved the bridge . See: Izvestia, 5 August 1934"


# -- forms and handling marks -------------------------------------------------------------------------------------

FORMS = [
    ("Encryption.", "Encryption"), ("Encrypted telegram", "Encryption"), ("Cipher telegram", "Encryption"),
    ("Encrypted", "Encryption"), ("Ciphertext", "Encryption"), ("Shifrovka.", "Encryption"),
    ("Coded telegram", "Encryption"), ("Encrypted message", "Encryption"), ("Ciphered telegram", "Encryption"),
    ("Cryptogram", "Encryption"), ("Cipher.", "Cipher"), ("Ciphered", "Cipher"), ("In cipher", "Cipher"),
    ("Telegram 2", "Telegram"), ("Telephone message", "Telephone message"), ("Telephonogram", "Telephone message"),
    ("Phone message", "Telephone message"), ("Direct wire note", "Direct wire note"),
    ("Note by direct wire", "Direct wire note"), ("Direct wire", "Direct wire note"),
    ("Direct line note", "Direct wire note"), ("Note on the direct wire", "Direct wire note"),
    ("Note by the direct wire", "Direct wire note"), ("By direct wire", "Direct wire note"),
    ("Direct wire message", "Direct wire note"), ("Note over the direct wire", "Direct wire note"),
]


@pytest.mark.parametrize(("line", "form"), FORMS)
def test_forms(line, form):
    assert letter(meta=(ARCHIVE_LINE, line)).form == form


HANDLING = ["Strictly secret", "Top secret.", "Secret", "Copy", "Personal", "Special folder", "Series “K”", "Urgent",
            "Out of turn", "Extraordinary", "Very urgent", "(via Poskrebyshev)"]
ARCHIVE_LINE = "Archive: RGASPI F. 558. Op. 11. D. 1. L. 1."


@pytest.mark.parametrize("line", HANDLING)
def test_handling_marks(line):
    assert letter(meta=(ARCHIVE_LINE, line)).handling == [line.rstrip(".")]


def test_form_and_handling_on_one_line():
    L = letter(meta=(ARCHIVE_LINE, "Strictly secret. Cipher."))
    assert (L.form, L.handling) == ("Cipher", ["Strictly secret"])


def test_not_a_mark():
    L = letter(meta=(ARCHIVE_LINE, "Secret negotiations began."))
    assert (L.form, L.handling) == (None, [])


# -- dispatch --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "place", "time", "incoming"), [
    ("From Sochi 5.VIII.34 at 17 h. 40 min. In. No. 1221", "Sochi", "17:40", "1221"),
    ("From Sochi In. No. 12 5.VIII.34 at 17 h. 5 min.", "Sochi", "17:05", "12"),
    ("From Sochi No. 12 5.VIII.34 at 17 h. 5 min.", "Sochi", "17:05", None),
    ("From Sochi Vkh. No. 12 5.VIII.34 at 17 h. 5 min.", "Sochi", "17:05", "12"),
    ("From Sochi Inc. No. 12 5.VIII.34 at 17 h. 5 min.", "Sochi", "17:05", "12"),
    ("From Sochi August 5 at 17 h. 5 min.", "Sochi", "17:05", None),
])
def test_from_lines(line, place, time, incoming):
    tx = letter(meta=(ARCHIVE_LINE, line)).transmission
    assert (tx.place, tx.time, tx.incoming_no) == (place, time, incoming)


def test_sent_received_and_incoming_lines():
    tx = letter(meta=(ARCHIVE_LINE, "Sent from Moscow 2.VIII.34 at 2 h. 10 min.")).transmission
    assert (tx.place, tx.date, tx.time) == ("Moscow", "1934-08-02", "02:10")
    L = letter(meta=(ARCHIVE_LINE, "From Sochi 1.VIII.34 at 3 h.", "Dispatched 2.VIII.34 at 4 h. 10 min."))
    assert (L.transmission.place, L.transmission.time) == ("Sochi", "04:10")
    assert letter(meta=(ARCHIVE_LINE, "Received 2.VIII.34 at 10 h.")).received == "Received 2.VIII.34 at 10 h."
    assert letter(meta=(ARCHIVE_LINE, "Inc. No. 84")).transmission.incoming_no == "84"


@pytest.mark.parametrize(("text", "place", "time"), [
    ("The encryption was sent on August 2 at 17 h. 40 min. from Sochi.", "Sochi", "17:40"),
    ("It was encrypted and sent at 9 h. 10 min.", None, "09:10"),
    ("Sent on August 2 at 11 h. 5 min.", None, "11:05"),
])
def test_dispatch_in_notes(text, place, time):
    tx = note(text).transmission
    assert (tx.place, tx.time) == (place, time)


@pytest.mark.parametrize(("text", "number"), [
    ("Poskrebyshev forwarded the text to I.V. Stalin in Sochi as No. 129.", "129"),
    ("The text was sent to Sochi under No. 211.", "211"),
])
def test_forwarded(text, number):
    assert note(text).forwarded_no == number


def test_forwarded_by():
    assert note("Poskrebyshev forwarded it as No. 129.").forwarded_by == "person/poskrebyshev"


# -- numbers -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sign", "tail", "outgoing", "cipher", "note_text"), [
    ("Kaganovich.", ("No. 84 2.VIII.34",), "84", [], "No. 84 2.VIII.34"),
    ("Kaganovich.", ("No. 84",), "84", [], "No. 84"),
    ("Kaganovich.", ("2/VIII.34 No. 84",), "84", [], "2/VIII.34 No. 84"),
    ("Kaganovich. No. 84 2/VIII.34", (), "84", [], "No. 84 2/VIII.34"),
    ("Kaganovich. Nr 29/sh. 1.VIII.34", (), None, ["29/sh"], "Nr 29/sh. 1.VIII.34"),
    ("Kaganovich.", ("HP 118",), None, ["118"], None),
    ("Kaganovich.", ("No. 2860/sh.",), None, ["2860/sh"], None),
    ("Kaganovich.", ("No. 2860/sh 2.VIII.34",), None, ["2860/sh"], "No. 2860/sh 2.VIII.34"),
    ("1/VIII 34 Kaganovich.", (), None, [], "1/VIII 34"),
])
def test_secretary_and_cipher_numbers(sign, tail, outgoing, cipher, note_text):
    L = letter(sign=sign, body=("We ask you to build the bridge.", *tail) if tail else ("We ask you to build it.",))
    if tail:
        L = letter(body=("We ask you to build the bridge.",), sign=sign + "\n" + "\n".join(tail))
    assert (L.outgoing_no, L.cipher_nos, L.secretary_note, L.signature) == (outgoing, cipher, note_text,
                                                                            sign.split(" No")[0].split(" Nr")[0]
                                                                            .replace("1/VIII 34 ", ""))


def test_secretary_marker():
    L = letter(sign="Kaganovich.\n2/VIII.34 1", notes=("1 The number and date were entered by Poskrebyshev.",))
    assert (L.secretary_marker, L.footnotes[0].marker_line) == ((6, "1"), 6)


@pytest.mark.parametrize(("text", "numbers"), [
    ("HP 118, 119 and 120.", ["118", "119", "120"]), ("HP 118-120.", ["118", "119", "120"]),
    ("H.P. 7.", ["7"]), ("NR 7.", ["7"]), ("No. 2860/sh.", ["2860/sh"]), ("N 31/sh.", ["31/sh"]),
    ("Your No. 1620/sh received. HP 5.", ["5"]),
])
def test_cipher_numbers_in_the_text(text, numbers):
    assert letter(body=("We ask you to build it. " + text,)).cipher_nos == numbers


# -- requests ------------------------------------------------------------------------------------------------------

REQUESTS = [  # what letters to Stalin ask in: the sentence that asks
    "Kindly speed up the approval.",
    "Let us know your decision.",
    "Please wire your instructions.",
    "We are asking you to confirm the plan.",
    "We kindly ask you to look at it.",
    "We await your consent.",
    "Do you object?",
    "Is it possible to agree?",
    "Send us your answer.",
    "We are waiting for your reply.",
    "Please respond.",
    "Tell us what you think.",
    "I ask for permission.",
    "What is your opinion",
    "Your opinion?",
    "Do you have any objections",
    "We will go on if you do not object",
    "Please, approve.",
    "What do you think",
]
NOT_REQUESTS = ["The plan was approved.", "We asked Molotov about it.", "Your opinion was received."]
OPINIONS = [  # what Stalin's letters ask: only an opinion
    "Let me know your views.", "What do you think?", "Do you agree?", "Are you for it?", "Are you against it?",
    "Send me your opinion.", "Tell me your opinion.",
]


@pytest.mark.parametrize("sentence", REQUESTS)
def test_requests(sentence):
    assert letter(body=("The bridge is ready. " + sentence,)).request_text == sentence


@pytest.mark.parametrize("sentence", NOT_REQUESTS)
def test_not_requests(sentence):
    assert letter(body=(sentence,)).request_text is None


@pytest.mark.parametrize("sentence", OPINIONS)
def test_opinions_stalin_asks(sentence):
    assert to_kaganovich(body=("The bridge is ready. " + sentence,)).request_text == sentence


def test_stalin_asking_for_consent_is_no_request():
    assert to_kaganovich(body=("Send me your consent.",)).request_text is None


@pytest.mark.parametrize("sentence", ["We propose to build the bridge.", "I suggest a new plan.",
                                      "This proposal should be approved."])
def test_a_proposal_to_stalin_is_a_request(sentence):
    assert letter(body=(sentence,)).request_text == sentence
    assert to_kaganovich(body=(sentence,)).request_text is None


# -- answers: outcomes ----------------------------------------------------------------------------------------------

OUTCOMES = [
    ("I abstain.", "abstained"), ("We abstained from voting.", "abstained"),
    ("Object.", "rejected"), ("I am against.", "rejected"), ("We are against.", "rejected"),
    ("Against.", "rejected"), ("Disagree.", "rejected"), ("I do not agree.", "rejected"),
    ("I don't agree.", "rejected"), ("I do not consider it right.", "rejected"),
    ("I agree with the protest against the plan.", "agreed"), ("Agreed.", "agreed"), ("I consent.", "agreed"),
    ("Approve.", "agreed"), ("I am for.", "agreed"), ("We are for.", "agreed"), ("For.", "agreed"),
    ("I do not object.", "agreed"), ("I don't object.", "agreed"), ("No objection to the plan.", "agreed"),
    # keywords
    ("The plan must be amended.", "amended"), ("Make the correction.", "amended"), ("He corrected it.", "amended"),
    ("See my edits.", "amended"), ("Accept with changes.", "amended"),
    ("Accept with the following addition.", "amended"),
    ("I agree, but add a line.", "amended"), ("Agree. But add a line.", "amended"),
    ("Well, agree with the amendment.", "amended"),
    ("Stalin did not mind.", "agreed"), ("There are no objections.", "agreed"), ("Stalin is not against.", "agreed"),
    ("Stalin did not agree.", "rejected"), ("Stalin disagrees.", "rejected"), ("There is an objection.", "rejected"),
    ("Stalin voted against.", "rejected"), ("Stalin rejects it.", "rejected"), ("Stalin refuses.", "rejected"),
    ("Stalin declined.", "rejected"), ("A veto.", "rejected"), ("We can do without it.", "rejected"),
    ("It is not necessary.", "rejected"), ("It is unnecessary.", "rejected"), ("It is inexpedient.", "rejected"),
    ("It is premature.", "rejected"), ("You should not do it.", "rejected"), ("You must not do it.", "rejected"),
    ("Better not.", "rejected"), ("There is no need.", "rejected"), ("It is not worth it.", "rejected"),
    ("Stalin wrote: “No.”", "rejected"), ("Stalin cannot support it.", "rejected"),
    ("He did not think it necessary.", "rejected"), ("It is impossible.", "rejected"),
    ("Stalin answered negatively.", "rejected"), ("It is incorrect.", "rejected"), ("It is wrong.", "rejected"),
    ("It is erroneous.", "rejected"), ("It is not right.", "rejected"),
    ("Well, agree.", "agreed"), ("Well, consent given.", "agreed"), ("Well, approval given.", "agreed"),
    ("Well, I am for it.", "agreed"), ("Well, we are for it.", "agreed"), ("We are not objecting.", "agreed"),
    ("Well, yes.", "agreed"), ("Well, sanction it.", "agreed"), ("He wrote: “Right.”", "agreed"),
    ("Well, it is possible to agree.", "agreed"), ("He answered positively.", "agreed"),
    ("He answered in the affirmative.", "agreed"),
    ("He read it.", "other"), ("Discuss it at the plenum.", "other"),
]


@pytest.mark.parametrize(("text", "outcome"), OUTCOMES)
def test_outcomes(text, outcome):
    assert classify_outcome(text) == outcome


# -- answers: in notes -----------------------------------------------------------------------------------------------

ANSWERS = [  # a note's words → the outcome (None: no answer stated)
    ("Stalin agreed on August 2.", "agreed"), ("Stalin agrees.", "agreed"), ("Stalin consented.", "agreed"),
    ("Stalin approved it.", "agreed"), ("Stalin replied: “Good.”", "agreed"), ("Stalin answered: “Bad idea.”", "other"),
    ("Stalin responded the same day.", "other"), ("Stalin wrote: “Agreed.”", "agreed"), ("Stalin wrote a note.", None),
    ("Stalin objected.", "rejected"), ("Stalin abstained.", "abstained"), ("Stalin rejected it.", "rejected"),
    ("Stalin refused.", "rejected"), ("Stalin declined.", "rejected"), ("Stalin voted.", "other"),
    ("Stalin did not agree.", "rejected"), ("Stalin disagreed.", "rejected"), ("Stalin did not object.", "agreed"),
    ("Stalin gave his consent.", "agreed"), ("Stalin proposed a new plan.", None), ("Stalin suggested a change.", None),
    ("Stalin corrected it.", "amended"), ("Stalin amended it.", "amended"), ("Stalin edited it.", "amended"),
    ("Stalin made corrections.", "amended"), ("Stalin sent his reply.", "other"), ("Stalin telegraphed.", None),
    ("Stalin imposed a resolution.", "other"), ("Stalin put a resolution.", "other"), ("Stalin informed them.", None),
    ("Stalin sent a telegram.", None), ("Stalin cabled.", None), ("Stalin wired.", None),
    ("Stalin also agreed.", "agreed"), ("Stalin then objected.", "rejected"),
    ("Stalin's amendment was accepted.", "amended"), ("Stalin's amendments were taken.", "amended"),
    ("Stalin's corrections were taken.", "amended"), ("Stalin's edits were taken.", "amended"),
    ("Stalin's editing followed.", "amended"), ("Stalin's consent followed.", "agreed"),
    ("Stalin's approval followed.", "agreed"), ("Stalin's reply followed.", "other"),
    ("Stalin's answer followed.", "other"), ("Stalin's resolution followed.", "other"),
    ("Stalin's response followed.", "other"), ("Stalin's agreement followed.", "agreed"),
    ("Stalin's objection followed.", "rejected"), ("Stalin's additions followed.", "other"),
    ("Stalin's note followed.", None), ("Stalin's notes followed.", None), ("Stalin's mark followed.", None),
    ("Stalin's inscription followed.", None), ("Stalin's telegram followed.", None),
    ("Stalin's ciphered telegram followed.", None), ("Stalin's cipher followed.", None),
    ("Stalin's encryption followed.", None), ("Stalin's verdict followed.", "other"),
    ("Stalin's note: “Agree.”", "agreed"),
    # a wording that says only that he wrote: an answer when what he wrote is one
    ("Stalin proposed: “Agree.”", "agreed"), ("Stalin suggested: “Agree.”", "agreed"),
    ("Stalin telegraphed: “Agree.”", "agreed"), ("Stalin informed them: “Agree.”", "agreed"),
    ("Stalin sent a telegram: “Agree.”", "agreed"), ("Stalin cabled: “Agree.”", "agreed"),
    ("Stalin wired: “Agree.”", "agreed"), ("Stalin's notes: “Agree.”", "agreed"), ("Stalin's mark: “Agree.”", "agreed"),
    ("Stalin's inscription: “Agree.”", "agreed"), ("Stalin's telegram: “Agree.”", "agreed"),
    ("Stalin's ciphered telegram: “Agree.”", "agreed"), ("Stalin's cipher: “Agree.”", "agreed"),
    ("Stalin's encryption: “Agree.”", "agreed"),
    # of overlapping statements the higher kind: a decision over an answer, an answer over another document
    ("On August 3 Stalin's resolution of the PB was adopted.", None),
    ("The plan was amended by Stalin.", "amended"), ("The plan was corrected by Stalin.", "amended"),
    ("The plan was edited by Stalin.", "amended"), ("The plan was approved by Stalin.", "agreed"),
    ("The plan was signed by Stalin.", "other"), ("The plan was agreed to by Stalin.", "agreed"),
    ("The plan was supported by Stalin.", "other"), ("The plan was sanctioned by Stalin.", "agreed"),
    ("The plan was rejected by Stalin.", "rejected"),
    ("Molotov agreed.", None), ("Stalin's agreement was dated July 1.", None),
]


@pytest.mark.parametrize(("text", "outcome"), ANSWERS)
def test_answers_in_notes(text, outcome):
    r = note(text).response
    assert (r and r.outcome) == outcome


def test_an_answer_sent_later():
    r = note("Stalin agreed. Stalin's answer was sent on August 3 at 17 h. 40 min.").response
    assert (r.date, r.time) == ("1934-08-03", "17:40")
    r = note("Stalin agreed. His answer was sent on August 3 at 17 h. 40 min. from Sochi.").response
    assert (r.date, r.place) == ("1934-08-03", None)


def test_answer_place_date_and_quote():
    r = note("On August 3 Stalin replied from Sochi: “Agree. Begin not earlier than October 1.”").response
    assert (r.outcome, r.date, r.place, r.text) == ("agreed", "1934-08-03", "Sochi",
                                                    "Agree. Begin not earlier than October 1.")
    r = note("Stalin agreed, and the plan with Stalin's amendment was approved by the PB on August 5.").response
    assert r.date is None
    r = note("Stalin replied: “Agree, begin not earlier than October 1.”").response
    assert (r.outcome, r.date) == ("agreed", None)
    r = note("On July 20 Stalin replied: “Agree.”").response
    assert r is None  # an answer cannot precede the letter it answers


def test_another_document_or_an_answer():
    L = note("Stalin sent a telegram about the bridge.")
    assert (L.response, L.noted) == (None, [])
    assert [n.sender for n in note("On August 2 Molotov sent a telegram.").noted] == ["person/molotov"]
    # read as another document and as a dispatch: the document outranks the dispatch
    assert [n.text for n in note("Was sent a telegram on August 2.").noted] == ["Was sent a telegram on August 2"]


REPLIES = [  # a reply letter's first words → the numbers it cites and its outcome
    ("Your 121 - I agree.", ["121"], "agreed"),
    ("Your No. 121. I object.", ["121"], "rejected"),
    ("Your Nos. 118, 119 and 120 received. I object.", ["118", "119", "120"], "rejected"),
    ("Your numbers 24 and 25 are received, I agree.", ["24", "25"], "agreed"),
    ("Yours 1620/sh. Agree.", ["1620/sh"], "agreed"),
    ("Your # 7. I abstain.", ["7"], "abstained"),
    ("Your 121 received. I agree, although Molotov is against.", ["121"], "agreed"),
    ("Your Nr 7: better to wait. It is premature.", ["7"], "rejected"),
    ("Your 5th point is wrong.", [], None),
]


@pytest.mark.parametrize(("text", "cited", "outcome"), REPLIES)
def test_reply_citations(text, cited, outcome):
    L = to_kaganovich(body=(text,))
    assert ([no for _, no in L.cited_numbers], L.reply_outcome) == (cited, outcome)


def test_reply_by_date():
    L = to_kaganovich(body=("I received your letter of July 30. I agree.",))
    assert (L.cited_letters, L.reply_outcomes["letter of 1934-07-30"]) == ([(4, "1934-07-30")], ("agreed", "I agree."))


# -- decisions -------------------------------------------------------------------------------------------------------

PB_VERBS = [
    "approved", "decided", "adopted", "canceled", "cancelled", "instructed", "granted", "made a decision",
    "resolved", "confirmed", "sanctioned", "accepted", "rejected", "postponed", "appointed", "dismissed", "removed",
    "relieved", "allowed", "permitted", "authorized", "ordered", "agreed", "endorsed", "recognized", "issued",
    "passed", "charged", "obliged", "released", "established", "set up", "created", "formed", "gave", "ruled",
    "prohibited", "banned", "forbade", "sent", "voted", "took", "considered", "discussed", "heard", "reviewed",
    "returned", "annulled", "revoked", "elected", "awarded", "assigned", "entrusted", "proposed", "refused",
    "declined", "supported", "deemed", "found", "replaced", "transferred", "reduced", "increased", "extended",
    "upheld", "referred", "submitted", "forwarded", "noted", "took note", "withdrew", "changed", "amended",
    "reprimanded", "expelled", "rescinded", "suspended", "ratified", "directed", "commissioned", "set", "fixed",
    "did not approve", "left the plan of deliveries unchanged",
]


@pytest.mark.parametrize("verb", PB_VERBS)
def test_what_the_pb_did(verb):
    decisions = note(f"On August 3 the PB {verb} the question of the bridge.").decisions
    assert [d.date for d in decisions] == ["1934-08-03"]


DECISIONS = [  # a note → the dates of the decisions it states
    ("On August 3, the Politburo approved it.", ["1934-08-03"]),
    ("On August 3 the P.B. approved it.", ["1934-08-03"]),
    ("On August 3 the Political Bureau approved it.", ["1934-08-03"]),
    ("On August 3 the politburo approved it.", ["1934-08-03"]),
    ("The Politburo on August 3 approved it.", ["1934-08-03"]),
    ("The PB by poll approved it on August 3.", ["1934-08-03"]),
    ("The PB's decision of August 3.", ["1934-08-03"]),
    ("On August 3 the PB also approved it.", ["1934-08-03"]),
    ("The decision of the PB of August 3 is in the file.", ["1934-08-03"]),
    ("A resolution by the PB followed on August 3.", ["1934-08-03"]),
    ("The PB decision of August 3.", ["1934-08-03"]),
    ("See the protocol No. 12 of the PB of August 3.", ["1934-08-03"]),
    ("The minutes of the meeting of the PB of August 3.", ["1934-08-03"]),
    ("It was approved by the PB on August 3.", ["1934-08-03"]),
    ("It was adopted at a meeting of the PB on August 3.", ["1934-08-03"]),
    ("On August 1 Molotov spoke; it was approved by the PB on August 3.", ["1934-08-03"]),
    ("On August 1 Molotov spoke; it was approved by the PB, on August 3.", ["1934-08-03"]),
    ("On August 1 Molotov spoke; it was approved at the PB on August 3.", ["1934-08-01"]),
    ("It was adopted by poll of the members of the PB on August 3.", ["1934-08-03"]),
    ("It was taken off from the agenda of the PB on August 3.", ["1934-08-03"]),
    (("The PB approved it (RGASPI F. 17. Op. 3. D. 950. L. 5), on August 5 - the decision on the bridge "
     "(Ibid. L. 7)."), []),
    (("On August 3 the PB approved it (RGASPI F. 17. Op. 3. D. 950. L. 5), on August 5 - the bridge "
     "(Ibid. L. 7)."), ["1934-08-03", "1934-08-05"]),
    ("On August 3 the decision of the PB: the PB approved the plan.", ["1934-08-03"]),
    ("On August 3 the PB approved the plan. On August 3 the PB approved the plan.", ["1934-08-03"]),
    ("On August 3 the PB approved the plan, and after a long discussion of every detail the PB confirmed it.",
     ["1934-08-03"]),
    ("The PB commission met on August 3.", []),
    ("Molotov approved it on August 3.", []),
    ("The PB approved it.", []),
]


@pytest.mark.parametrize(("text", "dates"), DECISIONS)
def test_decisions(text, dates):
    assert [d.date for d in note(text).decisions] == dates


def test_decision_refs_and_publication():
    d = note("On August 3 the PB approved it (see Pravda, 4 August 1934) (RGASPI F. 17. Op. 3. D. 950. L. 5; "
             "Ibid. L. 6).").decisions[0]
    assert (d.ref.sheets, [r.sheets for r in d.more_refs], d.publication) == ("5", ["6"], "Pravda, 4 August 1934")


def test_other_documents():
    noted = note("On August 2 Molotov sent a telegram about the bridge.").noted
    assert [(n.sender, n.date) for n in noted] == [("person/molotov", "1934-08-02")]


# -- closings and addresses ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sign", "signature"), [
    ("Kaganovich.", "Kaganovich."), ("Yours L. Kaganovich.", "Yours L. Kaganovich."),
    ("Your Kaganovich!", "Your Kaganovich!"), ("Hello. Kaganovich.", "Hello. Kaganovich."),
    ("All the best. Kaganovich.", "All the best. Kaganovich."), ("I shake your hand. Kaganovich.",
                                                               "I shake your hand. Kaganovich."),
    ("Kaganovich, Molotov.", "Kaganovich, Molotov."), ("Kaganovich and Molotov.", "Kaganovich and Molotov."),
])
def test_signatures(sign, signature):
    assert letter(sign=sign).signature == signature


def test_signature_before_an_enclosure():
    L = letter(sign="Kaganovich.\nDraft decree of the PB.\nThe bridge is to be built.")
    assert (L.signature, L.signature_line) == ("Kaganovich.", 5)


def test_signed_by_the_addressee():
    from kg.parse import parse_text

    from .pages import page_text
    warnings = parse_text(page_text(sign="Stalin."), "x.txt", AUTH).warnings
    assert any("names a recipient" in str(w) for w in warnings)


@pytest.mark.parametrize(("address", "taken"), [
    ("Hello, comrade Stalin!", "Hello, comrade Stalin!"), ("Dear Koba!", "Dear Koba!"),
    ("T. Stalin.", "T. Stalin."), ("Comrade Stalin.", "Comrade Stalin."), ("To Molotov.", "To Molotov."),
    ("Sochi. Tov. Stalin.", "Sochi. Tov. Stalin."), ("Moscow. CC.", "Moscow. CC."),
    ("Moscow. Kremlin.", "Moscow. Kremlin."), ("Hello, comrades!", "Hello, comrades!"),
    ("Central Committee of the party.", "Central Committee of the party."),
])
def test_addresses(address, taken):
    assert letter(address=address).address == taken


def test_address_on_two_lines():
    L = letter(heading="Kaganovich to Stalin, Molotov August 1, 1934", address="Stalin.\nMolotov.")
    assert L.address == "Stalin.\nMolotov."
    L = letter(heading="Kaganovich to Stalin, Molotov August 1, 1934", address="Stalin.\nMolotov, we ask you.")
    assert L.address == "Stalin."
    L = letter(heading="Kaganovich to Stalin, Molotov August 1, 1934",
               address="Stalin.\nMolotov, Chubar, Mikoyan, Voroshilov and Andreev.")
    assert L.address == "Stalin.\nMolotov, Chubar, Mikoyan, Voroshilov and Andreev."


def test_a_heading_with_no_archive_line_opens_a_letter_that_addresses_its_recipient():
    assert letter(meta=(), address="T. Stalin. For the record.").address == "T. Stalin. For the record."
    from kg.parse import parse_text

    from .pages import page_text
    assert parse_text(page_text(meta=(), address="Stalin is in Sochi."), "x.txt", AUTH).letters == []


@pytest.mark.parametrize("line", ["August 1, 1934", "1 August 1934", "1.VIII.34"])
def test_datelines(line):
    assert letter(meta=(ARCHIVE_LINE, line)).dateline == line


def test_not_addresses():
    assert letter(address="Stalin.\nWe ask Molotov.").address == "Stalin."
    assert letter(address="Moscow is ready for the plan.").address is None


# -- names -----------------------------------------------------------------------------------------------------------

NAMES = [  # a sentence → the surnames it marks as persons that the authority file lacks
    ("Comrade Birman reported.", ["Birman"]), ("Comrades Birman, Zaitsev reported.", ["Birman", "Zaitsev"]),
    ("Tov. Birman reported.", ["Birman"]), ("tov. Birman reported.", ["Birman"]), ("T.T. Birman reported.", ["Birman"]),
    ("Tt. Birman reported.", ["Birman"]), ("T. Birman reported.", ["Birman"]), ("Mr. Birman came.", ["Birman"]),
    ("Mrs. Birman came.", ["Birman"]), ("Messrs. Birman came.", ["Birman"]), ("Director Dyakonov came.", ["Dyakonov"]),
    ("The engineer Birman came.", ["Birman"]), ("Professor Birman came.", ["Birman"]),
    ("Academician Birman came.", ["Birman"]), ("Ambassador Birman came.", ["Birman"]),
    ("Consul Birman came.", ["Birman"]), ("Plenipotentiary Birman came.", ["Birman"]),
    ("Prosecutor Birman came.", ["Birman"]), ("Commander Birman came.", ["Birman"]),
    ("Corps Commander Birman came.", ["Birman"]), ("Division Commander Birman came.", ["Birman"]),
    ("Comrade Birman's report.", ["Birman"]), ("Comrade A.B. Birman reported.", ["Birman"]),
    ("A.B. Zaitsev reported.", ["Zaitsev"]), ("P.S. Send me the plan.", []),
    ("Zaitsev, Petrov and Sidorov came.", ["Zaitsev", "Petrov", "Sidorov"]),
    ("Kaganovich, Zaitsev came.", ["Zaitsev"]), ("Dneprostroi, Magnitka and Kuzbass are ready.", []),
    ("Moscow, Zaitsev and Petrov.", []), ("Comrade August came.", []),
    ("Zaitsev, Petrova came.", ["Zaitsev", "Petrova"]), ("Zaitsev, Dmitrieva came.", ["Zaitsev", "Dmitrieva"]),
    ("Gorin, Gorina came.", ["Gorin", "Gorina"]), ("Gorsky, Gorski came.", ["Gorsky", "Gorski"]),
    ("Gorskaya, Gorenko came.", ["Gorskaya", "Gorenko"]), ("Gorko, Gorich came.", ["Gorko", "Gorich"]),
    ("Goruk, Goryan came.", ["Goruk", "Goryan"]), ("Gorian, Gordze came.", ["Gorian", "Gordze"]),
    ("Gorshvili, Gorikh came.", ["Gorshvili", "Gorikh"]), ("Gorman, Gorberg came.", ["Gorman", "Gorberg"]),
    ("Gorstein, Gorev came.", ["Gorstein", "Gorev"]), ("Bread, Salt and Water.", []),
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_unknown_names(text, names):
    assert unknown_names(text, AUTH, EN.names) == names


# Capitalised words that follow "Comrade" or initials but are no surnames.
NOT_NAMES = [
    "The", "This", "That", "These", "Those", "There", "Then", "In", "On", "At", "We", "It", "He", "She", "They", "I",
    "Ibid", "See", "For", "From", "To", "And", "But", "If", "As", "Of", "By", "With", "Your", "Yours", "Our", "All",
    "Central", "Committee", "Council", "People", "Party", "Soviet", "Soviets", "Union", "Republic", "Regional",
    "Territorial", "Secretary", "Chairman", "Deputy", "Commissar", "Commissariat", "Minister", "Ambassador", "Moscow",
    "Stalin", "Hello", "Dear", "Please", "No", "Vol", "Pp", "Typescript", "Autograph", "Original", "Copy", "Script",
    "Encryption", "Cipher", "Telegram", "Series", "Strictly", "Personal", "Bottom", "Further", "However", "Comrade",
    "Comrades", "Tov", "Stakhanovite", "Stakhanovites", "Commander", "Prosecutor", "Director", "Deputies", "Delegates",
    "Members", "Street", "Square", "Works", "Complete", "Collected", "Report", "Speech", "Selected", "Article",
    "Letter", "General", "Staff", "Board", "Department", "Office", "Administration", "Trust", "Plant", "Factory",
]


class KnowsNoOne:
    """An authority file with no entries: the words are no names by the wordings alone."""

    def lookup(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.parametrize("word", NOT_NAMES)
def test_not_names(word):
    assert unknown_names(f"We met Comrade {word} there. A.B. {word} too.", KnowsNoOne(), EN.names) == []


def test_mentions_of_known_and_provisional_persons():
    L = letter(body=("Comrade Birman and Molotov came.",))
    assert [(m.key, m.provisional) for m in L.mentions if m.line == 4] == [("person/molotov", False),
                                                                          ("person/birman", True)]


# -- sentences -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "asked"), [
    ("Tov. Molotov is here. Please let us know your opinion.", "Please let us know your opinion."),
    ("It is No. 5 of the plan. Please let us know your opinion.", "Please let us know your opinion."),
    ("See Op. 3 and Vol. 2. Please let us know your opinion.", "Please let us know your opinion."),
    ("A.I. Mikoyan agrees, please let us know your opinion!", "A.I. Mikoyan agrees, please let us know your opinion!"),
    ("Ready (Ibid. L. 5. Done). Please let us know your opinion.", "Please let us know your opinion."),
    ("Ready! “Please let us know your opinion.”", "“Please let us know your opinion.”"),
    ("Is it ready? 5 Please let us know your opinion.", "5 Please let us know your opinion."),
])
def test_sentences(text, asked):
    assert letter(body=(text,)).request_text == asked
