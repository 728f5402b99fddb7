"""The workspace's "Prova": what the bot would answer a question, said in plain Swedish for the
process lead — the kind of answer, its text, the source passage or curated answer it comes from,
and how sure the bot is — with the raw signals kept for a "Tekniska detaljer" disclosure.

How sure ("hög", "medel", "låg") is the decision's probability ``p`` against the threshold ``t``
the bot answers at (the passage decision's ``answer_threshold``, the curated matcher's own
threshold; register and rule answers are facts, taken against 0.5):

- **hög**: ``p ≥ t + (1 − t) / 2`` — at least halfway from the threshold to certainty;
- **medel**: ``t ≤ p`` below that — answered, but nearer the threshold than certainty;
- **låg**: ``p < t`` — not answered from this (for "Inget svar", the best passage found).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

from actions.core.citations import document_link
from actions.core.curated import CURATOR_DOC, Match
from actions.core.passages import Considered
from knowledge.answer import Answer, AnswerKind, SourceRef

KIND_LABELS = {
    AnswerKind.CURATED: "Svar från processledaren",
    AnswerKind.REGISTRY: "Uppgift ur registret",
    AnswerKind.RULE: "Uppgift ur registret",
    AnswerKind.PASSAGE: "Citat ur källan",
    AnswerKind.CLARIFY: "Motfråga",
    AnswerKind.ABSTAIN: "Inget svar",
}
FACT_THRESHOLD = 0.5  # register and rule answers: 1.0 when certain, 0.5 when something is missing
LEVEL_TEXT = {
    "hög": "Boten är säker på svaret.",
    "medel": "Boten svarar, men nära gränsen för när den hellre avstår.",
    "låg": "Boten är inte säker och svarar inte med detta.",
}


@dataclass(frozen=True)
class TrialSource:
    title: str
    section: str
    path: str  # the source viewer's page with the passage


@dataclass(frozen=True)
class TrialCurated:
    id: int
    date: str  # when it was published (today, for a draft tried as if published): never empty
    path: str  # its page in the workspace

    @property
    def attribution(self) -> str:
        return f"Svar från processledaren, {self.date}"


@dataclass(frozen=True)
class TrialExplanation:
    question: str
    kind: str  # the Swedish kind (KIND_LABELS)
    text: str  # what the bot would say (a curated answer without its attribution line)
    sources: tuple[TrialSource, ...]
    curated: TrialCurated | None
    level: str  # "hög" | "medel" | "låg"
    level_text: str  # the level in a sentence
    details: tuple[tuple[str, str], ...]  # the raw signals, for "Tekniska detaljer"


def level(probability: float, threshold: float) -> str:
    """How sure, by the bands in the module's docstring."""
    if probability < threshold:
        return "låg"
    return "hög" if probability >= threshold + (1.0 - threshold) / 2 else "medel"


def explain(
    question: str,
    considered: Considered | Answer,
    answer_threshold: float,
    *,
    match: Match | None = None,
    match_threshold: float | None = None,
    answer_date: Callable[[int], dt.datetime | None] = lambda _: None,
    link: Callable[[SourceRef], str] | None = None,
    today: dt.date | None = None,
) -> TrialExplanation:
    """``considered``: what :meth:`AnsweringCore.consider` decided; ``match``: the curated match
    (``CuratedAnswers.match`` or ``best``) when the answer is curated, ``match_threshold`` the
    matcher's threshold; ``answer_date``: a curated answer's publication time by id, for a match
    that has none; ``link``: the core's citation link (``core.citations.link``)."""
    answer = considered.answer if isinstance(considered, Considered) else considered
    details: list[tuple[str, str]] = [("kind", answer.kind.value), ("confidence", _number(answer.confidence))]
    curated = None
    text = answer.text
    if isinstance(considered, Considered):
        signals = asdict(considered.signals)
        details += [(name, _value(value)) for name, value in signals.items()]
        details += [("decision", considered.decision.reason.value), ("threshold", _number(answer_threshold))]
        sure = level(considered.signals.probability, answer_threshold)
    elif answer.kind is AnswerKind.CURATED and match is not None:
        threshold = match_threshold if match_threshold is not None else answer_threshold
        when = match.published_at or answer_date(match.answer_id)
        date = f"{when:%Y-%m-%d}" if when else f"{today or dt.datetime.now(dt.UTC).date():%Y-%m-%d}"
        curated = TrialCurated(match.answer_id, date, f"/admin/svar/{match.answer_id}")
        text = match.content.answer
        details += [
            ("answer_id", str(match.answer_id)), ("phrasing", match.phrasing),
            ("dense", _number(match.dense)), ("lexical", _number(match.lexical)),
            ("probability", _number(match.probability)), ("threshold", _number(threshold)),
        ]  # fmt: skip
        sure = level(match.probability, threshold)
    elif answer.kind in (AnswerKind.REGISTRY, AnswerKind.RULE):
        sure = level(answer.confidence, FACT_THRESHOLD)
    else:
        sure = level(answer.confidence, answer_threshold)
    sources = tuple(
        TrialSource(s.title, s.section, s.url or (link(s) if link else document_link(s.doc)))
        for s in answer.sources
        if s.doc != CURATOR_DOC
    )
    return TrialExplanation(
        question=question,
        kind=KIND_LABELS[answer.kind],
        text=text,
        sources=sources,
        curated=curated,
        level=sure,
        level_text=LEVEL_TEXT[sure],
        details=tuple(details),
    )


def _number(value: float) -> str:
    return f"{value:.3f}"


def _value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return _number(value)
    return str(value)
