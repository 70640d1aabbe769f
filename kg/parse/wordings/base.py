"""The shape of a language's wordings: groups of patterns, each group for one kind of line or sentence.

A group holds its wordings as data (patterns, tables of alternatives, word lists); the patterns the engine
matches with are compiled from them when the group is made, so a group with one entry fewer is a parser that
lacks that one rule (which is how the mutation run removes rules).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import Pattern

from ...vocabulary import Outcome

# A pattern that matches nothing: what a removed rule becomes.
NEVER = re.compile(r"(?!)")

# How an answer is worded in a note, and what the wording says of its outcome: None for a wording that says only
# that the addressee wrote ("Stalin telegraphed"), which answers nothing unless what he wrote does.
AnswerWording = tuple[str, Outcome | None]


def rule_name(prefix: str, pattern: str) -> str:
    """A stable, IRI-safe name for one wording: its group and the first words it reads ("outcome.agreed.agree")."""
    text = re.sub(r"\\[bBsSwWdD]|\[[^\]]*\]|\{[^}]*\}", " ", pattern)
    # Innermost groups first: a look-around or an optional group names nothing; of other alternatives, the first.
    group = re.compile(r"\((?P<kind>\?[!=]|\?<[=!])?(?:\?:|\?P<\w+>)?(?P<body>[^()]*)\)(?P<opt>[?*])?")
    while group.search(text):
        text = group.sub(lambda m: "" if m.group("kind") or m.group("opt") else m.group("body").split("|")[0], text)
    slug = re.sub(r"[^a-z]+", "-", text.split("|")[0].lower()).strip("-")[:48].strip("-")
    return f"{prefix}.{slug or 'pattern'}"


def named_alternatives(prefix: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Each pattern's rule name; a name two patterns would share gets the position of the later one."""
    names: list[str] = []
    for k, pattern in enumerate(patterns):
        name = rule_name(prefix, pattern)
        names.append(name if name not in names else f"{name}-{k}")
    return tuple(names)


def either(*alternatives: str) -> str:
    """One group of alternatives, tried in order."""
    return "(?:" + "|".join(alternatives) + ")"


def _set(obj: object, **values: object) -> None:
    for name, value in values.items():
        object.__setattr__(obj, name, value)


@dataclass(frozen=True, eq=False)
class Headings:
    """Letter headings: who wrote to whom, and when."""

    split: Pattern[str]  # between the authors and the addressees
    tail: Pattern[str]  # the end of the date, before a full stop or a note marker
    name_separator: Pattern[str]  # between names
    group: Pattern[str]  # a body addressed beside or instead of persons
    run_together: Pattern[str]  # a heading and its archive line on one line


@dataclass(frozen=True, eq=False)
class Sources:
    """Archive and edition lines, the notes' separator and numbers, publications cited."""

    archive_line: Pattern[str]
    source_line: Pattern[str]
    ref_continues: Pattern[str]  # an archive line wrapped onto the next
    separator: Pattern[str]  # between the letter and its notes
    footnote_number: Pattern[str]
    publication: Pattern[str]
    publication_paren: Pattern[str]


@dataclass(frozen=True, eq=False)
class Marks:
    """The form a letter was sent in and the marks on how it was to be handled."""

    forms: dict[str, str]  # as written (lower case) → the form's name
    handling: tuple[str, ...]  # alternatives of a handling mark
    form_line: Pattern[str] = field(init=False, repr=False)
    handling_line: Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        alternatives = "|".join(sorted(self.forms, key=len, reverse=True)) or NEVER.pattern
        _set(self, form_line=re.compile(r"^\s*(?P<f>" + alternatives + r")\s*\.?\s*(?:\d{1,2}\s*\.?)?\s*$", re.I),
             handling_line=re.compile(r"^\s*(?P<h>" + ("|".join(self.handling) or NEVER.pattern) + r")\s*\.?\s*$",
                                      re.I))


@dataclass(frozen=True, eq=False)
class Dispatch:
    """When, where and how a letter was sent and received, in its lines and in its notes."""

    from_line: Pattern[str]
    sent_line: Pattern[str]
    received_line: Pattern[str]
    incoming: Pattern[str]
    sent_from: Pattern[str]  # "Sent from Moscow …"
    place_words: Pattern[str]
    place_stop: frozenset[str]  # words after a place that are not part of it
    dispatch: Pattern[str]  # a note says the letter was sent
    forwarded: Pattern[str]  # a note says it was forwarded under a number
    place_from: Pattern[str]


