"""Source page text → typed records: letters, their references, notes, requests, responses and decisions."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import dates as D
from .archive import find_refs, parse_archive_line
from .authority import Authority, Entry, load_authority
from ..errors import SourceError
from .records import (
    ArchiveRef, Decision, Footnote, Letter, Mention, NotedDocument, Page, Response, Transmission, Warning_,
)

# ---------------------------------------------------------------------------------------------------------------
# Reading a file

MAX_BYTES = 50 * 1024 * 1024


LEGACY_ENCODINGS = ("cp1251", "koi8_r")


def read_source_detected(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of a page and the encoding it was read with (UTF-8, or Windows-1251 / KOI8-R detected)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", file=name, hint="check the path") from None
    except IsADirectoryError:
        raise SourceError("is a directory, not a page", file=name) from None
    except OSError as e:
        raise SourceError(f"cannot read: {e.strerror}", file=name) from None
    if len(data) > MAX_BYTES:
        raise SourceError(f"is {len(data) // (1024 * 1024)} MB; a page of the edition is far smaller", file=name,
                          hint=f"split it, or check it is the right file (limit {MAX_BYTES // (1024 * 1024)} MB)")
    if not data.strip():
        raise SourceError("is empty", file=name, hint="give a page of the edition")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise SourceError("starts with a UTF-16 mark but is not valid UTF-16", file=name) from None
    if b"\x00" in data[:4096]:
        raise SourceError("is a binary file, not a text page", file=name)
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise SourceError(f"unknown encoding {encoding!r}", file=name, hint="e.g. utf-8, cp1251, koi8-r") from None
        except UnicodeDecodeError as e:
            line = data[:e.start].count(b"\n") + 1
            raise SourceError(f"cannot be decoded as {encoding}", file=name, line=line) from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        bad_line = data[:e.start].count(b"\n") + 1
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or not _looks_like_text(str(best)):
        raise SourceError("is not valid UTF-8, and reads as neither Windows-1251 nor KOI8-R text", file=name,
                          line=bad_line, hint="give its encoding with --encoding, e.g. --encoding cp1251")
    return str(best), best.encoding


def _looks_like_text(text: str) -> bool:
    """Mostly letters, digits, spaces and punctuation: not a binary file that happened to decode."""
    sample = text[:20000]
    if not sample:
        return False
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t")
    return printable / len(sample) > 0.97


def split_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    text = text.replace("N°", "No.").replace("№", "No.")
    return text.split("\n")


# ---------------------------------------------------------------------------------------------------------------
# Line shapes

NAME = r"(?:[A-Z]\.\s?){0,3}[A-Z][A-Za-z'’]+(?:-[A-Z][A-Za-z'’]+)?"
_NAME = re.compile(NAME)
_NAME_FULL = re.compile(r"^" + NAME + r"$")
_INITIALS_AND_FAMILY = re.compile(r"^((?:[A-Z]\.\s?){1,3})\s*(.+)$")
_LEADING_INITIALS = re.compile(r"^(?:[A-Z]\.\s?)+")
_SPACES = re.compile(r"\s+")
_HEADING_SPLIT = re.compile(r"\s+(?:to|To|[-–—])\s+")
RUN_TOGETHER = re.compile(r"^(?P<h>.+?(?:1[89]\d\d|\]))\s*[.;,]?\s*(?P<rest>(?:A\s+)?[Ss]ource\s*:.*|Archives?\s*:.*)$")
ARCHIVE_LINE = re.compile(r"^\s*Archives?\s*[:.;]\s*(?P<body>.*)$")
SOURCE_LINE = re.compile(r"^\s*(?:A\s+)?[Ss]ource\s*[:.]\s*(?P<body>.*)$")
SEPARATOR = re.compile(r"^\s*(?:[_\-–—=*]{3,}|Notes?\s*:)\s*$")
FORMS = {
    "encryption": "Encryption", "encrypted telegram": "Encryption", "cipher telegram": "Encryption",
    "encrypted": "Encryption", "ciphertext": "Encryption", "shifrovka": "Encryption", "coded telegram": "Encryption",
    "encrypted message": "Encryption", "ciphered telegram": "Encryption", "cryptogram": "Encryption",
    "cipher": "Cipher", "ciphered": "Cipher", "in cipher": "Cipher",
    "telegram": "Telegram",
    "telephone message": "Telephone message", "telephonogram": "Telephone message", "phone message": "Telephone message",
    "direct wire note": "Direct wire note", "note by direct wire": "Direct wire note", "direct wire": "Direct wire note",
    "direct line note": "Direct wire note", "note on the direct wire": "Direct wire note",
    "note by the direct wire": "Direct wire note", "by direct wire": "Direct wire note",
    "direct wire message": "Direct wire note", "note over the direct wire": "Direct wire note",
}
HANDLING = re.compile(
    r"^\s*(?P<h>(?:(?:Strictly|Top|Completely|Absolutely|Owls\.?|Sov\.?)\s+)?secret|Copy|Personal|Special folder|"
    r"Series\s*[\"“«]?\s*\w\s*[\"”»]?|Urgent|Out of turn|Extraordinary|Very urgent|"
    r"\((?:via|by|through)\s+[^()]{1,30}\))\s*\.?\s*$", re.I)
FORM_LINE = re.compile(r"^\s*(?P<f>" + "|".join(sorted(FORMS, key=len, reverse=True)) + r")\s*\.?\s*(?:\d{1,2}\s*\.?)?\s*$",
                       re.I)
FROM_LINE = re.compile(r"^\s*From\s+(?P<rest>.+)$")
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def _number_list(text: str) -> list[str]:
    """The numbers of "118, 119 and 120"."""
    return [_squeeze(x) for x in _LIST_SEPARATOR.split(text) if x.strip()]


REF_CONTINUES = re.compile(r"^\s*(?:(?:RGASPI|APRF|AP RF|GARF|RGAE|RGVA|AVP RF)\.?\s*)?F\s*\.\s*[A-Z]?-?\d")
SENT_LINE = re.compile(r"^\s*(?:Sent|Dispatched)\b\.?\s*(?P<rest>[^\n]{0,200}\d[^\n]{0,200})$")
RECEIVED_LINE = re.compile(r"^\s*(?:Entered|Received|Arrived|Came)\b.{0,120}\d.*$")
INCOMING = re.compile(r"\b(?:In(?:c|coming)?|Vkh|Vh|Inbound)\.?\s*(?:No|Nr|N|#)\.?\s*(?P<n>\d+(?:\s*/\s*\w+)?)", re.I)
SECRETARY_LINE = re.compile(
    r"^\s*(?:(?:No|Nr|N)\.?\s*(?P<no>\d+[\w/]*)\.?|#\s*(?P<hash>\d+)\.?)?\s*(?P<date>\d{1,2}\s*[/.]\s*[IVX]+\s*[-./ ]?\s*(?:\d{2}|1[89]\d\d)?\s*(?:y\.?|g\.?)?)?"
    # or the number after the date: "3/X.34 No. 84"
    r"(?:\s*(?:No|Nr|N)\.?\s*(?P<no_after>\d+[\w/]*)\.?)?"
    r"\s*(?:\d{1,2})?\s*\.?\s*$")
TAIL_SECRETARY = re.compile(
    r"\s(?P<sec>(?:No\.?|Nr\.?|#)\s*(?P<no>\d+)\s+\d{1,2}\s*[/.]\s*[IVX]+\s*[-./ ]?\s*\d{2}(?:\s*y\.?)?(?:\s*\d{1,2})?)\s*\.?\s*$")
_ROMAN_DATE_TOKEN = r"\d{1,2}\s*[/.]\s*[IVX]+\s*[-./ ]?\s*(?:\d{2}|1[89]\d\d)(?:\s*[yg]\.?)?"
TAIL_TOKEN = re.compile(
    r"(?:^|\s)(?P<tok>" + _ROMAN_DATE_TOKEN + r"\.?\s+(?:No\.?|Nr\.?)\s*\d+\.?|(?:No\.?|Nr\.?|#)\s*\d+(?:\s*/\s*\d+)*"
    r"(?:\s*/\s*sh)?\.?|" + _ROMAN_DATE_TOKEN + r"\.?)(?:\s+\d{1,2})?\s*$")
_SECRETARY_MARKER = re.compile(
    r"^(?P<text>.*[IVX]+\s*[-./ ]?\s*(?:\d{2}|1[89]\d\d)(?:\s*[yg]\.?)?)\s+(?P<m>\d{1,2})\s*\.?$")
LEAD_DATE = re.compile(r"^\s*(?P<date>" + _ROMAN_DATE_TOKEN + r")\.?\s+(?P<rest>\S.*)$")
GREETING_WORDS = re.compile(r"\b(?:[Hh]ello|[Hh]ey|[Gg]reetings?|[Rr]egards|[Ww]ishes|[Hh]andshake|[Ss]alute|[Ee]mbrace|"
                            r"shake\s+your\s+hand|[Aa]ll\s+the\s+best)\b")
SIG_NAMES = re.compile(
    r"(?P<sig>(?:(?:Yours?|Your)\s+)?" + NAME + r"(?:(?:\s*[.,]\s*|\s+)(?:and\s+)?" + NAME + r")*)\s*(?:\d{1,2}\s*)?[.!]?\s*$")
CIPHER_HP = re.compile(r"\b(?:HP|NR|Nr|H\.P\.)\s*\.?\s*(?P<n>\d{1,5}(?:\s*,\s*\d{1,5}|,?\s+and\s+\d{1,5})*)(?![\d/])")
CIPHER_SH = re.compile(r"\b(?:No|Nr|N|#)\.?\s*(?P<n>\d{1,6}(?:\s*/\s*\d{1,6})*\s*/\s*sh)\b\.?", re.I)
LETTER_CITE = re.compile(r"\b[Yy]our\s+(?:letter|note)\s+(?:of|from|dated)\s+(?P<date>(?:\d{1,2}\s+)?[A-Z][a-z]+\.?"
                         r"(?:\s+\d{1,2})?(?:,?\s*1[89]\d\d)?)")
_CITED_NO = re.compile(r"\d{1,5}(?:\s*/\s*sh)?")
# "Your 121", "Your No. 1620/sh", and several at once: "Your Nos. 118, 119", "Your numbers 24 and 25".
REPLY_CITE = re.compile(
    r"\b[Yy]ours?\s+(?:numbers?\s+|Nos?\.?\s*|Nr\.?\s*|#\s*)?(?P<n>" + _CITED_NO.pattern + r")(?!\d|[%/.,]\d|st\b|nd\b|rd\b|th\b)"
    r"(?P<more>(?:\s*(?:,|and|&)\s*(?:No\.?\s*)?" + _CITED_NO.pattern + r"(?![\d%/.,]\d))*)"
    r"(?![\d%/.,]\d|st\b|nd\b|rd\b|th\b)")
FOOTNOTE_NUM = re.compile(r"^\s*(?P<n>\d{1,2})\s*(?:\)|\.(?=\s))?\s*(?P<t>[A-Z“\"«(\[].*)$")
GREETING_LINE = re.compile(r"^\s*(?:Hello|Dear|Greetings|Good afternoon|Hi)\b")
_ADDRESS_LEAD = re.compile(r"^(?:T\.|Tov\.|Comrade|To\b|Dear\b|[A-Z][a-z]+\.\s)")
_ADDRESS_WORDS = re.compile(r"\b(?:Central Committee|CC|Tov\.|Comrade)\b")
_TO_PERSON = re.compile(r"^(?:T\.|T\[\w*\]|To)\s")
_NOT_ADDRESS_WORDS = re.compile(r"\b(?:ask|we|I|please)\b", re.I)
_SPACE_BEFORE_STOP = re.compile(r"\s+([.\"”])")
_SENT_FROM = re.compile(r"from\s+(?=[A-Z])")
_PLACE_WORDS = re.compile(r"(?P<p>[A-Z][\w'’-]*(?:[- ][A-Z][\w'’-]*)*)")
_SPACE_BEFORE_CAPITAL = re.compile(r"(?<=\w)[ ](?=[A-Z])")
_SPACE_AFTER_STOP = re.compile(r"(?<=[.!])\s+")
_SPACE_AFTER_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_NAME_LIST_PUNCT = re.compile(r"[.,;]")
_DIGIT = re.compile(r"\d")
_NUMBER_LEAD = re.compile(r"^\s*(?:No|Nr|N\.|#)")
_SECRETARY_NO = re.compile(r"^\s*(?:No|Nr|N|#)\.?\s*(?P<no>\d+[\w/]*)")
_SECRETARY_NO_AFTER = re.compile(r"\s(?:No|Nr|N)\.?\s*(?P<no>\d+[\w/]*)\.?\s*$")
_YOURS = re.compile(r"^(?:Yours?|Your)\s+")
_RANGE_END = re.compile(r"\s*[-–]\s*(\d{1,5})\b")

# Stalin decides; a letter of his asks something only when it asks the addressee's opinion.
DECIDER = "person/stalin"


def _either(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Other letters ask in the same words as Stalin's, for consent, a decision or an answer as well as an opinion.
_LET_KNOW_YOUR = r"\blet\s+(?:us|me)\s+know\s+your\s+"
_LET_KNOW_OPINION = ("opinion", "view", "views")
_SEND_YOUR = r"\b(?:provide|give|send|share|telegraph|wire)\s+(?:us\s+|me\s+)?your\s+"
_SEND_OPINION = ("opinion", r"views?")
_OPINION_QUESTIONS = (r"what\s+do\s+you\s+think", r"do\s+you\s+agree", r"are\s+you\s+(?:for|against)\b")
_TELL_OPINION = r"\btell\s+(?:us|me)\s+(?:your\s+)?(?:opinion|views?|what\s+you\s+think)"
OPINION_PATTERNS = [re.compile(p, re.I) for p in (
    _LET_KNOW_YOUR + _either(*_LET_KNOW_OPINION),
    r"\b" + _either(*_OPINION_QUESTIONS),
    _SEND_YOUR + _either(*_SEND_OPINION),
    _TELL_OPINION,
)]
REQUEST_PATTERNS = [re.compile(p, re.I) for p in (
    _LET_KNOW_YOUR + _either(*_LET_KNOW_OPINION, "decision", "answer", "consent", "reply", "instructions"),
    r"\b(?:please|kindly)\b[^.?!]{0,60}\b(?:opinion|views?|consent|answer|reply|decision|instructions?|directives?|agreement|approval|sanction)\b",
    r"\b(?:ask|asking|request|requesting|beg)\s+(?:for\s+)?(?:you|your)\b[^.?!]{0,80}\b(?:opinion|consent|approv\w*|agree\w*|sanction|permission|decision|introduce|allow|authori[sz]e|confirm|instruct\w*|answer|reply|views?|telegraph|wire)",
    r"\b(?:we|I)\s+(?:kindly\s+)?ask\s+(?:you|for)\b",
    r"\b(?:ask|request|await|awaiting|waiting\s+for|expect)\w*\s+(?:for\s+)?your\s+(?:consent|approval|sanction|agreement|opinion|instructions|reply|answer|decision|directives?)",
    r"\b" + _either(*_OPINION_QUESTIONS, r"do\s+you\s+(?:object|mind)", r"is\s+it\s+possible\s+to\s+agree"),
    _SEND_YOUR + _either(*_SEND_OPINION, "consent", "answer", "instructions", "decision"),
    r"\bwe\s+are\s+waiting\s+for\s+your\s+(?:reply|answer|decision|instructions|opinion)",
    r"\bplease\s+(?:reply|answer|respond|confirm|advise|give\s+(?:your\s+)?(?:instructions|directives))\b",
    _TELL_OPINION,
    r"\b(?:we|I)\s+ask\s+for\s+(?:instructions|directives|permission|consent|sanction|approval)",
    r"\bwhat\s+is\s+your\s+opinion|\byour\s+opinion\s*\?|\bdo\s+you\s+have\s+(?:any\s+)?objections|"
    r"\bif\s+you\s+do\s+not\s+object|\bplease,?\s+approve",
)]
PROPOSAL = re.compile(
    r"\b(?:we|I)\s+(?:would\s+)?(?:propose|suggest)\b|\bthis\s+proposal\s+should\s+be\s+(?:accepted|approved|adopted)", re.I)

# Note statements
PB = r"(?:PB|P\.\s?B\.|Politburo|politburo|Political Bureau)(?:['’]s)?(?:,?\s+(?:on\s+[A-Z][a-z]+\s+\d{1,2}(?:,\s*\d{4})?|by\s+poll|by\s+a\s+poll)\s*,?)?"
# What the Politburo is said to have done in a note ("the PB approved", "the PB referred the question …").
PB_VERBS = (
    "approved", "decided", "adopted", "canceled", "cancelled", "instructed", "granted", r"made\s+a\s+decision",
    "resolved", "confirmed", "sanctioned", "accepted", "rejected", "postponed", "appointed", "dismissed", "removed",
    "relieved", "allowed", "permitted", "authori[sz]ed", "ordered", "agreed", "endorsed", "recogni[sz]ed", "issued",
    "passed", "charged", "obliged", "released", "established", r"set\s+up", "created", "formed", "gave", "ruled",
    "prohibited", "banned", "forbade", "sent", "voted", "took", "considered", "discussed", "heard", "reviewed",
    "returned", "annulled", "revoked", "elected", "awarded", "assigned", "entrusted", "proposed", "refused",
    "declined", "supported", "deemed", "found", "replaced", "transferred", "reduced", "increased", "extended",
    "upheld", "referred", "submitted", "forwarded", "noted", r"took\s+note", "withdrew", "changed", "amended",
    "reprimanded", "expelled", "rescinded", "suspended", "ratified", "directed", "commissioned", "set", "fixed",
    r"did\s+not\s+(?:approve|agree|accept|adopt)", r"left\s+(?:the\s+|it\s+|this\s+|his\s+)?\w+(?:\s+\w+){0,6}?\s+unchanged",
)
DECISION_TRIGGERS = [re.compile(p) for p in (
    r"\b" + PB + r"\s+(?:also\s+|then\s+|again\s+|finally\s+)?(?:" + "|".join(PB_VERBS) + r")\b",
    r"\b(?:decision|resolution|decree|directive)s?\s+(?:of|by)\s+(?:the\s+)?" + PB + r"(?!\s+commission)\b",
    r"\b" + PB + r"\s+(?:decision|resolution)s?\b",
    r"\b(?:protocol|minutes)\s+(?:No\.\s*\d+\s+)?of\s+(?:the\s+)?(?:meeting\s+of\s+the\s+)?" + PB + r"\b",
    r"\b(?:approved|adopted|decided|confirmed|canceled|cancelled|taken|made|passed|endorsed|sanctioned|rejected|"
    r"formalized|formalised|drawn\s+up|heard|considered|discussed|examined|reviewed)\s+(?:by|at|in)\s+(?:the\s+|a\s+)?"
    r"(?:meeting\s+of\s+the\s+)?" + PB + r"\b",
    r"\b(?:adopted|approved|decided|passed)\s+by\s+(?:a\s+)?poll(?:ing)?\s+(?:of\s+)?(?:the\s+)?(?:members\s+of\s+the\s+)?"
    + PB + r"(?:\s+members)?\b",
    r"\b(?:removed|withdrawn|taken\s+off)\s+from\s+the\s+agenda\s+of\s+(?:the\s+)?" + PB + r"\b",
)]
DISPATCH = re.compile(r"\b(?:was\s+|were\s+)?sent\s+(?:in\s+code|in\s+cipher|by\s+cipher|encrypted|by\s+telegraph|by\s+telegram|"
                      r"by\s+direct\s+wire|by\s+phone)|\bwas\s+sent\b|\bwas\s+(?:encrypted|ciphered|telegraphed)\b|"
                      # a sentence of its own: "Sent on 5 August at 17 h. 40 min. from Sochi in code."
                      r"(?:^|(?<=[.;)]\s))sent\s+(?=on\b|from\b)|\b(?:encrypted|ciphered)\s+and\s+sent\b", re.I)
# "forwarded … as No. 129", "forwarded the text to I.V. Stalin in Sochi as No. 1457", "sent … under No. 211":
# the words between may hold initials and "Tov.", not a full stop that ends the sentence.
# Each character can match one way only (FORWARDED is case-blind: "tov" is "Tov"), or the search backtracks
# exponentially on "Tov. Tov. …".
_FORWARD_GAP = r"(?:[^().]|(?<=\b[A-Z])\.|(?<=\bTov)\.){0,160}?"
FORWARDED = re.compile(r"\b(?:forwarded|transmitted|passed\s+on)\b" + _FORWARD_GAP + r"\bNo\.?\s*(?P<no>\d+(?:\s*/\s*\w+)?)|"
                       r"\bsent\b" + _FORWARD_GAP + r"\b(?:as|under)\s+No\.?\s*(?P<sent_no>\d+(?:\s*/\s*\w+)?)", re.I)
NOTED_DOC = re.compile(
    r"(?P<who>" + NAME + r")\s+sent\s+(?:a|an|his)\s+(?P<kind>telegram|letter|note|memorandum|report|cipher|"
    r"encryption|message)\b")
PUBLICATION = re.compile(r"\b[Ss]ee:?\s+(?P<pub>[^()]{1,300}?)\s*(?:\)|$)")
PLACE_FROM = re.compile(r"\bfrom\s+(?P<p>[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)")
QUOTE = re.compile(r"[“\"«]([^”\"»]+)[”\"»]?")

OUTCOME_RULES = [
    ("abstained", re.compile(r"\babstain", re.I)),
    ("amended", re.compile(r"\bamend|\bcorrection|\bcorrected\b|\bedit(?:s|ed|ing)\b|\bwith\s+changes|"
                           r"\bwith\s+(?:the\s+following\s+|his\s+|an?\s+)?addition|\bagreed?,?\s+but\b|\bagreed?\.\s+But\b", re.I)),
    ("agreed", re.compile(r"\b(?:did|do|does)\s*(?:not|n't)\s+(?:object|mind)|\bno\s+objections?\b|\bnot\s+against\b", re.I)),
    ("rejected", re.compile(r"\b(?:did|do|does)\s*(?:not|n't)\s+agree|\bdisagree|\bobject(?:ed|s|ion)?\b|\bagainst\b|\breject|"
                            r"\brefus|\bdeclin|\bveto|\bdo\s+without\b|\bnot\s+necessary|\bunnecessary|\binexpedient|"
                            r"\bpremature|\bshould\s+not\b|\bmust\s+not\b|\bbetter\s+not\b|\bno\s+need\b|\bnot\s+worth|"
                            r"[“\"«]\s*No\b|\b(?:do|did|does|can|could)\s*(?:not|n't)\s+(?:consider\s+it\s+possible|support|"
                            r"accept|approve|vote\s+for|sanction)|\bimpossible\b|\bnegative(?:ly)?\b|"
                            r"\b(?:do|did)\s*(?:not|n't)\s+think\s+(?:it\s+)?(?:is\s+)?(?:necessary|possible|expedient|right|correct)|"
                            r"\bincorrect\b|\bwrong\b|\berroneous\b|\bnot\s+right\b",
                            re.I)),
    ("agreed", re.compile(r"\bagree|\bconsent|\bapprov|\bI\s+am\s+for\b|\bwe\s+are\s+for\b|\bnot\s+object|\byes\b|"
                          r"\bsanction|[“\"«]\s*(?:For|Right|Correct|Good|Fine|Yes)\b|\bpossible\s+to\s+agree|\bpositive(?:ly)?\b|"
                          r"\baffirmative\b", re.I)),
]


_CONTINUED = re.compile(r"\s*\)?\s*[,;]\s*(?:and\s+)?on\s+(?:\d{1,2}\s+)?[A-Z][a-z]+")
# "Your 2 and 3 received. I agree with Mikoyan.": the answer follows the receipt
_RECEIVED = re.compile(r"(?:(?:is|are|were|have\s+been)\s+)?received\b[^.!?,;]{0,40}[.!?,;]\s*", re.I)
_ANSWER_BEFORE = re.compile(r"\b(?:answer|reply|response)\b[^.;]{0,12}$", re.I)
_BY_THE_PB = re.compile(r"\bby\s+(?:the\s+)?(?:PB|P\.\s?B\.|Politburo|Political Bureau)\b")
_DATE_FOLLOWS = re.compile(r"[\s,]*(?:on\s+)?")
_AMENDED_LEAD = re.compile(r"^(?:I\s+|We\s+)?agree(?:,?\s+but|\.\s+But\b|,?\s+with\s+(?:the\s+)?(?:amendment|correction|addition))",
                           re.I)
_WEAK_ANSWER = re.compile(r"\b(?:wrote|informed|proposed|suggested|telegraphed|cabled|wired|sent\s+a\s+telegram|"
                          r"note|notes|mark|inscription|telegram|cipher|encryption)\b")
_AMENDED = next(rx for outcome, rx in OUTCOME_RULES if outcome == "amended")


def note_outcome(trigger: str, sentence: str, quote: str | None) -> str:
    """A note's answer: amendments first, then the verb ("Stalin agreed"), then what he wrote."""
    if _AMENDED.search(sentence):
        return "amended"
    by_verb = classify_outcome(trigger)
    return by_verb if by_verb != "other" else classify_outcome(quote or sentence)


