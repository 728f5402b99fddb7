"""When not to answer: the learned decision (index/learned.py) and what the core reports of it.

Retrieval always finds *some* unit, so the answering core asks the decision, fitted on the written
questions the units answer and those the sources do not, how likely it is that the best unit
answers the question, and answers only at or above the threshold chosen on the dev half of the
question bank (``answer_threshold``). A question read together with the conversation's previous
one is preferred only when that makes it clearly more answerable (``follow_up_margin``): a question
that stands alone is answered alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from actions.core import templates
from knowledge.answer import Answer, AnswerKind, SourceRef


class Reason(StrEnum):
    ANSWER = "answer"
    NO_CONTENT = "no_content"  # nothing but stop words, emoji or punctuation
    NOT_ANSWERED = "not_answered"  # the decision finds the sources unlikely to answer it


@dataclass(frozen=True)
class Signals:
    """What decided a passage answer, for logs, the bench and the workspace's test pane."""

    probability: float  # that the sources answer the question (the learned decision)
    probability_alone: float  # of the question read alone
    probability_in_context: float | None  # read with the previous question (None: no previous one)
    follow_up: bool  # whether it was answered as a follow-up
    unit: str | None  # the best unit's id
    kind: str  # the kind of answer asked for
    terms: int  # content words in the question


@dataclass(frozen=True)
class Decision:
    reason: Reason
    confidence: float

    @property
    def abstain(self) -> bool:
        return self.reason is not Reason.ANSWER


def decide(signals: Signals, threshold: float) -> Decision:
    if signals.terms == 0:
        return Decision(Reason.NO_CONTENT, 0.0)
    confidence = round(signals.probability, 3)
    if signals.unit is None or signals.probability < threshold:
        return Decision(Reason.NOT_ANSWERED, confidence)
    return Decision(Reason.ANSWER, confidence)


def offered(
    text: str, sources: tuple[SourceRef, ...] = (), confidence: float = 0.0, area: str | None = None
) -> Answer:
    """An abstention that says why (``text``) and offers to pass the question on to the process lead."""
    return Answer(
        AnswerKind.ABSTAIN,
        text + "\n\n" + templates.ABSTAIN_OFFER,
        sources,
        confidence,
        area,
        buttons=templates.PASS_ON_BUTTONS,
    )
