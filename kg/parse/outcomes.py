"""What an answer's words say of its outcome: agreed, rejected, abstained, amended, or other."""
from __future__ import annotations

from ..vocabulary import Outcome
from .wordings import get
from .wordings.base import Wordings


def classify_outcome(text: str, wordings: Wordings | None = None) -> Outcome:
    """The outcome a text states: its first words decide ("I agree with the protest against …"), else keywords."""
    return classify_outcome_rule(text, wordings)[0]


# The rule of an outcome no wording read: none of the wordings was found.
NO_WORDING = "outcome.other.no-wording"


def classify_outcome_rule(text: str, wordings: Wordings | None = None) -> tuple[Outcome, str]:
    """The outcome a text states and the name of the wording that read it."""
    w = (wordings or get()).answers
    lead = text.lstrip(" “\"«.:-–—")
    for outcome, rx in w.lead_verdict:
        if rx.match(lead) and not w.amended_lead.match(lead):
            return outcome, f"outcome.lead.{outcome.value}"
    for k, (outcome, rx) in enumerate(w.outcome_rx):
        if m := rx.search(text):
            return outcome, w.outcome_rule(k, m)
    return Outcome.OTHER, NO_WORDING


def note_outcome(worded: Outcome | None, wording: str, sentence: str, quote: str | None,
                 w: Wordings) -> tuple[Outcome, str]:
    """A note's answer and the rule that read it: amendments first, then the wording ("Stalin agreed"), then what
    he wrote."""
    if m := w.answers.amended.search(sentence):
        k = next(k for k, (outcome, _) in enumerate(w.answers.outcome_rx) if outcome is Outcome.AMENDED)
        return Outcome.AMENDED, w.answers.outcome_rule(k, m)
    if worded is not None and worded is not Outcome.OTHER:
        return worded, wording
    outcome, rule = classify_outcome_rule(quote or sentence, w)
    # "Stalin replied" with nothing more is an answer the wording itself states: its rule read it.
    return outcome, (wording or rule) if rule == NO_WORDING else rule
