"""The reply to the offer to pass an unanswered question on (the pending question is a slot)."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from actions.core import templates
from actions.core.pass_on import reply_to_offer
from knowledge.inbox import Inbox
from tests.databases import initialised, sqlite_url


def test_yes_stores_the_pending_question_and_says_so(tmp_path):
    inbox = Inbox(initialised(sqlite_url(tmp_path)))
    reply = reply_to_offer(inbox, "conv-1", "Vad kostar parkering vid sjukhuset?", accepted=True)
    assert reply == templates.PASSED_ON
    assert [(q.conversation, q.question) for q in inbox.list()] == [
        ("conv-1", "Vad kostar parkering vid sjukhuset?")
    ]


def test_no_stores_nothing(tmp_path):
    inbox = Inbox(initialised(sqlite_url(tmp_path)))
    assert reply_to_offer(inbox, "conv-1", "Väder?", accepted=False) == templates.NOT_PASSED_ON
    assert inbox.list() == []


def test_a_reply_with_no_pending_question_is_not_a_yes_to_anything(tmp_path):
    inbox = Inbox(initialised(sqlite_url(tmp_path)))
    assert reply_to_offer(inbox, "conv-1", None, accepted=True) == templates.NOTHING_TO_CONFIRM
    assert inbox.list() == []


class BrokenInbox(Inbox):
    def add(self, conversation: str, question: str):  # type: ignore[override]
        raise OperationalError("INSERT", {}, Exception("database is locked"))


def test_a_question_that_cannot_be_stored_is_not_said_to_be_passed_on(tmp_path):
    reply = reply_to_offer(BrokenInbox(initialised(sqlite_url(tmp_path))), "c", "Fråga?", accepted=True)
    assert reply == templates.PASS_ON_FAILED
