import pytest

from actions.core.abstention import Reason, Signals, Thresholds, answer_confidence, decide

T = Thresholds(min_dense=0.80, min_coverage=0.45, strong_dense=0.86)


@pytest.mark.parametrize(
    ("signals", "reason"),
    [
        (Signals(terms=0, coverage=0.0, dense=0.9), Reason.NO_CONTENT),
        (Signals(terms=3, coverage=1.0, dense=0.70), Reason.LOW_SIMILARITY),
        (Signals(terms=3, coverage=0.2, dense=0.83), Reason.LOW_COVERAGE),
        (Signals(terms=3, coverage=0.2, dense=0.90), Reason.ANSWER),  # strong similarity carries it
        (Signals(terms=3, coverage=0.9, dense=0.83), Reason.ANSWER),
        (
            Signals(terms=3, coverage=0.7, dense=0.83, intent="out_of_scope", intent_confidence=0.9),
            Reason.OUT_OF_SCOPE,
        ),
        # The NLU's off-topic verdict is overruled when both other signals say it is on topic.
        (
            Signals(terms=3, coverage=0.95, dense=0.90, intent="out_of_scope", intent_confidence=0.9),
            Reason.ANSWER,
        ),
        # ... and is not trusted when it is unsure.
        (
            Signals(terms=3, coverage=0.7, dense=0.83, intent="out_of_scope", intent_confidence=0.4),
            Reason.ANSWER,
        ),
    ],
)
def test_decision(signals, reason):
    decision = decide(signals, T)
    assert decision.reason is reason
    assert decision.abstain == (reason is not Reason.ANSWER)


def test_confidence_grows_with_similarity_and_coverage():
    low = answer_confidence(Signals(3, 0.3, 0.80), T)
    high = answer_confidence(Signals(3, 0.9, 0.88), T)
    assert 0.0 <= low < high <= 1.0
