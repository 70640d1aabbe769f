"""The English edition's wordings: every pattern the parser reads it with, grouped by what it recognises.

Teaching the parser a new wording is a change here (and an example line in tests/parse/test_wordings_en.py).
"""
from __future__ import annotations

import re

from ...vocabulary import Outcome
from .base import (
    Answers,
    Closings,
    Dates,
    Decisions,
    Dispatch,
    Headings,
    Marks,
    Names,
    Numbers,
    Points,
    Requests,
    Sentences,
    Sources,
    Wordings,
    either,
)
from .common import ARCHIVE, DAY, ROMAN_DATE, ROMAN_MONTH, YEAR

AGREED, REJECTED, ABSTAINED, AMENDED, OTHER = (Outcome.AGREED, Outcome.REJECTED, Outcome.ABSTAINED, Outcome.AMENDED,
                                               Outcome.OTHER)
WEAK = None  # the wording says only that he wrote: an answer only if what he wrote is one

NAME = r"(?:[A-Z]\.\s?){0,3}[A-Z][A-Za-z'’]+(?:-[A-Z][A-Za-z'’]+)?"
SURNAME = r"(?:[A-Z]\.\s?){0,3}[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
CAPITALISED = r"[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?"
PB_NAMES = r"PB|P\.\s?B\.|Politburo|Political\s+Bureau"
LIST_SEPARATOR = r"\s*,\s*(?:and\s+)?|\s+and\s+"
NUMBER_SIGN = r"(?:No|Nr|N)\.?"


def headings() -> Headings:
    """Headings: "Stalin to Kaganovich October 3 [1934]", "Kaganovich, Molotov - Stalin October 28, 1934.",
    "Kaganovich, Molotov and other members of the PB", "Stalin to the Politburo"; run together with the archive
    line: "Stalin to Kaganovich 12 June 1932. Archive: RGASPI …"."""
    return Headings(
        split=re.compile(r"\s+(?:to|To|[-–—])\s+"),
        tail=re.compile(r"(1[89]\d\d\]?)\s*\.?\s*(?:\d{1,2}\s*\.?)?\s*$"),
        name_separator=re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*"),
        group=re.compile(r"(?:all\s+)?(?:the\s+)?(?:other\s+)?(?:members\s+of\s+(?:the\s+)?)?"
                         r"(?P<org>" + PB_NAMES + r"|Central\s+Committee)(?:\s+members)?(?:\s+of\s+the\s+\S.*)?", re.I),
        run_together=re.compile(r"^(?P<h>.+?(?:1[89]\d\d|\]))\s*[.;,]?\s*(?P<rest>(?:A\s+)?[Ss]ource\s*:.*|"
                                r"Archives?\s*:.*)$"),
    )


def sources() -> Sources:
    """Archive and edition lines: "Archive: RGASPI F. 558 …", "Source: Stalin i Kaganovich …", a wrapped
    "F. 17. Op. 3 …"; the separator "Notes:" or "———"; numbered notes "1 The PB …", "2) See: Pravda …"."""
    return Sources(
        archive_line=re.compile(r"^\s*Archives?\s*[:.;]\s*(?P<body>.*)$"),
        source_line=re.compile(r"^\s*(?:A\s+)?[Ss]ource\s*[:.]\s*(?P<body>.*)$"),
        ref_continues=re.compile(r"^\s*(?:" + ARCHIVE + r"\.?\s*)?F\s*\.\s*[A-Z]?-?\d"),
        separator=re.compile(r"^\s*(?:[_\-–—=*]{3,}|Notes?\s*:)\s*$"),
        footnote_number=re.compile(r"^\s*(?P<n>\d{1,2})\s*(?:\)|\.(?=\s))?\s*(?P<t>[A-Z“\"«(\[].*)$"),
        publication=re.compile(r"\b[Ss]ee:?\s+(?P<pub>[^()]{1,300}?)\s*(?:\)|$)"),
        publication_paren=re.compile(r"\(\s*[Ss]ee\b[^()]*\)"),
    )


_ENCRYPTION = ("encryption", "encrypted telegram", "cipher telegram", "encrypted", "ciphertext", "shifrovka",
               "coded telegram", "encrypted message", "ciphered telegram", "cryptogram")
_DIRECT_WIRE = ("direct wire note", "note by direct wire", "direct wire", "direct line note", "note on the direct wire",
                "note by the direct wire", "by direct wire", "direct wire message", "note over the direct wire")