LEAD_VERDICT = [
    ("abstained", re.compile(r"^(?:I\s+|We\s+)?abstain", re.I)),
    ("rejected", re.compile(r"^(?:I\s+|We\s+)?(?:object\b|am\s+against|are\s+against|against\b|disagree|"
                            r"do\s+not\s+agree|don't\s+agree|do\s+not\s+consider)", re.I)),
    ("agreed", re.compile(r"^(?:I\s+|We\s+)?(?:agree|agreed|consent|approve|am\s+for|are\s+for|for\b|"
                          r"do\s+not\s+object|don't\s+object|no\s+objection)", re.I)),
]


def classify_outcome(text: str) -> str:
    """The outcome a text states: its first words decide ("I agree with the protest against …"), else keywords."""
    lead = text.lstrip(" “\"«.:-–—")
    for outcome, rx in LEAD_VERDICT:
        if rx.match(lead) and not _AMENDED_LEAD.match(lead):
            return outcome
    for outcome, rx in OUTCOME_RULES:
        if rx.search(text):
            return outcome
    return "other"


# ---------------------------------------------------------------------------------------------------------------
# Headings


@dataclass(frozen=True)
class Heading:
    authors: list[str]
    recipients: list[str]  # persons
    date: D.HeadingDate
    groups: list[str] = field(default_factory=list)  # bodies addressed: "other members of the PB"


