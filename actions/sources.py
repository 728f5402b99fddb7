"""Rasa actions over the answering core: any question about the agreements, small talk that
may really be a question, and the user's reply to the offer to pass a question on."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import (
    ACTION_ANSWER_FROM_SOURCES,
    ACTION_PASS_ON,
    ACTION_SMALL_TALK,
    INTENT_AFFIRM,
    SLOT_PASS_ON_OFFERED,
    SLOT_PASS_ON_QUESTION,
    SMALL_TALK_RESPONSES,
)
from actions.core.engine import AnsweringCore
from actions.core.pass_on import reply_to_offer
from actions.reply import after_answer, question_from, send_answer
from knowledge.inbox import Inbox


class ActionAnswerFromSources(Action):
    """Answers every question about the agreements from the core, or abstains with an offer."""

    def __init__(self, core: AnsweringCore) -> None:
        self.core = core

    def name(self) -> str:
        return ACTION_ANSWER_FROM_SOURCES

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = question_from(tracker)
        answer = await asyncio.to_thread(self.core.answer, question)
        send_answer(dispatcher, answer)
        return after_answer(question, answer)


class ActionSmallTalk(Action):
    """Greetings, thanks and the like get their fixed response; a question NLU took for small
    talk ("Tack! Hur ofta följs HÖK upp?") is answered from the core instead."""

    def __init__(self, core: AnsweringCore) -> None:
        self.core = core

    def name(self) -> str:
        return ACTION_SMALL_TALK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = question_from(tracker)
        response = SMALL_TALK_RESPONSES.get(question.intent or "")
        small_talk: bool = await asyncio.to_thread(self.core.is_small_talk, question)
        if response is not None and small_talk:
            dispatcher.utter_message(response=response)
            return [SlotSet(SLOT_PASS_ON_OFFERED, False), SlotSet(SLOT_PASS_ON_QUESTION, None)]
        answer = await asyncio.to_thread(self.core.answer, question)
        send_answer(dispatcher, answer)
        return after_answer(question, answer)


class ActionPassOn(Action):
    """The user's yes or no to "Vill du att jag skickar frågan vidare?" (the slot holds the question)."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def name(self) -> str:
        return ACTION_PASS_ON

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = question_from(tracker)
        pending = tracker.get_slot(SLOT_PASS_ON_QUESTION)
        reply = await asyncio.to_thread(
            reply_to_offer,
            self.inbox,
            tracker.sender_id,
            pending if isinstance(pending, str) else None,
            question.intent == INTENT_AFFIRM,
        )
        dispatcher.utter_message(text=reply)
        return [SlotSet(SLOT_PASS_ON_OFFERED, False), SlotSet(SLOT_PASS_ON_QUESTION, None)]
