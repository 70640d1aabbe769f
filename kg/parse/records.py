"""Plain records passed between the pipeline stages (parse → build)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..vocabulary import Evidence, Outcome, Role


@dataclass(slots=True)
class Warning_:
    """Something in a source the parser could not interpret, with where it stands."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(slots=True)
class ArchiveRef:
    """One archival reference: archive, fond, opis, delo, sheets and what the text says."""

    line: int
    as_written: str
    archive: str | None = None
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    sheets: str | None = None
    description: str | None = None
    # Parts whose written form differs from the normalised value ("Op. P." → 11).
    slips: dict[str, str] = field(default_factory=dict)
    slip_rules: dict[str, str] = field(default_factory=dict)  # part → name of the rule that normalised it
    ibid_of: int | None = None  # line of the reference an "Ibid." was completed from
    ibid_candidates: list[str] = field(default_factory=list)  # citations an ambiguous "Ibid." could mean

    @property
    def citation(self) -> str:
        """The normalised, citable form: RGASPI F. 558. Op. 11. D. 86. L. 2–4."""
        parts = [self.archive or ""]
        for label, value in (("F.", self.fond), ("Op.", self.opis), ("D.", self.delo), ("L.", self.sheets)):
            if value:
                parts.append(f"{label} {value}.")
        text = " ".join(p for p in parts if p).rstrip(".")
        if not (self.fond or self.delo) and self.description:
            text = f"{text} {self.description}".strip()
        return text


@dataclass(slots=True)
class DateRange:
    """A date as the source gives it: the words, and the interval they allow, in EDTF."""

    expressed: str  # as written, brackets included: "[Between August 10 and 14, 1931]"
    edtf: str  # "1934-10-09", "1934-10", "1931-08-10/1931-08-14", "1934-10-03/..", "../1932-06-12"
    earliest: str | None  # first day the interval allows (ISO), None when open at the start
    latest: str | None  # last day it allows (ISO), None when open at the end
    supplied: str | None = None  # what the editors supplied in [ ]: "whole", "year", "month", "day", or None


@dataclass(slots=True)
class Mention:
    """A name found in a letter's unit, resolved to an authority entry or provisional."""

    line: int
    surface: str
    key: str  # authority local id, e.g. "person/stalin"
    kind: str  # person, place, organisation
    provisional: bool = False
    family_name: str | None = None


@dataclass(slots=True)
class Transmission:
    """When and where a letter was sent, and what the text says."""

    line: int
    as_written: str
    place: str | None = None
    date: str | None = None  # ISO date
    time: str | None = None  # HH:MM
    incoming_no: str | None = None
    date_range: DateRange | None = None


@dataclass(slots=True)
class Footnote:
    """An editorial note: numbered or not, its text and the line it starts on."""

    line: int
    text: str
    number: str | None = None
    marker_line: int | None = None
    publications: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Response:
    """The addressee's answer to a request, as a note or a reply letter states it."""

    outcome: Outcome
    line: int  # the note's first line, or the line of the reply letter that cites the request
    evidence: Evidence
    text: str
    date: str | None = None
    time: str | None = None
    place: str | None = None
    ref: ArchiveRef | None = None
    reply_line: int | None = None  # heading line of the reply letter
    reply_source: str | None = None
    words_line: int | None = None  # line of the words that state the answer (the note may begin earlier)
    rule: str = ""  # name of the wording that read the outcome
    date_range: DateRange | None = None

    @property
    def footnote_line(self) -> int | None:
        """The first line of the note that states the answer (None for an answer read from a reply letter)."""
        return self.line if self.evidence == Evidence.FOOTNOTE else None


@dataclass(slots=True)
class Decision:
    """A Politburo decision an editorial note records."""

    line: int  # the note's first line
    date: str | None
    wording: str
    ref: ArchiveRef | None = None  # the first place the note cites
    publication: str | None = None
    more_refs: list[ArchiveRef] = field(default_factory=list)  # further places cited for the same decision
    words_line: int | None = None  # line of the words that state the decision
    protocol: str | None = None  # PB protocol number, where the note gives it
    item: str | None = None  # item (punkt) of the protocol
    rule: str = ""  # name of the wording that found it