_HEADING_TAIL = re.compile(r"(1[89]\d\d\]?)\s*\.?\s*(?:\d{1,2}\s*\.?)?\s*$")
_HEADING_NAME_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")


# A body addressed beside or instead of persons: "Kaganovich, Molotov and other members of the PB",
# "Stalin to the Politburo", "to members of the Central Committee".
_GROUP = re.compile(r"(?:all\s+)?(?:the\s+)?(?:other\s+)?(?:members\s+of\s+(?:the\s+)?)?"
                    r"(?P<org>PB|P\.\s?B\.|Politburo|Political\s+Bureau|Central\s+Committee)(?:\s+members)?"
                    r"(?:\s+of\s+the\s+\S.*)?", re.I)


def _parts(text: str) -> list[str]:
    return [p.strip(" .") for p in _HEADING_NAME_SEPARATOR.split(text.strip()) if p.strip(" .")]


def _names(text: str) -> list[str] | None:
    parts = _parts(text)
    if not parts or not all(_NAME_FULL.match(p) for p in parts):
        return None
    return parts


def _addressees(text: str) -> tuple[list[str], list[str]] | None:
    """The persons and the bodies a heading addresses; None unless every part is one or the other."""
    persons, groups = [], []
    for p in _parts(text):
        if _NAME_FULL.match(p):
            persons.append(p)
        elif _GROUP.fullmatch(p):
            groups.append(p)
        else:
            return None
    return (persons, groups) if persons or groups else None


