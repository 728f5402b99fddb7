"""When not to answer: the abstention rule.

Retrieval always returns *something*, and on this corpus the dense and BM25 scores of
off-topic and real questions overlap. So the rule combines independent signals:
- lexical coverage: the idf-weighted share of the question's content words that the
  agreements use at all (a pizzeria or the weekend weather are simply not in them);
- the best passage's dense cosine similarity;
- the NLU's own verdict (out_of_scope), which alone is not trusted when the question is
  clearly about the agreements by the other two signals.
Thresholds live in settings and are measured by ``make bench``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    ANSWER = "answer"
    NO_CONTENT = "no_content"  # nothing but stop words, emoji or punctuation
    LOW_SIMILARITY = "low_similarity"
    LOW_COVERAGE = "low_coverage"
    OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Thresholds:
    min_dense: float
    min_coverage: float
    strong_dense: float
    out_of_scope_confidence: float = 0.6
    override_coverage: float = 0.85


@dataclass(frozen=True)
class Signals:
    terms: int  # content terms in the question
    coverage: float
    dense: float
    intent: str | None = None
    intent_confidence: float = 0.0


@dataclass(frozen=True)
class Decision:
    reason: Reason
    confidence: float

    @property
    def abstain(self) -> bool:
        return self.reason is not Reason.ANSWER


def decide(signals: Signals, t: Thresholds) -> Decision:
    confidence = answer_confidence(signals, t)
    if signals.terms == 0:
        return Decision(Reason.NO_CONTENT, 0.0)
    if signals.dense < t.min_dense:
        return Decision(Reason.LOW_SIMILARITY, confidence)
    if signals.coverage < t.min_coverage and signals.dense < t.strong_dense:
        return Decision(Reason.LOW_COVERAGE, confidence)
    clearly_on_topic = signals.coverage >= t.override_coverage and signals.dense >= t.strong_dense
    nlu_says_off_topic = (
        signals.intent == "out_of_scope" and signals.intent_confidence >= t.out_of_scope_confidence
    )
    if nlu_says_off_topic and not clearly_on_topic:
        return Decision(Reason.OUT_OF_SCOPE, confidence)
    return Decision(Reason.ANSWER, confidence)


def answer_confidence(signals: Signals, t: Thresholds) -> float:
    """A 0..1 figure for the payload: how similar and how well covered the question is."""
    span = max(t.strong_dense - t.min_dense, 1e-6)
    similarity = min(max((signals.dense - t.min_dense) / span, 0.0), 1.0)
    return round(0.5 * similarity + 0.5 * min(max(signals.coverage, 0.0), 1.0), 3)
