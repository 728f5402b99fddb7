"""The overview's figures: questions per day by outcome, and answers flagged by repeated 👎."""

from __future__ import annotations

import datetime as dt

from knowledge.answer import AnswerKind
from knowledge.feedback import Feedback, Rating
from knowledge.inbox import Unanswered
from knowledge.question_log import LoggedQuestion
from knowledge.statistics import per_day, rated_answers

DAY = dt.datetime(2099, 1, 10, 9, 0, tzinfo=dt.UTC)


def _rating(n: int, answer: str, rating: Rating, days_ago: int = 0, comment: str | None = None) -> Feedback:
    at = DAY - dt.timedelta(days=days_ago)
    return Feedback(n, at, "c", "Fråga?", answer, AnswerKind.PASSAGE, (), rating, comment)


def test_questions_per_day_count_answers_abstentions_passes_and_ratings():
    questions = [
        LoggedQuestion(1, DAY, "a", "passage", ""),
        LoggedQuestion(2, DAY, "b", "abstain", ""),
        LoggedQuestion(3, DAY - dt.timedelta(days=1), "c", "curated", ""),
        LoggedQuestion(4, DAY - dt.timedelta(days=30), "old", "abstain", ""),  # outside the window
    ]
    passed = [Unanswered(1, DAY, "c", "b", "new")]
    days = per_day(questions, passed, [_rating(1, "x", Rating.DOWN)], DAY.date(), 3)
    assert [d.day.isoformat() for d in days] == ["2099-01-08", "2099-01-09", "2099-01-10"]
    today = days[-1]
    assert (today.answered, today.abstained, today.passed_on, today.thumbs_down) == (1, 1, 1, 1)
    assert days[1].answered == 1 and days[0].questions == 0


def test_an_answer_with_repeated_thumbs_down_is_flagged_for_review():
    feedback = [
        _rating(1, "Ett bra svar.", Rating.UP),
        _rating(2, "Ett dåligt svar.", Rating.DOWN, 2, "Fel"),
        _rating(3, "Ett dåligt svar.", Rating.DOWN, 1),
        _rating(4, "Ett omstritt svar.", Rating.DOWN),
        _rating(5, "Ett omstritt svar.", Rating.DOWN),
        _rating(6, "Ett omstritt svar.", Rating.UP),
        _rating(7, "Ett omstritt svar.", Rating.UP),
    ]
    rated = rated_answers(feedback)
    assert (rated[0].answer, rated[0].flagged) == ("Ett dåligt svar.", True)
    assert {r.answer: r.flagged for r in rated} == {
        "Ett dåligt svar.": True, "Ett omstritt svar.": False, "Ett bra svar.": False,
    }  # fmt: skip
    assert rated[0].comments == ("Fel",)