@dataclass(frozen=True, eq=False)
class Numbers:
    """The numbers and dates the secretaries and cipher clerks wrote on a letter."""

    secretary_line: Pattern[str]
    tail_secretary: Pattern[str]  # a number and date at the end of the last line
    tail_token: Pattern[str]  # a number or a date after the signature, on its line
    secretary_marker: Pattern[str]  # a note marker after the secretary's date
    lead_date: Pattern[str]  # a date before the signature
    cipher_hp: Pattern[str]
    cipher_sh: Pattern[str]
    number_lead: Pattern[str]
    secretary_no: Pattern[str]
    secretary_no_after: Pattern[str]
    range_end: Pattern[str]
    list_separator: Pattern[str]


@dataclass(frozen=True, eq=False)
class Requests:
    """How a letter asks the addressee for an answer."""

    opinion: tuple[Pattern[str], ...]  # what the decider's letters ask: an opinion
    request: tuple[Pattern[str], ...]  # what other letters ask: consent, a decision, an answer, an opinion
    proposal: Pattern[str]  # a proposal sent to the decider is a request too
    opinion_rules: tuple[str, ...] = field(init=False, repr=False)
    request_rules: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _set(self, opinion_rules=named_alternatives("request.opinion", tuple(p.pattern for p in self.opinion)),
             request_rules=named_alternatives("request.asked", tuple(p.pattern for p in self.request)))


@dataclass(frozen=True, eq=False)
class Points:
    """How a letter numbers the points it raises ("1.", "2)", "Secondly,"), and how a note names one."""

    numbered: Pattern[str]  # a point's number at the start of a sentence: group n
    ordinals: dict[str, str]  # a point's ordinal word at the start of a sentence ("secondly") → its number
    named: Pattern[str]  # a note names the point it answers: group n (a number) or o (an ordinal word)
    ordinal_lead: Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        words = "|".join(sorted(self.ordinals, key=len, reverse=True)) or NEVER.pattern
        _set(self, ordinal_lead=re.compile(r"^\W*(?:and\s+)?(?P<o>" + words + r")\b", re.I))

    def number(self, word: str) -> str | None:
        """The number of an ordinal word or a numeral ("second" → "2")."""
        return word if word.isdigit() else self.ordinals.get(word.lower())


@dataclass(frozen=True, eq=False)
class Answers:
    """Answers: a reply letter citing the request, and a note stating what the addressee answered."""

    reply_cite: Pattern[str]  # "Your 121"
    cited_no: Pattern[str]
    letter_cite: Pattern[str]  # "your letter of September 2"
    received: Pattern[str]  # "… received." before the answer
    answer_before: Pattern[str]  # "Stalin's answer was sent …"
    quote: Pattern[str]
    lead_verdict: tuple[tuple[Outcome, Pattern[str]], ...]  # the first words decide
    amended_lead: Pattern[str]  # "I agree, but …" is an amendment, not agreement
    outcome_rules: tuple[tuple[Outcome, tuple[str, ...]], ...]  # else keywords, in order
    verbs: tuple[AnswerWording, ...]  # "Stalin agreed"
    nouns: tuple[AnswerWording, ...]  # "Stalin's consent"
    passives: tuple[AnswerWording, ...]  # "approved by Stalin"
    frames: tuple[str, str, str]  # the sentences around verbs, nouns and passives: <WHO> answered, <WORDS> them
    outcome_rx: tuple[tuple[Outcome, Pattern[str]], ...] = field(init=False, repr=False)
    amended: Pattern[str] = field(init=False, repr=False)
    wording_outcome: dict[str, Outcome | None] = field(init=False, repr=False)
    wording_rule: dict[str, str] = field(init=False, repr=False)  # named group → the wording's rule name
    outcome_names: tuple[tuple[str, ...], ...] = field(init=False, repr=False)  # per outcome rule, its words' names

    def __post_init__(self) -> None:
        # Each keyword a named group of its own, so that a match tells which one read the outcome.
        names = tuple(named_alternatives(f"outcome.{outcome.value}", words) for outcome, words in self.outcome_rules)
        rules = tuple((outcome, re.compile("|".join(f"(?P<k{j}>{w})" for j, w in enumerate(words)) or NEVER.pattern,
                                           re.I)) for outcome, words in self.outcome_rules)
        amended = next((rx for outcome, rx in rules if outcome is Outcome.AMENDED), NEVER)
        table = {f"a{k}": outcome for k, (_, outcome) in enumerate(self.verbs + self.nouns + self.passives)}
        wording = {f"a{k}": name for k, name in enumerate(
            named_alternatives("answer.verb", tuple(w for w, _ in self.verbs)) +
            named_alternatives("answer.noun", tuple(w for w, _ in self.nouns)) +
            named_alternatives("answer.passive", tuple(w for w, _ in self.passives)))}
        _set(self, outcome_rx=rules, amended=amended, wording_outcome=table, wording_rule=wording,
             outcome_names=names)

    def outcome_rule(self, index: int, match: re.Match[str]) -> str:
        """The name of the keyword of outcome rule `index` that `match` found."""
        return self.outcome_names[index][int((match.lastgroup or "k0")[1:])]

    def wording_groups(self, named: bool = True) -> tuple[str, str, str]:
        """The verbs, nouns and passives as alternatives; named groups tell which wording (so which outcome)
        a match is."""
        k = 0
        out = []
        for table in (self.verbs, self.nouns, self.passives):
            groups = (f"(?P<a{k + j}>{wording})" if named else wording for j, (wording, _) in enumerate(table))
            out.append("|".join(groups) or NEVER.pattern)
            k += len(table)
        return out[0], out[1], out[2]


