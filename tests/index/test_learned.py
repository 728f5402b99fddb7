"""The learned decision to answer: it separates what it was fitted on, and the same corpus fits the
same model."""

from __future__ import annotations

import numpy as np

from index.learned import AnswerDecision


def _toy(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two features; answerable when they add up to more than one."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, size=(600, 2))
    y = x.sum(axis=1) > 1.0
    return x, y


def test_the_decision_tells_answerable_from_refused_questions_it_was_fitted_on():
    x, y = _toy()
    decision = AnswerDecision.fit(x, y)
    predicted = np.asarray([decision.probability(row) >= 0.5 for row in x])
    assert (predicted == y).mean() > 0.9
    assert decision.probability(np.asarray([0.8, 0.8])) > 0.5
    assert decision.probability(np.asarray([0.2, 0.2])) < 0.5


def test_the_same_questions_fit_the_same_decision():
    x, y = _toy()
    first, second = AnswerDecision.fit(x, y), AnswerDecision.fit(x, y)
    rows = _toy(seed=1)[0][:50]
    assert [first.probability(r) for r in rows] == [second.probability(r) for r in rows]