def marks() -> Marks:
    """Forms: "Encryption.", "Cipher", "Telegram 2", "Telephone message", "Note by direct wire"; handling marks:
    "Strictly secret", "Copy", "Personal", "Special folder", "Series "K"", "Urgent", "(via Poskrebyshev)"."""
    forms = {w: "Encryption" for w in _ENCRYPTION}
    forms |= {"cipher": "Cipher", "ciphered": "Cipher", "in cipher": "Cipher", "telegram": "Telegram"}
    forms |= {w: "Telephone message" for w in ("telephone message", "telephonogram", "phone message")}
    forms |= {w: "Direct wire note" for w in _DIRECT_WIRE}
    return Marks(forms=forms, handling=(
        r"(?:(?:Strictly|Top|Completely|Absolutely|Owls\.?|Sov\.?)\s+)?secret", "Copy", "Personal", "Special folder",
        r"Series\s*[\"“«]?\s*\w\s*[\"”»]?", "Urgent", "Out of turn", "Extraordinary", "Very urgent",
        r"\((?:via|by|through)\s+[^()]{1,30}\)"))


# Each character between "forwarded" and "No." can match one way only (case-blind: "tov" is "Tov"), or the
# search backtracks exponentially on "Tov. Tov. …"; the words between may hold initials, not a full stop.
_FORWARD_GAP = r"(?:[^().]|(?<=\b[A-Z])\.|(?<=\bTov)\.){0,160}?"


def dispatch() -> Dispatch:
    """Lines: "From Sochi 5.VIII.33 at 17 h. 40 min. In. No. 1221", "Sent 2.IX.36 at 2 h.", "Received …",
    "Inc. No. 84"; notes: "was sent in code", "Sent on 5 August … from Sochi", "forwarded … as No. 129"."""
    return Dispatch(
        from_line=re.compile(r"^\s*From\s+(?P<rest>.+)$"),
        sent_line=re.compile(r"^\s*(?:Sent|Dispatched)\b\.?\s*(?P<rest>[^\n]{0,200}\d[^\n]{0,200})$"),
        received_line=re.compile(r"^\s*(?:Entered|Received|Arrived|Came)\b.{0,120}\d.*$"),
        incoming=re.compile(r"\b(?:In(?:c|coming)?|Vkh|Vh|Inbound)\.?\s*(?:No|Nr|N|#)\.?\s*(?P<n>\d+(?:\s*/\s*\w+)?)",
                            re.I),
        sent_from=re.compile(r"from\s+(?=[A-Z])"),
        place_words=re.compile(r"(?P<p>[A-Z][\w'’-]*(?:[- ][A-Z][\w'’-]*)*)"),
        place_stop=frozenset(("In", "No", "Vkh", "Inc")),
        dispatch=re.compile(
            r"\b(?:was\s+|were\s+)?sent\s+(?:in\s+code|in\s+cipher|by\s+cipher|encrypted|by\s+telegraph|by\s+telegram|"
            r"by\s+direct\s+wire|by\s+phone)|\bwas\s+sent\b|\bwas\s+(?:encrypted|ciphered|telegraphed)\b|"
            r"(?:^|(?<=[.;)]\s))sent\s+(?=on\b|from\b)|\b(?:encrypted|ciphered)\s+and\s+sent\b", re.I),
        forwarded=re.compile(r"\b(?:forwarded|transmitted|passed\s+on)\b" + _FORWARD_GAP +
                             r"\bNo\.?\s*(?P<no>\d+(?:\s*/\s*\w+)?)|\bsent\b" + _FORWARD_GAP +
                             r"\b(?:as|under)\s+No\.?\s*(?P<sent_no>\d+(?:\s*/\s*\w+)?)", re.I),
        place_from=re.compile(r"\bfrom\s+(?P<p>[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)"),
    )