@dataclass(frozen=True, eq=False)
class Decisions:
    """What a note says the Politburo decided, and other documents it describes."""

    pb: str  # the Politburo named: "PB", "the Politburo on June 16"
    verbs: tuple[str, ...]  # what it did: "approved", "referred"
    triggers: tuple[str, ...]  # the sentences that state a decision; <PB> and <VERBS> stand for the above
    by_the_pb: Pattern[str]  # "… by the PB": the date after it is the PB's own
    date_follows: Pattern[str]
    continued: Pattern[str]  # "…; on September 22 - the decision on …": a further decision
    noted_doc: Pattern[str]  # "Molotov sent a telegram"
    protocol: dict[str, Pattern[str]]  # rule name → a protocol number (group p) and its item (group i)
    trigger_rx: tuple[Pattern[str], ...] = field(init=False, repr=False)
    trigger_rules: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        verbs = "|".join(self.verbs) or NEVER.pattern
        _set(self, trigger_rx=tuple(re.compile(t.replace("<PB>", self.pb).replace("<VERBS>", verbs))
                                    for t in self.triggers),
             trigger_rules=named_alternatives("decision", tuple(t.replace("<PB>", " pb ").replace("<VERBS>", " did ")
                                                                for t in self.triggers)))


@dataclass(frozen=True, eq=False)
class Dates:
    """How the editors write a date they could not give as one day: "[Between August 10 and 14, 1931]"."""

    qualifiers: dict[str, tuple[str, str]]  # rule name → (the words, the bound they set: "from", "until", "between")
    choice: Pattern[str]  # between two days: one of them ("9 or 10")
    span: Pattern[str]  # between two days: any from the first to the second ("10 and 14", "3-4")


@dataclass(frozen=True, eq=False)
class Closings:
    """The end of a letter: greetings before the signature, the signature itself."""

    greeting_words: Pattern[str]
    sig_names: Pattern[str]
    yours: Pattern[str]
    greeting_line: Pattern[str]  # a line opening with a greeting is an address


@dataclass(frozen=True, eq=False)
class Names:
    """Names of persons, their initials and posts, and the address at a letter's head."""

    name: Pattern[str]
    name_full: Pattern[str]
    initials_and_family: Pattern[str]
    leading_initials: Pattern[str]
    title_words: Pattern[str]  # "Comrade X", "Director X": X is a person
    initials_name: Pattern[str]  # "A.B. X"
    name_list: Pattern[str]
    name_list_separator: Pattern[str]
    surname_end: Pattern[str]
    possessive: Pattern[str]
    not_names: frozenset[str]  # capitalised words that are not surnames
    address_lead: Pattern[str]
    address_words: Pattern[str]
    to_person: Pattern[str]
    not_address_words: Pattern[str]
    name_list_punct: Pattern[str]


@dataclass(frozen=True, eq=False)
class Sentences:
    """Where sentences end, and the abbreviations whose full stop ends none."""

    sentence_end: Pattern[str]
    abbreviation: Pattern[str]
    after_stop: Pattern[str]
    after_sentence: Pattern[str]
    before_stop: Pattern[str]
    before_capital: Pattern[str]


@dataclass(frozen=True, eq=False)
class Wordings:
    """Everything the engine asks of a language: what a line or a sentence is."""

    language: str
    headings: Headings
    sources: Sources
    marks: Marks
    dispatch: Dispatch
    numbers: Numbers
    requests: Requests
    points: Points
    answers: Answers
    decisions: Decisions
    closings: Closings
    names: Names
    sentences: Sentences
    dates: Dates
