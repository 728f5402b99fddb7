"""Passing an unanswered question on to the process lead, when the user accepts the offer."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.constants import ACTION_PASS_ON_QUESTION
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


class ActionPassOnQuestion(Action):
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def name(self) -> str:
        return ACTION_PASS_ON_QUESTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = unanswered_question(tracker.events)
        if question is None:
            dispatcher.utter_message(text=templates.NOTHING_TO_PASS_ON)
            return []
        await asyncio.to_thread(self.inbox.add, tracker.sender_id, question)
        dispatcher.utter_message(text=templates.PASSED_ON)
        return []