def numbers() -> Numbers:
    """Secretaries' and cipher clerks' numbers: "No. 84 3/X.34", "3/X.34 No. 84", "… Stalin. Nr 29/sh. 1.IX.31",
    "1/IX 33 Stalin", "HP 118, 119 and 120", "No. 2860/sh", "HP 118-120"."""
    secretary_date = DAY + ROMAN_MONTH + YEAR + r"?\s*(?:[yg]\.?)?"
    return Numbers(
        secretary_line=re.compile(
            r"^\s*(?:" + NUMBER_SIGN + r"\s*(?P<no>\d+[\w/]*)\.?|#\s*(?P<hash>\d+)\.?)?\s*(?P<date>" + secretary_date +
            r")?(?:\s*" + NUMBER_SIGN + r"\s*(?P<no_after>\d+[\w/]*)\.?)?\s*(?:\d{1,2})?\s*\.?\s*$"),
        tail_secretary=re.compile(r"\s(?P<sec>(?:No\.?|Nr\.?|#)\s*(?P<no>\d+)\s+" + DAY + ROMAN_MONTH +
                                  r"\d{2}(?:\s*y\.?)?(?:\s*\d{1,2})?)\s*\.?\s*$"),
        tail_token=re.compile(r"(?:^|\s)(?P<tok>" + ROMAN_DATE + r"\.?\s+(?:No\.?|Nr\.?)\s*\d+\.?|(?:No\.?|Nr\.?|#)\s*"
                              r"\d+(?:\s*/\s*\d+)*(?:\s*/\s*sh)?\.?|" + ROMAN_DATE + r"\.?)(?:\s+\d{1,2})?\s*$"),
        secretary_marker=re.compile(r"^(?P<text>.*" + ROMAN_MONTH + YEAR + r"(?:\s*[yg]\.?)?)\s+(?P<m>\d{1,2})\s*\.?$"),
        lead_date=re.compile(r"^\s*(?P<date>" + ROMAN_DATE + r")\.?\s+(?P<rest>\S.*)$"),
        cipher_hp=re.compile(r"\b(?:HP|NR|Nr|H\.P\.)\s*\.?\s*(?P<n>\d{1,5}(?:\s*,\s*\d{1,5}|,?\s+and\s+\d{1,5})*)"
                             r"(?![\d/])"),
        cipher_sh=re.compile(r"\b(?:No|Nr|N|#)\.?\s*(?P<n>\d{1,6}(?:\s*/\s*\d{1,6})*\s*/\s*sh)\b\.?", re.I),
        number_lead=re.compile(r"^\s*(?:No|Nr|N\.|#)"),
        secretary_no=re.compile(r"^\s*(?:No|Nr|N|#)\.?\s*(?P<no>\d+[\w/]*)"),
        secretary_no_after=re.compile(r"\s" + NUMBER_SIGN + r"\s*(?P<no>\d+[\w/]*)\.?\s*$"),
        range_end=re.compile(r"\s*[-–]\s*(\d{1,5})\b"),
        list_separator=re.compile(LIST_SEPARATOR),
    )


# Other letters ask in the same words as Stalin's, for consent, a decision or an answer as well as an opinion.
_LET_KNOW_YOUR = r"\blet\s+(?:us|me)\s+know\s+your\s+"
_LET_KNOW_OPINION = ("opinion", "view", "views")
_SEND_YOUR = r"\b(?:provide|give|send|share|telegraph|wire)\s+(?:us\s+|me\s+)?your\s+"
_SEND_OPINION = ("opinion", r"views?")
_OPINION_QUESTIONS = (r"what\s+do\s+you\s+think", r"do\s+you\s+agree", r"are\s+you\s+(?:for|against)\b")
_TELL_OPINION = r"\btell\s+(?:us|me)\s+(?:your\s+)?(?:opinion|views?|what\s+you\s+think)"
_ASKED_FOR = (r"opinion|consent|approv\w*|agree\w*|sanction|permission|decision|introduce|allow|authori[sz]e|confirm|"
              r"instruct\w*|answer|reply|views?|telegraph|wire")


def requests() -> Requests:
    """Requests: "Let me know your opinion", "What do you think?", "Please wire your consent", "We ask for
    instructions", "Do you have any objections?"; and a proposal sent to Stalin: "We propose to …"."""
    opinion = (_LET_KNOW_YOUR + either(*_LET_KNOW_OPINION), r"\b" + either(*_OPINION_QUESTIONS),
               _SEND_YOUR + either(*_SEND_OPINION), _TELL_OPINION)
    request = (
        _LET_KNOW_YOUR + either(*_LET_KNOW_OPINION, "decision", "answer", "consent", "reply", "instructions"),
        (r"\b(?:please|kindly)\b[^.?!]{0,60}\b(?:opinion|views?|consent|answer|reply|decision|instructions?|"
        r"directives?|agreement|approval|sanction)\b"),
        r"\b(?:ask|asking|request|requesting|beg)\s+(?:for\s+)?(?:you|your)\b[^.?!]{0,80}\b(?:" + _ASKED_FOR + ")",
        r"\b(?:we|I)\s+(?:kindly\s+)?ask\s+(?:you|for)\b",
        (r"\b(?:ask|request|await|awaiting|waiting\s+for|expect)\w*\s+(?:for\s+)?your\s+(?:consent|approval|sanction|"
        r"agreement|opinion|instructions|reply|answer|decision|directives?)"),
        r"\b" + either(*_OPINION_QUESTIONS, r"do\s+you\s+(?:object|mind)", r"is\s+it\s+possible\s+to\s+agree"),
        _SEND_YOUR + either(*_SEND_OPINION, "consent", "answer", "instructions", "decision"),
        r"\bplease\s+(?:reply|answer|respond|confirm|advise|give\s+(?:your\s+)?(?:instructions|directives))\b",
        _TELL_OPINION,
        (r"\bwhat\s+is\s+your\s+opinion|\byour\s+opinion\s*\?|\bdo\s+you\s+have\s+(?:any\s+)?objections|"
        r"\bif\s+you\s+do\s+not\s+object|\bplease,?\s+approve"),
    )
    return Requests(
        opinion=tuple(re.compile(p, re.I) for p in opinion),
        request=tuple(re.compile(p, re.I) for p in request),
        proposal=re.compile(r"\b(?:we|I)\s+(?:would\s+)?(?:propose|suggest)\b|\bthis\s+proposal\s+should\s+be\s+"
                            r"(?:accepted|approved|adopted)", re.I),
    )


