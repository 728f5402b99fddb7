"""When not to answer: the abstention rule.

Retrieval always returns *something*, and on this corpus the dense and BM25 scores of
off-topic and real questions overlap. So the rule combines independent signals:
- lexical coverage: the idf-weighted share of the question's content words that the
  agreements use at all (a pizzeria or the weekend weather are simply not in them);
- the best passage's dense cosine similarity;
- the NLU's own verdict (out_of_scope), trusted only when it is confident and the question is
  weakly covered (NLU has no pretrained language model and takes many real questions for
  off-topic ones);
- the kind of answer asked for: a question for a date, a figure, a frequency, a case number or a
  phone number that no sentence near the best one can answer is not answered with another fact.
Thresholds live in settings and are measured by ``make bench``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from index.answer_types import AnswerType


class Reason(StrEnum):
    ANSWER = "answer"
    NO_CONTENT = "no_content"  # nothing but stop words, emoji or punctuation
    LOW_SIMILARITY = "low_similarity"
    LOW_COVERAGE = "low_coverage"
    UNKNOWN_WORDS = "unknown_words"  # several words the agreements never use, a weak match
    OUT_OF_SCOPE = "out_of_scope"
    NO_ANSWER_OF_KIND = "no_answer_of_kind"  # a date, figure or address asked for; none found


@dataclass(frozen=True)
class Thresholds:
    min_dense: float
    min_coverage: float
    strong_dense: float
    out_of_scope_confidence: float = 0.8
    out_of_scope_max_coverage: float = 0.6  # NLU's "off topic" counts only for a question this weakly covered
    unknown_words: int = 2  # this many words the agreements never use ...
    unknown_max_lexical: float = 0.35  # ... and a quoted sentence holding less of the question


@dataclass(frozen=True)
class Signals:
    terms: int  # content terms in the question
    coverage: float
    dense: float  # the best passage's cosine similarity
    intent: str | None = None
    intent_confidence: float = 0.0
    unknown: int = 0  # content words the agreements never use
    sentence_dense: float = 0.0  # the quoted sentence's cosine similarity
    lexical: float = 0.0  # the share of the question's words the quoted sentence holds
    answer_type: AnswerType = AnswerType.OTHER
    type_missing: bool = False  # a figure, date or address was asked for and none was found


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
    if signals.type_missing:
        return Decision(Reason.NO_ANSWER_OF_KIND, confidence)
    if signals.dense < t.min_dense:
        return Decision(Reason.LOW_SIMILARITY, confidence)
    if signals.coverage < t.min_coverage and signals.dense < t.strong_dense:
        return Decision(Reason.LOW_COVERAGE, confidence)
    if signals.unknown >= t.unknown_words and signals.lexical < t.unknown_max_lexical:
        return Decision(Reason.UNKNOWN_WORDS, confidence)
    nlu_says_off_topic = (
        signals.intent == "out_of_scope" and signals.intent_confidence >= t.out_of_scope_confidence
    )
    if nlu_says_off_topic and signals.coverage < t.out_of_scope_max_coverage:
        return Decision(Reason.OUT_OF_SCOPE, confidence)
    return Decision(Reason.ANSWER, confidence)


def answer_confidence(signals: Signals, t: Thresholds) -> float:
    """A 0..1 figure for the payload: how similar and how well covered the question is."""
    span = max(t.strong_dense - t.min_dense, 1e-6)
    similarity = min(max((signals.dense - t.min_dense) / span, 0.0), 1.0)
    return round(0.5 * similarity + 0.5 * min(max(signals.coverage, 0.0), 1.0), 3)
