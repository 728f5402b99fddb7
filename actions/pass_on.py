"""Passing an unanswered question on to the process lead, when the user accepts the offer."""

from __future__ import annotations

from typing import Any

from actions import templates
from knowledge.answer import AnswerKind
from knowledge.inbox import Inbox


def unanswered_question(events: list[dict[str, Any]]) -> str | None:
    """The user's previous question, if the bot's reply to it was an abstention."""
    user_turns = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(user_turns) < 2:
        return None
    previous, current = user_turns[-2], user_turns[-1]
    for event in events[previous + 1 : current]:
        custom = (event.get("data") or {}).get("custom") if event.get("event") == "bot" else None
        answer = custom.get("answer") if isinstance(custom, dict) else None
        if isinstance(answer, dict) and answer.get("kind") == AnswerKind.ABSTAIN.value:
            text = (events[previous].get("text") or "").strip()
            return text if text and not text.startswith("/") else None
    return None


def reply_to_offer(
    inbox: Inbox, conversation: str, events: list[dict[str, Any]], accepted: bool
) -> str | None:
    """Act on a yes/no after the offer to pass a question on; None when there was no offer."""
    question = unanswered_question(events)
    if question is None:
        return None
    if not accepted:
        return templates.NOT_PASSED_ON
    inbox.add(conversation, question)
    return templates.PASSED_ON