_ORDINALS = {"first": "1", "firstly": "1", "second": "2", "secondly": "2", "third": "3", "thirdly": "3",
             "fourth": "4", "fourthly": "4", "fifth": "5", "fifthly": "5", "sixth": "6", "seventh": "7",
             "eighth": "8", "ninth": "9", "tenth": "10"}


def points() -> Points:
    """Points a letter raises: "1. …", "2) …", "Secondly, we ask …"; a note names one: "on point 2", "item 3",
    "to the second point"."""
    ordinal = either(*_ORDINALS)
    return Points(
        numbered=re.compile(r"^\W{0,2}(?P<n>\d{1,2})\s*(?:\)|\.(?=\s|$))"),
        ordinals=_ORDINALS,
        named=re.compile(r"\b(?:point|item|paragraph|question)\s+(?:No\.?\s*)?(?P<n>\d{1,2})\b(?![./]\d)|\bthe\s+"
                         r"(?P<o>" + ordinal + r")\s+(?:point|item|paragraph|question)\b", re.I),
    )


_CITED_NO = r"\d{1,5}(?:\s*/\s*sh)?"
_NOT_ORDINAL = r"(?![\d%/.,]\d|st\b|nd\b|rd\b|th\b)"

# What a text's words say of its outcome, tried in order: the first outcome with a wording found is the answer.
OUTCOME_RULES = (
    (ABSTAINED, (r"\babstain",)),
    (AMENDED, (r"\bamend", r"\bcorrection", r"\bcorrected\b", r"\bedit(?:s|ed|ing)\b", r"\bwith\s+changes",
               r"\bwith\s+(?:the\s+following\s+|his\s+|an?\s+)?addition", r"\bagreed?,?\s+but\b",
               r"\bagreed?\.\s+But\b")),
    (AGREED, (r"\b(?:did|do|does)\s*(?:not|n't)\s+(?:object|mind)", r"\bno\s+objections?\b", r"\bnot\s+against\b")),
    (REJECTED, (r"\b(?:did|do|does)\s*(?:not|n't)\s+agree", r"\bdisagree", r"\bobject(?:ed|s|ion)?\b", r"\bagainst\b",
                r"\breject", r"\brefus", r"\bdeclin", r"\bveto", r"\bdo\s+without\b", r"\bnot\s+necessary",
                r"\bunnecessary", r"\binexpedient", r"\bpremature", r"\bshould\s+not\b", r"\bmust\s+not\b",
                r"\bbetter\s+not\b", r"\bno\s+need\b", r"\bnot\s+worth", r"[“\"«]\s*No\b",
                (r"\b(?:do|did|does|can|could)\s*(?:not|n't)\s+(?:consider\s+it\s+possible|support|accept|approve|"
                r"vote\s+for|sanction)"), r"\bimpossible\b", r"\bnegative(?:ly)?\b",
                r"\b(?:do|did)\s*(?:not|n't)\s+think\s+(?:it\s+)?(?:is\s+)?(?:necessary|possible|expedient|right|correct)",
                r"\bincorrect\b", r"\bwrong\b", r"\berroneous\b", r"\bnot\s+right\b")),
    (AGREED, (r"\bagree", r"\bconsent", r"\bapprov", r"\bI\s+am\s+for\b", r"\bwe\s+are\s+for\b", r"\bnot\s+object",
              r"\byes\b", r"\bsanction", r"[“\"«]\s*(?:For|Right|Correct|Good|Fine|Yes)\b", r"\bpositive(?:ly)?\b",
              r"\baffirmative\b")),
)