@lru_cache(maxsize=4096)
def parse_heading(line: str) -> Heading | None:
    """A letter heading: "A, B to C October 3 [1934]" or "A - B, C October 28, 1934"."""
    line = _HEADING_TAIL.sub(r"\1", line)  # "…, 1934." or "…, 1934 1": a full stop or a note marker
    date = D.parse_heading_date(line)
    if date is None:
        return None
    prefix = line[: line.rfind(date.as_written)].strip()
    m = _HEADING_SPLIT.search(prefix)
    if not m:
        return None
    authors, addressees = _names(prefix[: m.start()]), _addressees(prefix[m.end():])
    if not authors or not addressees:
        return None
    return Heading(authors, addressees[0], date, addressees[1])


# ---------------------------------------------------------------------------------------------------------------
# The page


class PageParser:
    """Parses one page; the authority file resolves the names it finds."""

    def __init__(self, authority: Authority, source: str):
        self.auth = authority
        self.source = source
        self.warnings: list[Warning_] = []
        self.roles: dict[int, str] = {}
        self.unclear: dict[int, str] = {}  # line → why it was not understood

    def not_understood(self, line: int, why: str) -> None:
        self.unclear[line] = why
        self.warn(line, f"not understood: {why}")

    def warn(self, line: int, message: str) -> None:
        w = Warning_(self.source, line, message)
        if w not in self.warnings:
            self.warnings.append(w)

    def parse(self, raw: list[str]) -> tuple[list[tuple[int, str]], list[Letter]]:
        # Logical lines: a heading run together with its archive line becomes two lines of one number.
        lines: list[str] = []
        self.nums: list[int] = []
        for k, text in enumerate(raw, 1):
            m = RUN_TOGETHER.match(text.strip()) if len(text) < 400 else None
            if m and parse_heading(m.group("h")):
                lines += [m.group("h"), m.group("rest")]
                self.nums += [k, k]
            else:
                lines.append(text)
                self.nums.append(k)
        starts = [i for i, text in enumerate(lines) if self._is_heading(lines, i)]
        preamble = [(self.nums[i], lines[i].strip()) for i in range(starts[0] if starts else len(lines))
                    if lines[i].strip()]
        for n, t in preamble:
            self.roles[n] = "title" if parse_heading(t) else "preamble"
        letters = []
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(lines)
            letters.append(self._letter(lines, s, e))
        self._stray_archive_lines(lines, {L.archive_line for L in letters})
        return preamble, letters

    def _stray_archive_lines(self, lines: list[str], opening: set[int | None]) -> None:
        # An archive line opens a letter; one that opens none means the heading above it was not read, and
        # its letter went into the one before: say so rather than lose it.
        for i, text in enumerate(lines):
            n = self.nums[i]
            if n not in opening and self.roles.get(n) != "archive" and ARCHIVE_LINE.match(text.strip()):
                above = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
                self.not_understood(n, f"an archive line that opens no letter; is the line above ({above[:80]!r}) "
                                       "a heading in a layout not read?")

    def _is_heading(self, lines: list[str], i: int) -> bool:
        if parse_heading(lines[i].strip()) is None:
            return False
        # A heading opens a letter when an archive or source line follows it; else it is a title,
        # unless the next line addresses the heading's recipient ("T. Kaganovich. For memory.").
        seen = 0
        for j in range(i + 1, min(len(lines), i + 8)):
            t = lines[j].strip()
            if not t:
                continue
            if ARCHIVE_LINE.match(t) or SOURCE_LINE.match(t):
                return True
            if seen == 0 and self._addresses_recipient(lines[i].strip(), t):
                return True
            seen += 1
            if seen >= 3 or parse_heading(t):
                return False
        return False

    def _addresses_recipient(self, heading: str, line: str) -> bool:
        h = parse_heading(heading)
        if h is None or h.date.iso is None or len(h.date.iso) != 10 or len(line) > 160:
            return False
        if GREETING_LINE.match(line):
            return True
        keys = {m.entry.key for m in self.auth.find(line[:80]) if m.entry.kind == "person"}
        recipients = {e.key for n in h.recipients if (e := self.auth.lookup(n.split()[-1], kind="person"))}
        return bool(keys & recipients) and bool(_ADDRESS_LEAD.match(line))

    # -- one letter -----------------------------------------------------------------------------------------------

    def _letter(self, lines: list[str], s: int, e: int) -> Letter:
        heading_text = lines[s].strip()
        h = parse_heading(heading_text)
        assert h is not None
        body_end = e
        while body_end > s + 1 and not lines[body_end - 1].strip():
            body_end -= 1
        L = Letter(source=self.source, line=self.nums[s], end_line=self.nums[body_end - 1], heading=heading_text,
                   authors=list(h.authors), recipients=list(h.recipients), date=h.date.iso,
                   date_as_written=h.date.as_written, date_editorial=h.date.editorial)
        self.roles[self.nums[s]] = "heading"
        if h.date.iso is None:
            self.warn(self.nums[s], f"heading date {h.date.as_written!r} is not a calendar date")
        L.author_keys = [self._person_key(n, self.nums[s]) for n in h.authors]
        L.recipient_keys = [self._person_key(n, self.nums[s]) for n in h.recipients]
        L.recipient_groups = list(h.groups)
        L.recipient_group_keys = [self._group_key(g, self.nums[s]) for g in h.groups]

        i = s + 1
        # Metadata block: source, archive, form and handling, dateline, transmission.
        while i < e:
            t = lines[i].strip()
            n = self.nums[i]
            if not t:
                i += 1
                continue
            if (m := SOURCE_LINE.match(t)) and L.edition is None:
                L.edition, L.edition_line = m.group("body").strip(), n
                self.roles[n] = "source"
            elif (m := ARCHIVE_LINE.match(t)) and not L.archive_refs:
                L.archive_line = n
                L.archive_refs = parse_archive_line(m.group("body"), n)
                self.roles.setdefault(n, "archive")
                if not L.archive_refs:
                    self.not_understood(n, "archive line names no archive, fond, file or sheet")
            elif L.archive_refs and REF_CONTINUES.match(t) and self.roles.get(
                    next((self.nums[j] for j in range(i - 1, s, -1) if lines[j].strip()), None)) == "archive":
                # the archive line wrapped: "F. 558. Op. 11. D. 40. L. 30. Autograph of Kaganovich."
                L.archive_refs += parse_archive_line(t, n, L.archive_refs[-1])
                self.roles[n] = "archive"
            elif m := FORM_LINE.match(t):
                self._form(L, m, n)
            elif m := HANDLING.match(t):
                L.handling.append(_SPACE_BEFORE_STOP.sub(r"\1", m.group("h").strip()))
                self.roles[n] = "handling"
            elif (parts := _SPACE_AFTER_STOP.split(t)) and len(parts) > 1 and \
                    all(FORM_LINE.match(x) or HANDLING.match(x) for x in parts):
                # "Strictly secret. Cipher." on one line
                for x in parts:
                    if m := FORM_LINE.match(x):
                        self._form(L, m, n)
                    else:
                        L.handling.append(_SPACE_BEFORE_STOP.sub(r"\1", HANDLING.match(x).group("h").strip()))
                self.roles[n] = "form"
            elif m := FROM_LINE.match(t):
                L.transmission = self._transmission(t, n, L.date)
                self.roles[n] = "transmission"
                if not (L.transmission.time or L.transmission.incoming_no or D.parse_roman_date(t, L.date)[0]):
                    self.not_understood(n, "transmission line gives no date, time or number")
            elif INCOMING.fullmatch(t.rstrip(".")):
                if L.transmission is None:
                    L.transmission = Transmission(n, t)
                L.transmission.incoming_no = INCOMING.search(t).group("n")
                self.roles[n] = "transmission"
            elif SENT_LINE.match(t):
                tx = self._transmission(t, n, L.date, sent=True)
                if L.transmission is None:
                    L.transmission = tx
                else:
                    L.transmission.date, L.transmission.time = tx.date, tx.time
                    L.transmission.as_written += "\n" + t
                self.roles[n] = "transmission"
            elif RECEIVED_LINE.match(t):
                L.received = t
                self.roles[n] = "transmission"
            elif self._is_dateline(t, L.date):
                L.dateline = t
                self.roles[n] = "dateline"
            else:
                break
            i += 1
        if L.archive_line is None and L.edition_line is None:
            self.warn(self.nums[s], "letter has no Archive: or source line")

        # Body until a separator; after it, the notes.
        body: list[tuple[int, str]] = []
        notes: list[tuple[int, str]] = []
        in_notes = False
        for j in range(i, e):
            t = lines[j].strip()
            if not t:
                continue
            if not in_notes and SEPARATOR.match(t):
                in_notes = True
                self.roles[self.nums[j]] = "separator"
                continue
            (notes if in_notes else body).append((self.nums[j], t))

        if body and self._is_address(body[0][1], L):
            L.address_line, L.address = body[0]
            self.roles[body[0][0]] = "address"
            body = body[1:]
            # "Moscow. Central Committee of the CPSU (b)." / "Kaganovich. Molotov ." on two lines
            if body and not GREETING_LINE.match(L.address) and self._names_only(body[0][1], L):
                L.address += "\n" + body[0][1]
                self.roles[body[0][0]] = "address"
                body = body[1:]
        body = self._peel_tail(body, L)
        if L.signature is None:
            # A signature followed by an enclosure ("Kaganovich, Molotov." then the text of a draft).
            for k in range(len(body) - 2, max(len(body) - 8, -1), -1):
                n, t = body[k]
                keys = self._signers(t, L)
                if keys and set(keys) <= set(L.author_keys):
                    L.signature, L.signature_line = t, n
                    self.roles[n] = "signature"
                    body = body[:k] + body[k + 1:]
                    break
        L.body = body
        if L.signature:
            self._check_signers(L)
        for n, _ in body:
            self.roles[n] = "body"
        self._numbers(L)
        self._request(L)
        self._replies(L)
        L.footnotes = self._footnotes(notes)
        self._markers(L)
        self._statements(L)
        self._mentions(L, lines, s, e)
        return L

    def _person_key(self, name: str, line: int) -> str:
        initials, family = _split_initials(name)
        entry = self.auth.lookup(family, initials, kind="person")
        if entry is None:
            self.warn(line, f"person {name!r} is not in the authority file; added as provisional")
            return "person/" + slug(family)
        return entry.key

    def _form(self, L: Letter, m: re.Match, n: int) -> None:
        form = FORMS[_SPACES.sub(" ", m.group("f").lower())]
        if L.form and L.form != form:
            self.warn(n, f"second form {form!r} after {L.form!r}; keeping the first")
        else:
            L.form, L.form_line = form, n
        self.roles[n] = "form"

    def _group_key(self, group: str, line: int) -> str:
        org = _SPACES.sub(" ", _GROUP.fullmatch(group).group("org"))
        entry = self.auth.lookup(org, kind="organisation")
        if entry is None:
            self.warn(line, f"body {org!r} is not in the authority file; added as provisional")
            return "org/" + slug(org)
        return entry.key

    def _transmission(self, text: str, line: int, anchor: str | None, sent: bool = False) -> Transmission:
        rest = (SENT_LINE if sent else FROM_LINE).match(text).group("rest")
        tx = Transmission(line, text)
        # "Sent from Moscow on September 2, 1936 at 2 o'clock": a Sent line may name the place too
        fm = _SENT_FROM.match(rest) if sent else None
        if fm:
            rest = rest[fm.end():]
        pm = _PLACE_WORDS.match(rest) if fm or not sent else None
        if pm:
            words = []
            for w in _SPACE_BEFORE_CAPITAL.split(pm.group("p")):
                if w.rstrip(".").lower() in D.MONTHS or w in ("In", "No", "Vkh", "Inc"):
                    break
                words.append(w)
            tx.place = " ".join(words) or None
        date, dm = D.parse_roman_date(rest, anchor)
        if date is None:
            date = D.parse_numeric_date(rest)
        if date is None:
            for mention in D.find_dates(rest, anchor):
                date = D.resolve(mention, anchor)
                break
        tx.date = date or (anchor if anchor and len(anchor) == 10 else None)
        tm = D.find_time(rest, bare=True)
        tx.time = tm.hhmm if tm else None
        inc = INCOMING.search(rest)
        tx.incoming_no = _squeeze(inc.group("n")) if inc else None
        if tx.time is None:
            self.warn(line, "transmission line gives no clock time")
        return tx

    def _is_dateline(self, t: str, anchor: str | None) -> bool:
        if len(t) <= 60 and SECRETARY_LINE.fullmatch(t) and D.parse_roman_date(t, anchor)[0] and "No" not in t:
            return True
        return bool(D.parse_heading_date(t)) and D.parse_heading_date(t).as_written.strip() == t.strip(" .")

    def _is_address(self, t: str, L: Letter) -> bool:
        if len(t) > 160:
            return False
        if GREETING_LINE.match(t):
            return True
        pieces = [p for p in _SPACE_AFTER_STOP.split(t) if p.strip()]
        if not pieces or any(len(p.split()) > 9 for p in pieces):
            return False
        found = self.auth.find(t)
        keys = {m.entry.key for m in found}
        if keys & set(L.recipient_keys):
            return True
        if _ADDRESS_WORDS.search(t):
            return True
        if _TO_PERSON.match(t) and any(m.entry.kind == "person" for m in found):
            return True  # "T. Kaganovich." even where the heading names the wrong correspondent
        first = pieces[0].rstrip(".")
        e = self.auth.lookup(first, kind="place")
        return e is not None and len(pieces) > 1

    def _names_only(self, t: str, L: Letter) -> bool:
        """A short line of recipients' names: the second line of an address."""
        if len(t) > 80 or not all(len(p.split()) <= 4 for p in _NAME_LIST_PUNCT.split(t)):
            return False
        keys = {m.entry.key for m in self.auth.find(t)}
        return bool(keys & set(L.recipient_keys)) and not _NOT_ADDRESS_WORDS.search(t)

    def _peel_tail(self, body: list[tuple[int, str]], L: Letter) -> list[tuple[int, str]]:
        """Take the secretary's number and date lines and the signature off the end of the body."""
        body = list(body)
        while body:
            n, t = body[-1]
            bare = t.strip().rstrip(".").strip()
            if CIPHER_HP.fullmatch(bare) or CIPHER_SH.fullmatch(bare + "."):
                # A cipher number on a line of its own, after or before the signature.
                for m in list(CIPHER_HP.finditer(bare)) + list(CIPHER_SH.finditer(bare + ".")):
                    L.cipher_nos += _number_list(m.group("n"))
                self.roles[n] = "number"
                body.pop()
                continue
            if len(t) <= 60 and SECRETARY_LINE.fullmatch(t) and _DIGIT.search(t) and (
                    _NUMBER_LEAD.match(t) or D.parse_roman_date(t, L.date)[0]):
                self._secretary(L, n, t)
                body.pop()
                continue
            cut = max(0, len(t) - 80)  # the tail only: the patterns are anchored at the end of the line
            if (m := TAIL_SECRETARY.search(t, cut)) and m.start() > 0:
                self._secretary(L, n, m.group("sec"))
                body[-1] = (n, t[: m.start()].rstrip())
                continue
            if (m := TAIL_TOKEN.search(t, cut)) and m.start() > 0 and t[: m.start()].rstrip().endswith((".", "!")):
                # "… Stalin. Nr 29/sh. 1.IX.31": a number or a date after the signature, on the same line
                self._secretary(L, n, m.group("tok"))
                body[-1] = (n, t[: m.start()].rstrip())
                continue
            if L.signature is None and (m := LEAD_DATE.match(t)) and self._signature(m.group("rest"), L):
                # "1/IX 33 Stalin": the date before the name
                self._secretary(L, n, m.group("date"))
                body[-1] = (n, m.group("rest"))
                continue
            if L.signature is None:
                sig = self._signature(t, L)
                if sig is not None:
                    L.signature, L.signature_line = sig, n
                    rest = t[: len(t) - len(sig)].rstrip() if t.endswith(sig) else ""
                    if rest and t.strip() != sig.strip():
                        body[-1] = (n, rest)
                        self.roles.setdefault(n, "body")
                    else:
                        body.pop()
                        self.roles[n] = "signature"
                    continue
            break
        return body

    def _secretary(self, L: Letter, n: int, t: str) -> None:
        m = _SECRETARY_NO.match(t) or _SECRETARY_NO_AFTER.search(t)
        if m and "/" in m.group("no"):
            L.cipher_nos.append(m.group("no"))  # "No. 2860/sh": the cipher office's number, not the secretary's
        elif m:
            L.outgoing_no = m.group("no")
        marker = _SECRETARY_MARKER.match(t.strip())
        if marker:
            # "3/X.34 1": the 1 is the marker of the note that says the secretary entered number and date.
            t, L.secretary_marker = marker.group("text"), (n, marker.group("m"))
        # Peeled from the end of the letter: what comes earlier in the text goes first.
        L.secretary_note = f"{t} {L.secretary_note}".strip() if L.secretary_note else t
        L.secretary_line = min(L.secretary_line or n, n)
        self.roles.setdefault(n, "secretary")

    def _signature(self, t: str, L: Letter) -> str | None:
        """The signature at the end of a line: names of persons, perhaps after a closing greeting."""
        pieces = _SPACE_AFTER_SENTENCE.split(t)
        for k in range(len(pieces)):
            head, tail = " ".join(pieces[:k]), " ".join(pieces[k:])
            if k and not head.endswith((".", "!", "?", "”", "\"")):
                continue
            if GREETING_WORDS.search(pieces[k]) and len(pieces[k].split()) <= 6 and k + 1 < len(pieces):
                # A greeting sentence ("Hello.", "Hearty greetings to you.") belongs to the names after it.
                if self._names_are_signers(" ".join(pieces[k + 1:]), L):
                    return tail
                continue
            if self._names_are_signers(tail, L):
                return tail
        return None

    def _signers(self, text: str, L: Letter) -> list[str] | None:
        """The persons a line of names signs for ("Kaganovich, Molotov.", "Yours L. Kaganovich"), or None."""
        if len(text) > 120 or len(text.split()) > 12:
            return None  # a signature is short; longer text is a sentence (and would make the regex slow)
        m = SIG_NAMES.fullmatch(text.strip())
        if not m:
            return None
        names = _NAME.findall(_YOURS.sub("", m.group("sig")))
        keys = []
        for name in names:
            family = _split_initials(name)[1]
            e = self.auth.lookup(family, kind="person")
            if e is None and family not in L.authors:
                return None
            keys.append(e.key if e else "person/" + slug(family))
        return keys or None

    def _names_are_signers(self, text: str, L: Letter) -> bool:
        keys = set(self._signers(text, L) or ())
        return bool(keys & set(L.author_keys) or keys & set(L.recipient_keys))

    def _check_signers(self, L: Letter) -> None:
        """Warn when the letter is signed by its addressee: the heading may name the wrong author."""
        keys = set(self._signers(L.signature.split(". ", 1)[-1] if GREETING_WORDS.search(L.signature) else
                                 L.signature, L) or ())
        if keys and not keys & set(L.author_keys) and keys & set(L.recipient_keys):
            self.warn(L.line, f"signature {L.signature.strip()!r} names a recipient, not the heading's author(s)")

    def _numbers(self, L: Letter) -> None:
        texts = [t for _, t in L.body] + ([L.signature] if L.signature else [])
        L.cipher_nos = list(L.cipher_nos)
        for t in texts:
            # "Your No. 1620/sh" cites the letter answered; it is not this letter's number
            cited = [c.span() for c in REPLY_CITE.finditer(t)]
            for m in CIPHER_HP.finditer(t):
                if any(a <= m.start() < b for a, b in cited):
                    continue
                L.cipher_nos += _number_list(m.group("n"))
                if (r := _RANGE_END.match(t[m.end():])) and int(r.group(1)) - int(L.cipher_nos[-1]) in range(1, 20):
                    # "HP 118-120": every number of the range
                    L.cipher_nos += [str(x) for x in range(int(L.cipher_nos[-1]) + 1, int(r.group(1)) + 1)]
            for m in CIPHER_SH.finditer(t):
                if any(a <= m.start() < b for a, b in cited):
                    continue
                L.cipher_nos.append(_squeeze(m.group("n")))
        L.cipher_nos = list(dict.fromkeys(L.cipher_nos))

    def _request(self, L: Letter) -> None:
        patterns = OPINION_PATTERNS if DECIDER in L.author_keys else REQUEST_PATTERNS
        for n, t in L.body:
            for rx in patterns:
                m = rx.search(t)
                if m:
                    L.request_text, L.request_line = _sentence_at(t, m.start()), n
                    return
        # A proposal sent to the addressee for approval is a request too; the author's own directive is not.
        if DECIDER not in L.author_keys and DECIDER in L.recipient_keys:
            for n, t in L.body:
                m = PROPOSAL.search(t)
                if m:
                    L.request_text, L.request_line = _sentence_at(t, m.start()), n
                    return

    def _replies(self, L: Letter) -> None:
        for n, t in L.body:
            for m in REPLY_CITE.finditer(t):
                # Each citation has its own answer: "Your 121 - I agree. Your 122 - I object."
                after = t[m.end():].lstrip(" .:-–—")
                if (m2 := _RECEIVED.match(after)) and after[m2.end():].strip():
                    after = after[m2.end():]
                nxt = REPLY_CITE.search(after)
                window = after[: nxt.start()] if nxt else after
                first = _sentence_at(window, 0) if window else ""
                outcome = classify_outcome(first)
                if outcome == "other":
                    outcome = classify_outcome(window)
                for no in [m.group("n")] + _CITED_NO.findall(m.group("more")):
                    no = _squeeze(no)
                    L.cited_numbers.append((n, no))
                    L.reply_outcomes.setdefault(no, (outcome, window.strip()))
                if L.reply_outcome is None:
                    L.reply_outcome, L.reply_text = outcome, window.strip()
        # A letter answered by date, as handwritten letters are: "I received your letter of September 2."
        for k, (n, t) in enumerate(L.body):
            for m in LETTER_CITE.finditer(t):
                dm = next(iter(D.find_dates(m.group("date"), L.date)), None)
                cited = D.resolve(dm, L.date) if dm else None
                if not cited or (L.date and cited > L.date):
                    continue
                window = t[m.end():].lstrip(" .:-–—") or (L.body[k + 1][1] if k + 1 < len(L.body) else "")
                first = _sentence_at(window, 0) if window else ""
                outcome = classify_outcome(first) if first else "other"
                L.cited_letters.append((n, cited))
                L.reply_outcomes.setdefault("letter of " + cited, (outcome, first.strip()))

    # -- notes ----------------------------------------------------------------------------------------------------

    def _footnotes(self, notes: list[tuple[int, str]]) -> list[Footnote]:
        numbered = [(n, FOOTNOTE_NUM.match(t)) for n, t in notes]
        any_numbered = any(m for _, m in numbered)
        out: list[Footnote] = []
        for (n, t), (_, m) in zip(notes, numbered):
            self.roles[n] = "footnote"
            if m:
                out.append(Footnote(n, m.group("t").strip(), number=m.group("n")))
            elif any_numbered and out:
                out[-1].text += "\n" + t
            else:
                out.append(Footnote(n, t))
        for fn in out:
            fn.publications = [p.group("pub").strip().rstrip(".") for p in PUBLICATION.finditer(fn.text)]
        return out

    def _markers(self, L: Letter) -> None:
        """The line in the letter where each numbered note's marker stands ("opinion 1 .")."""
        lines = ([(L.address_line, L.address)] if L.address else []) + list(L.body) + \
            ([(L.signature_line, L.signature)] if L.signature else []) + \
            ([(L.secretary_line, L.secretary_note)] if L.secretary_note else [])
        for fn in L.footnotes:
            if not fn.number:
                continue
            k = fn.number
            if L.secretary_marker and k == L.secretary_marker[1]:
                fn.marker_line = L.secretary_marker[0]
                continue
            rx = _marker_pattern(k)
            fn.marker_line = next((n for n, t in lines if t and rx.search(t)), None)

    def _statements(self, L: Letter) -> None:
        """Read what the notes state: responses, dispatch, forwarding, PB decisions, other documents."""
        letter_date = L.date if L.date and len(L.date) == 10 else None
        prev_ref = L.archive_refs[-1] if L.archive_refs else None
        recips = [self.auth.entries[k].family_name if k in self.auth.entries else None for k in L.recipient_keys]
        recips = [r for r in recips if r] or L.recipients
        resp_rx = _response_patterns(tuple(recips))
        for fn in L.footnotes:
            # "The same day", "the next day": against the letter's date, or an event the same note dated.
            anchor = letter_date
            text = fn.text.replace("\n", " ")
            refs = find_refs(text, fn.line, prev_ref)
            if refs:
                prev_ref = refs[-1][2]
            # A reference closes the statements made since the previous one.
            bounds: list[tuple[int, int, list[ArchiveRef]]] = []
            last = 0
            for st, en, ref in refs:
                if bounds and bounds[-1][1] == en:
                    bounds[-1][2].append(ref)  # several places cited in one parenthesis
                    continue
                bounds.append((last, en, [ref]))
                last = en
            if last < len(text):
                bounds.append((last, len(text), []))
            continues = False  # the segment before stated a decision
            for seg_start, seg_end, seg_refs in bounds:
                seg_ref = seg_refs[0] if seg_refs else None
                seg = text[seg_start:seg_end]
                triggers = []
                for rx in resp_rx:
                    triggers += [(m.start(), m.end(), "response") for m in rx.finditer(seg)]
                for rx in DECISION_TRIGGERS:
                    triggers += [(m.start(), m.end(), "decision") for m in rx.finditer(seg)]
                triggers += [(m.start(), m.end(), "dispatch") for m in DISPATCH.finditer(seg)]
                triggers += [(m.start(), m.end(), "forward") for m in FORWARDED.finditer(seg)]
                triggers += [(m.start(), m.end(), "noted") for m in NOTED_DOC.finditer(seg)]
                triggers = _dedupe_triggers(sorted(triggers))
                decided_before = len(L.decisions)
                if not triggers and continues and seg_ref and seg_ref.fond == "17" and _CONTINUED.match(seg):
                    # "… (F. 17 … L. 50), on September 22 - the decision on the Kremlin case (Ibid. …)":
                    # a further decision, stated in the same sentence as the one before
                    triggers = [(0, 0, "decision")]
                last_decision = max((j for j, t in enumerate(triggers) if t[2] == "decision"), default=None)
                mentions = D.find_dates(seg, anchor)
                quoted = [q.span() for q in QUOTE.finditer(seg)] if any(t[2] == "response" for t in triggers) else []
                for k, (ts, te, kind) in enumerate(triggers):
                    prev_end = triggers[k - 1][1] if k else 0
                    next_start = triggers[k + 1][0] if k + 1 < len(triggers) else len(seg)
                    before = [d for d in mentions if prev_end <= d.start < ts] or \
                             [d for d in mentions if d.end <= ts and kind in ("decision",)]
                    after = [d for d in mentions if ts <= d.start < next_start]
                    if kind == "response":
                        # a date inside Stalin's quoted words ("… begin not earlier than October 1") is not his answer's
                        after = [d for d in after if not any(a <= d.start < b for a, b in quoted)]
                    dm = before[-1] if before else (after[0] if after else None)
                    if kind == "decision" and after and _BY_THE_PB.search(seg[ts:te]) and \
                            _DATE_FOLLOWS.fullmatch(seg[te:after[0].start]):
                        dm = after[0]  # "…; the addition was approved by the PB on June 16": the PB's own date
                    date = D.resolve(dm, anchor) if dm else None
                    window = seg[prev_end:next_start]
                    own_ref = seg_ref if k == len(triggers) - 1 or (kind == "decision" and k == last_decision) \
                        else None
                    if kind == "response":
                        if L.response is not None:
                            continue
                        tm = D.find_time(window)
                        pm = PLACE_FROM.search(window)
                        q = QUOTE.search(seg[ts:next_start])
                        sentence = _sentence_at(seg, ts)
                        outcome = note_outcome(seg[ts:te], sentence, q.group(0) if q else None)
                        if outcome == "other" and _WEAK_ANSWER.search(seg[ts:te]):
                            continue  # "Stalin's telegram of October 2", "Stalin proposed …": no answer stated
                        if date and letter_date and date < letter_date:
                            continue  # an answer cannot precede the letter: the note speaks of something else
                        if any(t[2] == "decision" for t in triggers[k + 1:]) and not before:
                            date = None  # "…with Stalin's amendment were approved by the PB on …": the PB's date
                        L.response = Response(outcome, fn.line, "footnote", q.group(1) if q else _clean(sentence), date, tm.hhmm if tm else None,
                                              self._place(pm.group("p")) if pm else None,
                                              own_ref if own_ref and own_ref.fond != "17" else None, fn.line)
                    elif kind == "decision":
                        if date is None:
                            continue
                        # The wording starts with the sentence that dates the decision (or names it).
                        wstart = dm.start if dm and dm.start < ts else ts
                        wording = _clean(PUBLICATION_PAREN.sub("", seg[_sentence_span(seg, wstart)[0]:]))
                        if any(d.date == date and d.line == fn.line and d.wording == wording
                               for d in L.decisions):
                            continue
                        pub = next((p.group("pub").strip().rstrip(".") for p in PUBLICATION.finditer(seg)), None)
                        L.decisions.append(Decision(fn.line, date, wording,
                                                    own_ref if own_ref and own_ref.fond else None, pub,
                                                    [r for r in seg_refs[1:] if r.fond] if own_ref else []))
                    elif kind == "dispatch":
                        if L.response is not None and _ANSWER_BEFORE.search(seg[max(0, ts - 40):ts]):
                            # "Stalin's answer was sent on August 3 at 17 h. 40 min.": the answer's time
                            if L.response.date is None and L.response.evidence == "footnote":
                                tm = D.find_time(window)
                                L.response.date = date if date and (not letter_date or date >= letter_date) else None
                                L.response.time = L.response.time or (tm.hhmm if tm and L.response.date else None)
                            continue
                        if L.transmission is not None:
                            continue
                        tm = D.find_time(window)
                        pm = PLACE_FROM.search(window)
                        if not (tm or pm):
                            continue
                        L.transmission = Transmission(fn.line, _clean(window), self._place(pm.group("p")) if pm else None,
                                                      date or anchor, tm.hhmm if tm else None)
                    elif kind == "forward":
                        m = FORWARDED.search(seg, ts)
                        L.forwarded_no = _squeeze(m.group("no") or m.group("sent_no"))
                        who = [x for x in self.auth.find(seg[:ts]) if x.entry.kind == "person"]
                        L.forwarded_by = who[-1].entry.key if who else None
                    elif kind == "noted":
                        m = NOTED_DOC.match(seg, ts)
                        e = self.auth.lookup(_strip_initials(m.group("who")), kind="person")
                        L.noted.append(NotedDocument(fn.line, _clean(seg), e.key if e else None, date,
                                                     own_ref if own_ref and own_ref.fond else None))
                    if date and kind in ("response", "decision", "dispatch"):
                        anchor = date
                continues = len(L.decisions) > decided_before

    def _place(self, name: str) -> str:
        e = self.auth.lookup(name, kind="place")
        return e.label if e else name

    # -- names ----------------------------------------------------------------------------------------------------

    def _mentions(self, L: Letter, lines: list[str], s: int, e: int) -> None:
        seen: set[tuple[str, int]] = set()

        def add(line: int, surface: str, key: str, kind: str, provisional: bool = False, family: str | None = None):
            if (key, line) in seen:
                return
            seen.add((key, line))
            L.mentions.append(Mention(line, surface, key, kind, provisional, family))

        for name, key in list(zip(L.authors, L.author_keys)) + list(zip(L.recipients, L.recipient_keys)):
            provisional = key not in self.auth.entries
            add(L.line, name, key, "person", provisional, name.split()[-1].split(".")[-1] if provisional else None)
        skip = {L.archive_line, L.edition_line, L.line}
        found: list[tuple[int, object]] = []
        for j in range(s + 1, e):
            n = self.nums[j]
            t = lines[j]
            if n in skip or not t.strip():
                continue
            found += [(n, m) for m in self.auth.find(t)]
        # Namesakes: where initials name one of them in the letter's unit, a bare surname there means the same.
        chosen = {m.form: m.entry for _, m in found if m.by_initials}
        for n, m in found:
            entry = m.entry
            if not m.by_initials and m.form in chosen and len(self.auth.namesakes(m.form)) > 1:
                entry = chosen[m.form]
            add(n, m.surface, entry.key, entry.kind)
        for j in range(s + 1, e):
            n = self.nums[j]
            t = lines[j]
            if n in skip or not t.strip():
                continue
            for name in _unknown_names(t, self.auth):
                self.warn(n, f"name {name!r} is not in the authority file; added as provisional")
                add(n, name, "person/" + slug(name), "person", True, name)