@dataclass(slots=True)
class Request:
    """One thing a letter asks the addressee to decide, with the answer the edition records."""

    line: int  # line of the words that ask
    text: str
    number: str | None = None  # the point's number where the letter numbers its points
    response: Response | None = None
    rule: str = ""  # name of the wording that found it


@dataclass(slots=True)
class NotedDocument:
    """A document an editorial note describes (another telegram, a resolution)."""

    line: int
    text: str
    sender: str | None = None  # authority key
    date: str | None = None
    ref: ArchiveRef | None = None


@dataclass(slots=True)
class Letter:
    """One letter of the edition with everything its unit states."""

    source: str
    line: int
    end_line: int
    heading: str
    authors: list[str]  # names as written
    recipients: list[str]
    author_keys: list[str] = field(default_factory=list)
    recipient_keys: list[str] = field(default_factory=list)
    recipient_groups: list[str] = field(default_factory=list)  # bodies addressed, as written ("members of the PB")
    recipient_group_keys: list[str] = field(default_factory=list)
    date: str | None = None  # ISO date, or YYYY-MM when only the month is known
    date_as_written: str = ""
    date_editorial: bool = False
    date_range: DateRange | None = None
    edition: str | None = None
    edition_line: int | None = None
    archive_line: int | None = None
    archive_refs: list[ArchiveRef] = field(default_factory=list)
    form: str | None = None
    form_line: int | None = None
    handling: list[str] = field(default_factory=list)
    transmission: Transmission | None = None
    received: str | None = None  # "Entered the Central Committee … for interpretation on …"
    dateline: str | None = None
    address: str | None = None
    address_line: int | None = None
    body: list[tuple[int, str]] = field(default_factory=list)
    signature: str | None = None
    signature_line: int | None = None
    secretary_note: str | None = None
    secretary_line: int | None = None
    secretary_marker: tuple[int, str] | None = None  # (line, number) of the note marker after the secretary's date
    cipher_nos: list[str] = field(default_factory=list)
    outgoing_no: str | None = None
    forwarded_no: str | None = None
    forwarded_by: str | None = None
    footnotes: list[Footnote] = field(default_factory=list)
    request_text: str | None = None  # the first request's words (requests[0])
    request_line: int | None = None
    requests: list[Request] = field(default_factory=list)  # every request, in the order of the text
    cited_numbers: list[tuple[int, str]] = field(default_factory=list)  # (line, "121") from "Your 121"
    reply_outcome: Outcome | None = None
    reply_text: str | None = None
    reply_outcomes: dict[str, tuple[Outcome, str]] = field(default_factory=dict)  # cited number → (outcome, text)
    cited_letters: list[tuple[int, str]] = field(default_factory=list)  # (line, "1931-09-02"): "your letter of …"
    response: Response | None = None
    decisions: list[Decision] = field(default_factory=list)
    noted: list[NotedDocument] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    replies_to: list[tuple[str, int]] = field(default_factory=list)  # (source, heading line) of answered letters

    @property
    def is_request(self) -> bool:
        return self.request_text is not None or self.response is not None


@dataclass(slots=True)
class Page:
    """A parsed source page: its preamble, letters and warnings."""

    source: str
    path: str
    sha256: str
    title: str | None
    preamble: list[tuple[int, str]]
    letters: list[Letter]
    warnings: list[Warning_]
    line_count: int
    roles: dict[int, Role] = field(default_factory=dict)  # line → what it became (heading, body, footnote …)
    nonblank: list[int] = field(default_factory=list)  # every non-blank line of the page
    unclear: dict[int, str] = field(default_factory=dict)  # line → why it was not understood
    encoding: str = "utf-8"
    lines: list[str] = field(default_factory=list, repr=False)  # the page's text, line by line
    counted: tuple[int, int] | None = None  # coverage() of a digest, which keeps no roles

    def coverage(self) -> tuple[int, int]:
        """(lines accounted for, non-blank lines)."""
        if self.counted is not None:
            return self.counted
        done = sum(1 for n in self.nonblank if n in self.roles and n not in self.unclear)
        return done, len(self.nonblank)