# A note's words for the addressee's answer, each with what it says of the outcome (WEAK: only that he wrote).
ANSWER_VERBS = (
    ("agreed", AGREED), ("agrees", AGREED), ("consented", AGREED), ("approved", AGREED), ("replied", OTHER),
    ("answered", OTHER), ("responded", OTHER), ("wrote", WEAK), ("objected", REJECTED), ("abstained", ABSTAINED),
    ("rejected", REJECTED), ("refused", REJECTED), ("declined", REJECTED), ("voted", OTHER),
    (r"did\s+not\s+agree", REJECTED), ("disagreed", REJECTED), (r"did\s+not\s+object", AGREED),
    (r"gave\s+(?:his\s+)?consent", AGREED), ("proposed", WEAK), ("suggested", WEAK), ("corrected", AMENDED),
    ("amended", AMENDED), ("edited", AMENDED), (r"made\s+(?:amendments|corrections)", AMENDED),
    (r"sent\s+(?:a|his)\s+(?:reply|answer)", OTHER), ("telegraphed", WEAK), ("imposed", OTHER),
    (r"put\s+a\s+resolution", OTHER), ("informed", WEAK), (r"sent\s+a\s+telegram", WEAK), ("cabled", WEAK),
    ("wired", WEAK),
)
ANSWER_NOUNS = (
    ("amendment", AMENDED), ("amendments", AMENDED), ("corrections", AMENDED), ("edits", AMENDED),
    ("editing", AMENDED), ("consent", AGREED), ("approval", AGREED), ("reply", OTHER), ("answer", OTHER),
    ("resolution", OTHER), ("response", OTHER), ("agreement", AGREED), ("objection", REJECTED), ("additions", OTHER),
    ("note", WEAK), ("notes", WEAK), ("mark", WEAK), ("inscription", WEAK), ("telegram", WEAK),
    (r"ciphered\s+telegram", WEAK), ("cipher", WEAK), ("encryption", WEAK), ("verdict", OTHER),
)
ANSWER_PASSIVES = (
    ("amended", AMENDED), ("corrected", AMENDED), ("edited", AMENDED), ("approved", AGREED), ("signed", OTHER),
    ("agreed", AGREED), ("supported", OTHER), ("sanctioned", AGREED), ("rejected", REJECTED),
)


def answers() -> Answers:
    """Answers in a reply: "Your 121 - I agree.", "Your Nos. 118, 119 received. I object.", "your letter of
    September 2"; in a note: "Stalin agreed", "Stalin's amendments", "approved by Stalin", "Stalin's answer was
    sent …"; outcomes: "I agree", "I am against", "I abstain", "agree, but …", "no objections"."""
    return Answers(
        reply_cite=re.compile(r"\b[Yy]ours?\s+(?:numbers?\s+|Nos?\.?\s*|Nr\.?\s*|#\s*)?(?P<n>" + _CITED_NO +
                              r")(?!\d|[%/.,]\d|st\b|nd\b|rd\b|th\b)(?P<more>(?:\s*(?:,|and|&)\s*(?:No\.?\s*)?" +
                              _CITED_NO +
                              r"(?![\d%/.,]\d))*)" + _NOT_ORDINAL),
        cited_no=re.compile(_CITED_NO),
        letter_cite=re.compile(r"\b[Yy]our\s+(?:letter|note)\s+(?:of|from|dated)\s+(?P<date>(?:\d{1,2}\s+)?[A-Z][a-z]+\.?"
                               r"(?:\s+\d{1,2})?(?:,?\s*1[89]\d\d)?)"),
        received=re.compile(r"(?:(?:is|are|were|have\s+been)\s+)?received\b[^.!?,;]{0,40}[.!?,;]\s*", re.I),
        answer_before=re.compile(r"\b(?:answer|reply|response)\b[^.;]{0,12}$", re.I),
        quote=re.compile(r"[“\"«]([^”\"»]+)[”\"»]?"),
        lead_verdict=(
            (REJECTED, re.compile(r"^(?:I\s+|We\s+)?(?:object\b|am\s+against|are\s+against|against\b|disagree|"
                                  r"do\s+not\s+agree|don't\s+agree|do\s+not\s+consider)", re.I)),
            (AGREED, re.compile(r"^(?:I\s+|We\s+)?(?:agree|agreed|consent|approve|am\s+for|are\s+for|for\b|"
                                r"do\s+not\s+object|don't\s+object|no\s+objection)", re.I)),
        ),
        amended_lead=re.compile(r"^(?:I\s+|We\s+)?agree(?:,?\s+but|\.\s+But\b|,?\s+with\s+(?:the\s+)?(?:amendment|"
                                r"correction|addition))", re.I),
        outcome_rules=OUTCOME_RULES, verbs=ANSWER_VERBS, nouns=ANSWER_NOUNS, passives=ANSWER_PASSIVES,
        frames=(r"\b<WHO>\s+(?:also\s+|then\s+)?(?:<WORDS>)\b", r"\b<WHO>['’]s\s+(?:<WORDS>)\b",
                r"\b(?:<WORDS>)\s+(?:to\s+)?by\s+<WHO>\b"),
    )


