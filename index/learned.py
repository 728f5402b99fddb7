"""What the assistant learns from the written questions: which unit answers a question (a ranker
over :mod:`index.evidence`'s features), and whether to answer at all (a classifier over the
evidence for the best unit).

Both are linear models, fitted at index build time from the committed question corpus alone,
deterministically (no random state), in seconds on a CPU:
- the ranker is a conditional logit: the softmax over a question's units of a weighted sum of
  their features, fitted so the unit a written question was written for comes first;
- the decision is a logistic regression (scikit-learn) telling questions the units answer from
  questions the sources do not (the refused questions, and follow-up fragments read without the
  question they follow).
Every training question is scored with its own writer's questions hidden, so no question finds
itself or its twins. The decision's threshold is a setting, chosen on the dev half of the question
bank (``python -m tests.bench.calibrate``); the test half is never used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.answer_types import STRICT
from index.features import DECISION_FEATURES, PHRASING_FEATURES, UNIT_FEATURES

if TYPE_CHECKING:
    from index.evidence import Evidence


@dataclass(frozen=True)
class Scaled:
    """Feature standardisation: (x - mean) / scale."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]

    @classmethod
    def fit(cls, x: np.ndarray) -> Scaled:
        scale = x.std(axis=0)
        return cls(tuple(x.mean(axis=0).tolist()), tuple(np.where(scale > 1e-9, scale, 1.0).tolist()))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - np.asarray(self.mean)) / np.asarray(self.scale)


def _logistic(scaled: Scaled, weights: Sequence[float], intercept: float, features: np.ndarray) -> float:
    """A fitted logistic regression's probability for one row of features."""
    z = float(scaled(features) @ np.asarray(weights)) + intercept
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class UnitRanker:
    scaled: Scaled
    weights: tuple[float, ...]

    def scores(self, features: np.ndarray) -> np.ndarray:
        return self.scaled(features) @ np.asarray(self.weights)

    @staticmethod
    def probabilities(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """The softmax of ``scores`` over the allowed units (0 elsewhere)."""
        masked = np.where(allowed, scores, -np.inf)
        top = masked.max()
        if not np.isfinite(top):
            return np.zeros_like(scores)
        e = np.exp(masked - top)
        return e / e.sum()

    @classmethod
    def fit(cls, features: np.ndarray, positive: np.ndarray, strength: float = 1.0) -> UnitRanker:
        """``features``: questions × units × features; ``positive``: each question's unit."""
        from scipy.optimize import minimize

        flat = features.reshape(-1, features.shape[2])
        scaled = Scaled.fit(flat)
        z = scaled(features)
        rows = np.arange(len(positive))

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            s = z @ w
            s = s - s.max(axis=1, keepdims=True)
            e = np.exp(s)
            p = e / e.sum(axis=1, keepdims=True)
            value = -np.log(p[rows, positive] + 1e-12).sum() + strength * float(w @ w)
            grad = np.einsum("qu,quf->f", p, z) - z[rows, positive].sum(axis=0) + 2 * strength * w
            return float(value), grad

        found = minimize(loss, np.zeros(z.shape[2]), jac=True, method="L-BFGS-B")
        return cls(scaled, tuple(float(w) for w in found.x))


@dataclass(frozen=True)
class Ranked:
    """A question's units, best first, with the ranker's probabilities."""

    order: tuple[int, ...]  # unit indices, best first (allowed units only)
    probabilities: np.ndarray  # per unit

    @property
    def best(self) -> int | None:
        return self.order[0] if self.order else None


def rank(ranker: UnitRanker, evidence: Evidence) -> Ranked:
    scores = ranker.scores(evidence.features)
    probabilities = UnitRanker.probabilities(scores, evidence.allowed)
    allowed = np.flatnonzero(evidence.allowed)
    order = allowed[np.argsort(-scores[allowed], kind="stable")]
    return Ranked(tuple(int(i) for i in order), probabilities)


def decision_features(evidence: Evidence, ranked: Ranked, year_missing: bool) -> np.ndarray:
    """The decision's features (:data:`DECISION_FEATURES`) for a question's best unit."""
    best = ranked.best
    if best is None:
        return np.zeros(len(DECISION_FEATURES))
    f = evidence.features[best]
    col = {name: i for i, name in enumerate(UNIT_FEATURES)}
    p = ranked.probabilities
    second = p[ranked.order[1]] if len(ranked.order) > 1 else 0.0
    # What the reply would quote holds no answer of the strict kind asked for (a neighbour that holds
    # it is quoted with the best unit: index/quote.py).
    strict_missing = evidence.analysis.answer_type in STRICT and not evidence.kind_quotable[best]
    words = len(evidence.asked.text.split())
    return np.asarray(
        [
            p[best],
            p[best] - second,
            f[col["question_dense"]],
            f[col["question_dense_2"]],
            f[col["question_vote"]],
            f[col["unit_dense"]],
            f[col["lexical"]],
            float(strict_missing),
            evidence.answered_dense,
            evidence.refused_dense,
            evidence.answered_dense - evidence.refused_dense,
            math.log1p(evidence.answered_words),
            math.log1p(evidence.refused_words),
            evidence.refused_share,
            evidence.coverage,
            float(evidence.unknown),
            float(year_missing),
            math.log1p(words),
            f[col["bare"]],
            f[col["bare_unit_dense"]],
        ]
    )


@dataclass(frozen=True)
class AnswerDecision:
    """The probability that the sources answer a question, from its best unit's evidence."""

    scaled: Scaled
    weights: tuple[float, ...]
    intercept: float

    def probability(self, features: np.ndarray) -> float:
        return _logistic(self.scaled, self.weights, self.intercept, features)

    @classmethod
    def fit(cls, features: np.ndarray, answerable: np.ndarray, strength: float = 1.0) -> AnswerDecision:
        from sklearn.linear_model import LogisticRegression

        scaled = Scaled.fit(features)
        model = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced")
        model.fit(scaled(features), answerable)
        return cls(scaled, tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))


