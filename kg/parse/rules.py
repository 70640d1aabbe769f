"""Every rule the parser infers or normalises something with, by the name the records give it (Response.rule,
Decision.rule, Request.rule, ArchiveRef.slip_rules …), with what it does: the build's `rule/{name}` nodes.

A wording's name is made from its group and its first words (wordings.base.rule_name), so it stays the same
while the wording does; the engine's own rules are named here.
"""
from __future__ import annotations

from . import archive, outcomes, replies, statements
from .wordings import get
from .wordings.base import Wordings

ENGINE_RULES = {
    archive.SPLIT_NUMBER_RULE: "A number the OCR split with a space is joined: 'Op. 1 1.' is Op. 11.",
    archive.OPIS_P_RULE: "'Op. P.' (or 'П') is the OCR of 'Оп. 11': opis 11.",
    archive.OPIS_LABEL_RULE: "'On.' and '0p.' are the OCR of 'Op.'.",
    archive.SHEETS_RULE: "Sheets are written uniformly: a dash as '–', lists with ', '.",
    archive.IBID_RULE: "'Ibid.' takes the parts it does not restate from the reference before it.",
    outcomes.NO_WORDING: "No wording of an outcome was found: the outcome is 'other'.",
    replies.PROPOSAL_RULE: "A proposal sent to Stalin is a request for his approval.",
    replies.REPLY_CITED_RULE: "A reply letter that cites a request's number ('Your 121') answers that request.",
    statements.DISPATCH_RULE: "A note says when and where the letter was sent.",
    statements.FORWARD_RULE: "A note says the letter was forwarded under a number.",
    statements.NOTED_RULE: "A note describes another document ('Molotov sent a telegram').",
    statements.CONTINUED_RULE: "A further PB decision follows a reference in the same sentence ('…), on "
                               "September 22 - the decision on …').",
    "outcome.lead.agreed": "A reply's first words agree ('I agree', 'For').",
    "outcome.lead.rejected": "A reply's first words reject ('I object', 'Against').",
}


def rules(wordings: Wordings | None = None) -> dict[str, str]:
    """Every rule's name → what it reads or does, the language's wordings' and the engine's, sorted by name."""
    w = wordings or get()
    out = dict(ENGINE_RULES)
    for name, rx in zip(w.requests.opinion_rules, w.requests.opinion, strict=True):
        out[name] = f"Stalin's letter asks for an opinion: /{rx.pattern}/"
    for name, rx in zip(w.requests.request_rules, w.requests.request, strict=True):
        out[name] = f"A letter asks for an answer: /{rx.pattern}/"
    wordings_ = w.answers.verbs + w.answers.nouns + w.answers.passives
    for k, (words, outcome) in enumerate(wordings_):
        said = f"says the answer was {outcome.value}" if outcome else "says only that he wrote"
        out[w.answers.wording_rule[f"a{k}"]] = f"A note states the addressee's answer: /{words}/ ({said})."
    for keyword_names, (outcome, keywords) in zip(w.answers.outcome_names, w.answers.outcome_rules, strict=True):
        for name, word in zip(keyword_names, keywords, strict=True):
            out[name] = f"The words of an answer say it was {outcome.value}: /{word}/"
    for name, trigger in zip(w.decisions.trigger_rules, w.decisions.triggers, strict=True):
        out[name] = f"A note states a PB decision: /{trigger}/"
    for name, rx in w.decisions.protocol.items():
        out[name] = f"A note gives the decision's PB protocol and item: /{rx.pattern}/"
    for name, (words, bound) in w.dates.qualifiers.items():
        out[name] = f"The editors date a letter {bound} a day: /{words}/"
    return dict(sorted(out.items()))