# What the Politburo is said to have done in a note ("the PB approved", "the PB referred the question …").
PB_VERBS = (
    "approved", "decided", "adopted", "canceled", "cancelled", "instructed", "granted", r"made\s+a\s+decision",
    "resolved", "confirmed", "sanctioned", "accepted", "rejected", "postponed", "appointed", "dismissed", "removed",
    "relieved", "allowed", "permitted", "authori[sz]ed", "ordered", "agreed", "endorsed", "recogni[sz]ed", "issued",
    "passed", "charged", "obliged", "released", "established", "created", "formed", "gave", "ruled",
    "prohibited", "banned", "forbade", "sent", "voted", "took", "considered", "discussed", "heard", "reviewed",
    "returned", "annulled", "revoked", "elected", "awarded", "assigned", "entrusted", "proposed", "refused",
    "declined", "supported", "deemed", "found", "replaced", "transferred", "reduced", "increased", "extended",
    "upheld", "referred", "submitted", "forwarded", "noted", "withdrew", "changed", "amended",
    "reprimanded", "expelled", "rescinded", "suspended", "ratified", "directed", "commissioned", "set", "fixed",
    r"did\s+not\s+(?:approve|agree|accept|adopt)",
    r"left\s+(?:the\s+|it\s+|this\s+|his\s+)?\w+(?:\s+\w+){0,6}?\s+unchanged",
)
DECISION_TRIGGERS = (
    r"\b<PB>\s+(?:also\s+|then\s+|again\s+|finally\s+)?(?:<VERBS>)\b",
    r"\b(?:decision|resolution|decree|directive)s?\s+(?:of|by)\s+(?:the\s+)?<PB>(?!\s+commission)\b",
    r"\b<PB>\s+(?:decision|resolution)s?\b",
    r"\b(?:protocol|minutes)\s+(?:No\.\s*\d+\s+)?of\s+(?:the\s+)?(?:meeting\s+of\s+the\s+)?<PB>\b",
    (r"\b(?:approved|adopted|decided|confirmed|canceled|cancelled|taken|made|passed|endorsed|sanctioned|rejected|"
    r"formalized|formalised|drawn\s+up|heard|considered|discussed|examined|reviewed)\s+(?:by|at|in)\s+(?:the\s+|a\s+)?"
    r"(?:meeting\s+of\s+the\s+)?<PB>\b"),
    (r"\b(?:adopted|approved|decided|passed)\s+by\s+(?:a\s+)?poll(?:ing)?\s+(?:of\s+)?(?:the\s+)?(?:members\s+of\s+the\s+)?"
    r"<PB>(?:\s+members)?\b"),
    r"\b(?:removed|withdrawn|taken\s+off)\s+from\s+the\s+agenda\s+of\s+(?:the\s+)?<PB>\b",
)


