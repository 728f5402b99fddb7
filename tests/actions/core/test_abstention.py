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
            Signals(terms=3, coverage=0.5, dense=0.83, intent="out_of_scope", intent_confidence=0.9),
            Reason.OUT_OF_SCOPE,
        ),
        # The NLU's off-topic verdict is overruled when the question is well covered.
        (
            Signals(terms=3, coverage=0.7, dense=0.83, intent="out_of_scope", intent_confidence=0.9),
            Reason.ANSWER,
        ),
        # ... and is not trusted when it is unsure.
        (
            Signals(terms=3, coverage=0.5, dense=0.83, intent="out_of_scope", intent_confidence=0.6),
            Reason.ANSWER,
        ),
        # A date, a figure or an address asked for and none found near the best sentence.
        (Signals(terms=3, coverage=1.0, dense=0.9, type_missing=True), Reason.NO_ANSWER_OF_KIND),
        # Several words the agreements never use, and a sentence holding little of the question.
        (Signals(terms=4, coverage=0.6, dense=0.86, unknown=2, lexical=0.2), Reason.UNKNOWN_WORDS),
        (Signals(terms=4, coverage=0.6, dense=0.86, unknown=2, lexical=0.6), Reason.ANSWER),
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
