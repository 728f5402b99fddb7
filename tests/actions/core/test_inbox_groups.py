"""The inbox groups what the assistant could not answer by meaning: abstentions, questions passed
on and 👎 with comments, counted, newest and largest first, and dismissed groups stay gone.
Fictitious questions; the fake embedder on the tiny fictitious corpus."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.core.inbox_groups import InboxGroups
from index.similarity import QuestionSimilarity
from knowledge.dismissals import Dismissals
from knowledge.feedback import FeedbackStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from tests.databases import initialised, sqlite_url

PARKING = "Vem betalar parkeringen vid testcentralen i Testby?"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2099, 1, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def inbox(core, tmp_path):
    url = initialised(sqlite_url(tmp_path))
    log = QuestionLog(url, Clock())
    similarity = QuestionSimilarity(lambda: core.passages.engine.retriever)
    groups = InboxGroups(log, Inbox(url), FeedbackStore(url), Dismissals(url), similarity, 0.8, 0.5)
    return groups, log, url


def test_alike_questions_form_one_group_counted_and_largest_first(inbox):
    groups, log, _ = inbox
    log.add(PARKING, "abstain")
    log.add("Hur bokar jag en lokal för testmötet?", "abstain")
    log.add("vem betalar parkeringen vid testcentralen i testby", "abstain")
    log.add("Vem betalar parkeringen vid testcentralen?", "abstain")
    log.add("Hur följer parterna upp överenskommelsen?", "passage")  # answered: not in the inbox
    found = groups.groups()
    assert [g.count for g in found] == [3, 1]
    assert found[0].question.lower().startswith("vem betalar parkeringen")
    assert len(found[0].phrasings) == 3 and found[0].sources == {"abstained": 3}
    assert found[0].first_seen < found[0].last_seen


def test_a_question_passed_on_is_not_counted_twice_and_thumbs_down_come_with_comments(inbox):
    groups, log, url = inbox
    log.add(PARKING, "abstain")
    Inbox(url).add("conv-1", PARKING)  # the same question, passed on
    Inbox(url).add("conv-2", "Vilken lokal har testmötet?")  # passed on, never logged
    FeedbackStore(url).add("conv-3", PARKING, "Ett svar.", "passage", [], "down", "Fel parkering")
    FeedbackStore(url).add("conv-4", "Bra fråga?", "Bra svar.", "passage", [], "up")
    items = groups.items()
    assert sorted(i.source for i in items) == ["abstained", "passed_on", "thumbs_down"]
    parking = next(g for g in groups.groups() if "parkeringen" in g.question)
    assert parking.count == 2 and parking.comments == ("Fel parkering",)


def test_a_dismissed_group_does_not_come_back(inbox):
    groups, log, _ = inbox
    log.add(PARKING, "abstain")
    log.add("Hur bokar jag en lokal för testmötet?", "abstain")
    key = next(g.key for g in groups.groups() if "parkeringen" in g.question)
    with pytest.raises(ValueError, match="varför"):
        groups.dismiss(key, "  ", by="pl.test")
    assert groups.dismiss(key, "Utanför uppdraget (fiktivt)", by="pl.test") == 1
    assert ["parkeringen" in g.question for g in groups.groups()] == [False]
    with pytest.raises(LookupError):
        groups.dismiss(key, "igen", by="pl.test")


def test_the_question_log_redacts_personal_identity_numbers(inbox):
    _, log, _ = inbox
    log.add("Gäller det 19121212-1212 i Testby?", "abstain")
    (logged,) = log.list()
    assert "19121212-1212" not in logged.question and "[personnummer borttaget]" in logged.question