def decisions() -> Decisions:
    """Decisions: "The PB approved …", "the Politburo on June 16 decided …", "a decision of the PB", "approved by
    the PB by poll", "protocol No. 12 of the PB", "…, on September 22 - the decision on …"; documents: "Molotov
    sent a telegram"."""
    return Decisions(
        pb=r"(?:" + PB_NAMES + r"|politburo)(?:['’]s)?(?:,?\s+(?:on\s+[A-Z][a-z]+\s+\d{1,2}(?:,\s*\d{4})?|by\s+poll|"
           r"by\s+a\s+poll)\s*,?)?",
        verbs=PB_VERBS, triggers=DECISION_TRIGGERS,
        by_the_pb=re.compile(r"\bby\s+(?:the\s+)?(?:" + PB_NAMES + r")\b"),
        date_follows=re.compile(r"[\s,]*(?:on\s+)?"),
        continued=re.compile(r"\s*\)?\s*[,;]\s*(?:and\s+)?on\s+(?:\d{1,2}\s+)?[A-Z][a-z]+"),
        noted_doc=re.compile(r"(?P<who>" + NAME + r")\s+sent\s+(?:a|an|his)\s+(?P<kind>telegram|letter|note|"
                             r"memorandum|report|cipher|encryption|message)\b"),
        protocol={
            # "protocol No. 15, item 42", "minutes No. 15, point 42", "Protocol 15, p. 42"
            "protocol.number-and-item": re.compile(
                r"\b(?:protocol|minutes)\s+(?:No\.?\s*)?(?P<p>\d{1,4})\b[^.;()]{0,60}?\b(?:item|point|paragraph|p\.)"
                r"\s*(?:No\.?\s*)?(?P<i>\d{1,4}[a-z]?)\b", re.I),
            # "P15/42": the archive's short form, protocol 15, item 42
            "protocol.short-form": re.compile(r"(?<![\w./])P\s?(?P<p>\d{1,4})\s*/\s*(?P<i>\d{1,4}[a-z]?)\b(?![./]\d)"),
            # "item 42 of protocol No. 15"
            "protocol.item-of-protocol": re.compile(
                r"\b(?:item|point|paragraph)\s+(?:No\.?\s*)?(?P<i>\d{1,4}[a-z]?)\s+of\s+(?:the\s+)?(?:PB\s+)?"
                r"(?:protocol|minutes)\s+(?:No\.?\s*)?(?P<p>\d{1,4})\b", re.I),
        },
    )


def closings() -> Closings:
    """Closings: "Hello.", "Hearty greetings to you.", "I shake your hand" before "Yours, L. Kaganovich",
    "Kaganovich, Molotov."; an address opening "Hello, comrade Stalin!", "Dear Koba"."""
    return Closings(
        greeting_words=re.compile(r"\b(?:[Hh]ello|[Hh]ey|[Gg]reetings?|[Rr]egards|[Ww]ishes|[Hh]andshake|[Ss]alute|"
                                  r"[Ee]mbrace|shake\s+your\s+hand|[Aa]ll\s+the\s+best)\b"),
        sig_names=re.compile(r"(?P<sig>(?:(?:Yours?|Your)\s+)?" + NAME + r"(?:(?:\s*[.,]\s*|\s+)(?:and\s+)?" + NAME +
                             r")*)\s*(?:\d{1,2}\s*)?[.!]?\s*$"),
        yours=re.compile(r"^(?:Yours?|Your)\s+"),
        greeting_line=re.compile(r"^\s*(?:Hello|Dear|Greetings|Good afternoon|Hi)\b"),
    )


_POSTS = (r"[Dd]irector|[Ee]ngineer|[Pp]rofessor|[Aa]cademician|[Aa]mbassador|[Cc]onsul|[Pp]lenipotentiary|"
          r"[Pp]rosecutor|[Cc]ommander|[Cc]orps\s+[Cc]ommander|[Dd]ivision\s+[Cc]ommander")
NOT_NAMES = frozenset((
    "The", "This", "That", "These", "Those", "There", "Then", "In", "On", "At", "We", "It", "He", "She", "They",
    "Ibid", "See", "For", "From", "To", "And", "But", "If", "As", "Of", "By", "With", "Your", "Yours", "Our", "All",
    "Central", "Committee", "Council", "People", "Party", "Soviet", "Soviets", "Union", "Republic", "Regional",
    "Territorial", "Secretary", "Chairman", "Deputy", "Commissar", "Commissariat", "Minister", "Ambassador",
    "Moscow", "Stalin", "Hello", "Dear", "Please", "No", "Vol", "Pp", "Typescript", "Autograph", "Original", "Copy",
    "Script", "Encryption", "Cipher", "Telegram", "Series", "Strictly", "Personal", "Bottom", "Further", "However",
    "Comrade", "Comrades", "Tov",
    # titles and common nouns that follow "Comrade" or initials: "comrades Stakhanovites", "Stalin I.V. Works"
    "Stakhanovite", "Stakhanovites", "Commander", "Prosecutor", "Director", "Deputies", "Delegates", "Members",
    "Street", "Square", "Works", "Complete", "Collected", "Report", "Speech", "Selected", "Article", "Letter",
    "General", "Staff", "Board", "Department", "Office", "Administration", "Trust", "Plant", "Factory",
))


