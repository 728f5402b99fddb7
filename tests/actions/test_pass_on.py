from actions.pass_on import unanswered_question

ABSTAIN = {
    "event": "bot",
    "text": "Jag hittar inget svar",
    "data": {"custom": {"answer": {"kind": "abstain"}}},
}
PASSAGE = {"event": "bot", "text": "Svar", "data": {"custom": {"answer": {"kind": "passage"}}}}


def user(text):
    return {"event": "user", "text": text}


def test_the_question_before_an_abstention_is_passed_on():
    events = [user("Vad kostar parkering vid sjukhuset?"), ABSTAIN, user("/pass_on")]
    assert unanswered_question(events) == "Vad kostar parkering vid sjukhuset?"


def test_nothing_is_passed_on_after_an_answer_or_without_history():
    assert unanswered_question([user("Hur följs HÖK upp?"), PASSAGE, user("ja")]) is None
    assert unanswered_question([user("ja")]) is None
    # Only the question right before the offer counts, not an older one.
    older = [user("Väder?"), ABSTAIN, user("Hur följs HÖK upp?"), PASSAGE, user("ja")]
    assert unanswered_question(older) is None