@dataclass(frozen=True)
class PhrasingMatcher:
    """Whether a question asks what a set of phrasings asks (a curated answer's): the probability,
    and the threshold above which it is a match."""

    scaled: Scaled
    weights: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, features: np.ndarray) -> float:
        return _logistic(self.scaled, self.weights, self.intercept, features)

    @classmethod
    def fit(cls, features: np.ndarray, same: np.ndarray, max_false: float = 0.01) -> PhrasingMatcher:
        """Fit on (question, phrasings) pairs; the threshold lets at most ``max_false`` of the
        pairs that do not ask the same thing through (a wrong curated answer is worse than none)."""
        from sklearn.linear_model import LogisticRegression

        scaled = Scaled.fit(features)
        model = LogisticRegression(max_iter=5000, class_weight="balanced").fit(scaled(features), same)
        matcher = cls(scaled, tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]), 1.0)
        negatives = sorted((matcher.probability(f) for f, s in zip(features, same, strict=True) if not s),
                           reverse=True)  # fmt: skip
        allowed = int(max_false * len(negatives))
        threshold = negatives[allowed] + 1e-9 if negatives else 0.5
        return cls(matcher.scaled, matcher.weights, matcher.intercept, min(max(threshold, 0.5), 0.999))


@dataclass(frozen=True)
class Learned:
    """The fitted models, with what they were fitted on."""

    ranker: UnitRanker
    decision: AnswerDecision
    phrasings: PhrasingMatcher
    trained_on: str  # the question corpus's fingerprint and the index it was scored against
    report: dict[str, float]  # training figures (leave-writer-out), for the build's log

    def save(self, path: Path) -> None:
        payload = {
            "unit_features": list(UNIT_FEATURES),
            "decision_features": list(DECISION_FEATURES),
            "phrasing_features": list(PHRASING_FEATURES),
            **asdict(self),
        }
        path.write_text(json.dumps(payload, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Learned:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if (
            raw["unit_features"] != list(UNIT_FEATURES)
            or raw["decision_features"] != list(DECISION_FEATURES)
            or raw.get("phrasing_features") != list(PHRASING_FEATURES)
        ):
            raise ValueError(f"{path} was fitted on other features; rebuild the index")

        def scaled(r: dict[str, list[float]]) -> Scaled:
            return Scaled(tuple(r["mean"]), tuple(r["scale"]))

        ranker = UnitRanker(scaled(raw["ranker"]["scaled"]), tuple(raw["ranker"]["weights"]))
        d = raw["decision"]
        decision = AnswerDecision(scaled(d["scaled"]), tuple(d["weights"]), float(d["intercept"]))
        m = raw["phrasings"]
        phrasings = PhrasingMatcher(
            scaled(m["scaled"]), tuple(m["weights"]), float(m["intercept"]), float(m["threshold"])
        )
        return cls(ranker, decision, phrasings, raw["trained_on"], raw["report"])


@dataclass(frozen=True)
class TrainingQuestion:
    """A written question as training sees it."""

    text: str  # as searched (a follow-up with the question it follows)
    focus: str | None  # a follow-up's own words
    unit: int | None  # the unit it was written for (None: the sources do not answer it)
    writer: str
    after: str | None = None  # the question a follow-up follows
    hide_document: str | None = None  # asked as if this document had no written questions


def fit(
    questions: Sequence[TrainingQuestion],
    evidence_of: Callable[[TrainingQuestion, int | None], Evidence],
    year_missing: Callable[[Evidence, int], bool],
    phrasings: PhrasingMatcher,
    trained_on: str,
) -> Learned:
    """Fit the ranker on the answerable questions, then the decision on all of them.

    A follow-up is read with the unit that would have answered the question it follows (as the
    conversation's previous answer is at run time): a first ranker, fitted without that context,
    finds the unit; the ranker is then fitted again with it."""
    evidences = [evidence_of(q, None) for q in questions]
    answerable = [i for i, q in enumerate(questions) if q.unit is not None]
    positive = np.asarray([questions[i].unit for i in answerable])
    first = UnitRanker.fit(np.stack([evidences[i].features for i in answerable]), positive)
    previous: dict[str, int | None] = {}
    for i, q in enumerate(questions):
        if q.after is None:
            continue
        if q.after not in previous:
            before = TrainingQuestion(q.after, None, None, q.writer)
            previous[q.after] = rank(first, evidence_of(before, None)).best
        if previous[q.after] is not None:
            evidences[i] = evidence_of(q, previous[q.after])
    ranker = UnitRanker.fit(np.stack([evidences[i].features for i in answerable]), positive)
    rows, labels, hits = [], [], 0
    for question, evidence in zip(questions, evidences, strict=True):
        ranked = rank(ranker, evidence)
        best = ranked.best
        rows.append(decision_features(evidence, ranked, best is not None and year_missing(evidence, best)))
        labels.append(question.unit is not None)
        hits += question.unit is not None and best == question.unit
    decision = AnswerDecision.fit(np.stack(rows), np.asarray(labels))
    report = {"questions": float(len(answerable)), "refused": float(len(questions) - len(answerable)),
              "ranker_top1": hits / max(len(answerable), 1)}  # fmt: skip
    return Learned(ranker, decision, phrasings, trained_on, report)
