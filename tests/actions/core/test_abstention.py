"""The decision to answer: the learned probability against the threshold chosen on the dev half."""

import pytest

from actions.core.abstention import Reason, Signals, decide


def signals(probability: float, terms: int = 3, unit: str | None = "u1") -> Signals:
    return Signals(probability, probability, None, False, unit, "other", terms)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (signals(0.9, terms=0), Reason.NO_CONTENT),  # nothing but stop words, emoji, punctuation
        (signals(0.39), Reason.NOT_ANSWERED),
        (signals(0.4), Reason.ANSWER),  # at the threshold: answered
        (signals(0.95, unit=None), Reason.NOT_ANSWERED),  # no unit in the documents asked about
    ],
)
def test_the_learned_probability_decides_against_the_threshold(given: Signals, reason: Reason):
    decision = decide(given, threshold=0.4)
    assert decision.reason is reason
    assert decision.abstain is (reason is not Reason.ANSWER)


def test_the_confidence_is_the_probability_that_the_sources_answer():
    assert decide(signals(0.83456), 0.4).confidence == 0.835
    assert decide(signals(0.9, terms=0), 0.4).confidence == 0.0