@lru_cache(maxsize=128)
def _marker_pattern(number: str) -> re.Pattern:
    """A note's marker in the letter's text: its number just after a word, before punctuation or the line's end."""
    return re.compile(r"(?:(?<=[^\s\d/.-])\s+|(?<=[A-Za-z]))" + number + r"(?=\s*[.,;:!?)]|\s*$)"
                      r"|(?<=[,\]])\s*" + number + r"(?=\s+[a-z])")


@lru_cache(maxsize=256)
def _response_patterns(recips: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """What a note says when the recipients answer: compiled once per set of recipients."""
    rn = "(?:" + "|".join(re.escape(r) for r in recips) + ")"
    return (
        re.compile(r"\b" + rn + r"\s+(?:also\s+|then\s+)?(?:agreed|agrees|consented|approved|replied|answered|responded|"
                   r"wrote|objected|abstained|rejected|refused|declined|voted|did\s+not\s+agree|disagreed|"
                   r"did\s+not\s+object|gave\s+(?:his\s+)?consent|proposed|suggested|corrected|amended|edited|"
                   r"made\s+(?:amendments|corrections)|sent\s+(?:a|his)\s+(?:reply|answer)|telegraphed|imposed|"
                   r"put\s+a\s+resolution|wrote\s+a\s+resolution|informed|sent\s+a\s+telegram|"
                   r"cabled|wired)\b"),
        re.compile(r"\b" + rn + r"['’]s\s+(?:amendment|amendments|corrections|edits|editing|consent|approval|reply|"
                   r"answer|resolution|response|agreement|objection|additions|note|notes|mark|inscription|"
                   r"telegram|ciphered\s+telegram|cipher|encryption|verdict)\b"),
        re.compile(r"\b(?:amended|corrected|edited|approved|signed|agreed|supported|sanctioned|rejected)\s+(?:to\s+)?by\s+" + rn + r"\b"),
    )


PUBLICATION_PAREN = re.compile(r"\(\s*[Ss]ee\b[^()]*\)")
_SURNAME = r"(?:[A-Z]\.\s?){0,3}[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
_TITLE_WORDS = re.compile(
    r"\b(?:Comrades?|comrades?|Tov\.|tov\.|T\.\s?[Tt]\.|Tt\.|T\.|Mr\.|Mrs\.|Messrs\.|"
    # a post before a surname: "Director Dyakonov", "the engineer Birman", "Ambassador Yurenev"
    r"[Dd]irector|[Ee]ngineer|[Pp]rofessor|[Aa]cademician|[Aa]mbassador|[Cc]onsul|[Pp]lenipotentiary|[Pp]rosecutor|"
    r"[Cc]ommander|[Cc]orps\s+[Cc]ommander|[Dd]ivision\s+[Cc]ommander)\s+(?P<names>" + _SURNAME +
    r"(?:\s*,\s*" + _SURNAME + r")*)")
# "P.S. Send me …" is a postscript, not initials.
_INITIALS_NAME = re.compile(r"(?<![\w.])(?!P\.\s?(?:P\.\s?)?S\.)(?:[A-Z]\.\s?){1,2}(?P<name>[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)\b")
_COMMA = re.compile(r"\s*,\s*")
_POSSESSIVE = re.compile(r"['’]s$")
_NOT_NAMES = {
    "The", "This", "That", "These", "Those", "There", "Then", "In", "On", "At", "We", "It", "He", "She", "They", "I",
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
}


def _unknown_names(text: str, auth: Authority) -> list[str]:
    """Surnames the text marks as persons ("Comrade X", "A.B. X") that the authority file lacks."""
    out = []
    for m in _TITLE_WORDS.finditer(text):
        for raw in _COMMA.split(m.group("names")):
            name = _POSSESSIVE.sub("", _strip_initials(raw).strip())
            if name and name not in _NOT_NAMES and not auth.lookup(name) and not D.MONTHS.get(name.lower()):
                out.append(name)
    for m in _INITIALS_NAME.finditer(text):
        name = m.group("name")
        if name not in _NOT_NAMES and not auth.lookup(name) and not D.MONTHS.get(name.lower()):
            out.append(name)
    # A list of names in which one is a known person, or two look like Russian surnames, names persons.
    for m in _NAME_LIST.finditer(text):
        names = _NAME_LIST_SEPARATOR.split(m.group(0))
        known = [x for x in names if (e := auth.lookup(x)) is not None and e.kind == "person"]
        other = [x for x in names if auth.lookup(x) is None and x not in _NOT_NAMES and not D.MONTHS.get(x.lower())]
        if any(auth.lookup(x) is not None and auth.lookup(x).kind != "person" for x in names):
            continue
        if known or sum(1 for x in other if _SURNAME_END.search(x)) >= 2:
            out += other
    return list(dict.fromkeys(out))


_NAME_LIST = re.compile(r"\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?(?:\s*,\s*[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)*(?:\s*,?\s+and\s+"
                        r"[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?|\s*,\s*[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)")
_NAME_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_SURNAME_END = re.compile(r"(?:ov|ev|ova|eva|in|ina|sky|ski|skaya|enko|ko|ich|uk|yan|ian|dze|shvili|ikh|man|berg|stein)$")


_TRIGGER_RANK = {"decision": 3, "response": 2, "forward": 2, "noted": 1, "dispatch": 0}


def _dedupe_triggers(triggers: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for t in triggers:
        if out and t[0] < out[-1][1]:
            # Overlapping triggers: a response outranks a dispatch ("replied in code"), a decision a response.
            if _TRIGGER_RANK[t[2]] > _TRIGGER_RANK[out[-1][2]]:
                out[-1] = t
            continue
        if out and out[-1][2] == t[2] == "decision" and t[0] - out[-1][1] < 40:
            continue  # one decision named twice in a clause ("the decision of the PB … the PB approved")
        out.append(t)
    return out


_SENTENCE_END = re.compile(r"[.!?][”\"»)]*\s+(?=[A-Z“\"«(\d])")
_ABBREV = re.compile(r"(?:\b[A-Z]|\b[a-z]|\b(?:Tov|No|Nr|Op|On|Ll|pp|Pp|Vol|vol|St|Mr|Dr|Gen|Comp|Ibid|etc|cf|Art|p|S|T|t|ob|g|y|mil|thous))\.$")


def _sentence_bounds(text: str) -> list[int]:
    """Where sentences start: after . ! ? and a space, unless the dot ends an initial or an abbreviation."""
    starts = [0]
    depth, last = 0, 0
    for m in _SENTENCE_END.finditer(text):
        depth += text.count("(", last, m.start()) - text.count(")", last, m.start())
        last = m.start()
        if text[m.start()] == "." and _ABBREV.search(text, max(0, m.start() - 12), m.start() + 1):
            continue
        if depth > 0:
            continue  # inside a parenthesised reference "(Ibid. D. 86. L. 5)"
        starts.append(m.end())
    return starts


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Where the sentence that holds position `pos` starts and ends."""
    starts = _sentence_bounds(text)
    start = max(s for s in starts if s <= pos)
    end = next((s for s in starts if s > pos), len(text))
    return start, end


def _sentence_at(text: str, pos: int) -> str:
    """The sentence that holds position `pos`."""
    start, end = _sentence_span(text, pos)
    return text[start:end].strip()


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" .;,")


def _squeeze(text: str) -> str:
    """The text without whitespace: "2860 / sh" and "2860/sh" are one number."""
    return _SPACES.sub("", text)


def _split_initials(name: str) -> tuple[str | None, str]:
    """The initials ("A. I.", or None) and the family name of a written name."""
    m = _INITIALS_AND_FAMILY.match(name)
    return (m.group(1).strip(), m.group(2)) if m else (None, name)


def _strip_initials(name: str) -> str:
    return _LEADING_INITIALS.sub("", name)


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    s = _NON_SLUG.sub("-", text.lower().replace("’", "").replace("'", "")).strip("-")
    return s or hashlib.sha1(text.encode()).hexdigest()[:8]


# ---------------------------------------------------------------------------------------------------------------
# Entry points


def parse_text(text: str, source: str, authority: Authority | None = None, path: str = "") -> Page:
    """Parse the text of one page."""
    auth = authority or load_authority()
    lines = split_lines(text)
    p = PageParser(auth, source)
    preamble, letters = p.parse(lines)
    if not letters:
        # A page may hold no complete letter (a title, a preamble, a letter cut off before its archive line):
        # that is a finding to report, not a failure.
        heading = next((k + 1 for k, t in enumerate(lines) if parse_heading(t.strip())), 1)
        p.warn(heading, "no letter in the edition's layout on this page (a heading such as 'Stalin to Kaganovich "
                        "October 1, 1934' followed by an 'Archive:' line)")
    title = next((t for _, t in preamble if "|" not in t), preamble[0][1] if preamble else None)
    page = Page(source, path, hashlib.sha256(text.encode("utf-8")).hexdigest(), title, preamble, letters,
                p.warnings, len(lines), p.roles)
    page.nonblank = [k for k, t in enumerate(lines, 1) if t.strip()]
    page.lines = lines
    page.unclear = dict(p.unclear)
    return page


def parse_file(path: Path, authority: Authority | None = None, encoding: str | None = None,
               source: str | None = None) -> Page:
    """Read and parse one page file; `source` is the name the graph cites it by (default: the file name)."""
    text, used = read_source_detected(path, encoding)
    page = parse_text(text, source or Path(path).name, authority, str(path))
    page.encoding = used
    if used not in ("utf-8", encoding):
        page.warnings.insert(0, Warning_(page.source, 1, f"not UTF-8: read as {used} (detected); "
                                                          f"give --encoding to read it otherwise"))
    return page


def link_replies(pages: list[Page]) -> list[Warning_]:
    """Join reply letters to the requests they answer ("Your 121" → the letter marked HP 121)."""
    warnings = []
    letters = [L for p in pages for L in p.letters]
    by_number: dict[str, list[Letter]] = {}
    for L in letters:
        for no in L.cipher_nos + ([L.forwarded_no] if L.forwarded_no else []):
            by_number.setdefault(no, []).append(L)
    for R in letters:
        for line, no in R.cited_numbers:
            cands = [L for L in by_number.get(no, []) if L is not R and (L.date or "") <= (R.date or "9999")
                     and set(L.author_keys) & set(R.recipient_keys)]
            if not cands:
                warnings.append(Warning_(R.source, line, f"reply cites number {no}, but no earlier letter bears it"))
                continue
            # Cipher numbers run on and restart: the letter on the reply's own page comes first, then the latest.
            Q = max(cands, key=lambda L: (L.source == R.source, L.date or "", L.source, L.line))
            R.replies_to.append((Q.source, Q.line))
            if Q.response is None:
                outcome, text = R.reply_outcomes.get(no, (R.reply_outcome or "other", R.reply_text or ""))
                Q.response = Response(outcome, line, "reply letter", text, R.date, None, None, None, None, R.line,
                                      R.source)
        for line, date in R.cited_letters:
            cands = [L for L in letters if L is not R and L.date == date and set(L.author_keys) & set(R.recipient_keys)
                     and set(L.recipient_keys) & set(R.author_keys) and L.is_request]
            if not cands:
                continue  # many letters the answers cite are not in the edition
            Q = max(cands, key=lambda L: (L.source == R.source, L.source, L.line))
            if (Q.source, Q.line) not in R.replies_to:
                R.replies_to.append((Q.source, Q.line))
            outcome, text = R.reply_outcomes["letter of " + date]
            if Q.response is None:
                Q.response = Response(outcome, line, "reply letter", text, R.date, None, None, None, None, R.line,
                                      R.source)
            elif Q.response.reply_line is None and Q.response.date == R.date:
                # "See Stalin's answer in the letter of September 9": the note names this reply, which says what
                Q.response.reply_line, Q.response.reply_source = R.line, R.source
                if Q.response.outcome == "other":
                    Q.response.outcome = outcome
    return warnings
