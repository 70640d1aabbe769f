"""What an answer's words say of its outcome: agreed, rejected, abstained, amended, or other."""
from __future__ import annotations

from ..vocabulary import Outcome
from .wordings import get
from .wordings.base import Wordings


def classify_outcome(text: str, wordings: Wordings | None = None) -> Outcome:
    """The outcome a text states: its first words decide ("I agree with the protest against …"), else keywords."""
    w = (wordings or get()).answers
    lead = text.lstrip(" “\"«.:-–—")
    for outcome, rx in w.lead_verdict:
        if rx.match(lead) and not w.amended_lead.match(lead):
            return outcome
    for outcome, rx in w.outcome_rx:
        if rx.search(text):
            return outcome
    return Outcome.OTHER


def note_outcome(worded: Outcome | None, sentence: str, quote: str | None, w: Wordings) -> Outcome:
    """A note's answer: amendments first, then the wording ("Stalin agreed"), then what he wrote."""
    if w.answers.amended.search(sentence):
        return Outcome.AMENDED
    if worded is not None and worded is not Outcome.OTHER:
        return worded
    return classify_outcome(quote or sentence, w)