def names() -> Names:
    """Persons: "L.M. Kaganovich", "Comrade Birman", "Director Dyakonov", "Ambassador Yurenev", "Mikoyan, Chubar
    and Postyshev"; addresses: "T. Kaganovich.", "Moscow. Central Committee of the CPSU (b).", "Comrade Stalin"."""
    return Names(
        name=re.compile(NAME),
        name_full=re.compile(r"^" + NAME + r"$"),
        initials_and_family=re.compile(r"^((?:[A-Z]\.\s?){1,3})\s*(.+)$"),
        leading_initials=re.compile(r"^(?:[A-Z]\.\s?)+"),
        title_words=re.compile(r"\b(?:Comrades?|comrades?|Tov\.|tov\.|T\.\s?[Tt]\.|Tt\.|T\.|Mr\.|Mrs\.|Messrs\.|" +
                               _POSTS + r")\s+(?P<names>" + SURNAME + r"(?:\s*,\s*" + SURNAME + r")*)"),
        # "P.S. Send me …" is a postscript, not initials.
        initials_name=re.compile(r"(?<![\w.])(?!P\.\s?(?:P\.\s?)?S\.)(?:[A-Z]\.\s?){1,2}(?P<name>[A-Z][a-z]{2,}"
                                 r"(?:-[A-Z][a-z]+)?)\b"),
        name_list=re.compile(r"\b" + CAPITALISED + r"(?:\s*,\s*" + CAPITALISED + r")*(?:\s*,?\s+and\s+" + CAPITALISED +
                             r"|\s*,\s*" + CAPITALISED + r")"),
        name_list_separator=re.compile(LIST_SEPARATOR),
        surname_end=re.compile(r"(?:ov|ev|ova|eva|in|ina|sky|ski|skaya|enko|ko|ich|uk|yan|ian|dze|shvili|ikh|man|berg|"
                               r"stein)$"),
        possessive=re.compile(r"['’]s$"),
        not_names=NOT_NAMES,
        address_lead=re.compile(r"^(?:T\.|Tov\.|Comrade|To\b|Dear\b|[A-Z][a-z]+\.\s)"),
        address_words=re.compile(r"\b(?:Central Committee|CC|Tov\.|Comrade)\b"),
        to_person=re.compile(r"^(?:T\.|T\[\w*\]|To)\s"),
        not_address_words=re.compile(r"\b(?:ask|we|I|please)\b", re.I),
        name_list_punct=re.compile(r"[.,;]"),
    )


def sentences() -> Sentences:
    """Sentences end at ". " before a capital, but not after an initial or "Tov.", "No.", "Op.", "Ibid.", "g."."""
    return Sentences(
        sentence_end=re.compile(r"[.!?][”\"»)]*\s+(?=[A-Z“\"«(\d])"),
        abbreviation=re.compile(r"(?:\b[A-Z]|\b[a-z]|\b(?:Tov|No|Nr|Op|On|Ll|pp|Pp|Vol|vol|St|Mr|Dr|Gen|Comp|Ibid|etc|cf|"
                                r"Art|p|S|T|t|ob|g|y|mil|thous))\.$"),
        after_stop=re.compile(r"(?<=[.!])\s+"),
        after_sentence=re.compile(r"(?<=[.!?])\s+"),
        before_stop=re.compile(r"\s+([.\"”])"),
        before_capital=re.compile(r"(?<=\w)[ ](?=[A-Z])"),
    )


def dates() -> Dates:
    """Dates the editors could not give as one day: "[Between August 10 and 14, 1931]", "[Not earlier than
    October 3, 1934]", "[Not later than …]", "[Before …]", "[After …]"; "[September 9 or 10, 1936]" (one of two
    days), "October 3-4, 1934", "August 31 - September 1, 1931" (every day between)."""
    return Dates(
        qualifiers={
            "date.between": (r"between", "between"),
            "date.not-earlier-than": (r"(?:not|no)\s+earlier\s+than", "from"),
            "date.not-before": (r"not\s+before", "from"),
            "date.after": (r"after", "from"),
            "date.not-later-than": (r"(?:not|no)\s+later\s+than", "until"),
            "date.not-after": (r"not\s+after", "until"),
            "date.before": (r"before", "until"),
        },
        choice=re.compile(r"\s*or\s*", re.I),
        span=re.compile(r"\s*(?:[-–—]|and|to)\s*", re.I),
    )


def wordings() -> Wordings:
    """The English edition's wordings, all groups."""
    return Wordings(language="en", headings=headings(), sources=sources(), marks=marks(), dispatch=dispatch(),
                    numbers=numbers(), requests=requests(), points=points(), answers=answers(),
                    decisions=decisions(), closings=closings(), names=names(), sentences=sentences(), dates=dates())


EN = wordings()
