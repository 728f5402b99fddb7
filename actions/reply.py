"""What every Rasa action adapter shares: the question from the tracker, the answer sent
through Rasa (its text, then its payload as a custom message), and the slots an answer sets."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.constants import (
    SLOT_AREA,
    SLOT_AREA_MATCHED,
    SLOT_CONTEXT_UNIT,
    SLOT_PASS_ON_OFFERED,
    SLOT_PASS_ON_QUESTION,
    SLOT_PREVIOUS_QUESTION,
    SLOT_ROLE,
)
from actions.core.question import Question
from knowledge.answer import Answer, AnswerKind

CONTEXT_CHARS = 400  # how much of the conversation's previous questions a follow-up is read with


def question_from(tracker: Tracker) -> Question:
    """The latest message as a :class:`Question`, with what NLU made of it and the slots."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    try:
        confidence = float(intent.get("confidence") or 0.0)
    except (TypeError, ValueError):
        confidence = 0.0

    def text_slot(name: str) -> str | None:
        value = tracker.get_slot(name)
        return value if isinstance(value, str) and value else None

    return Question(
        text=str(message.get("text") or ""),
        intent=intent.get("name") if isinstance(intent.get("name"), str) else None,
        intent_confidence=confidence,
        previous=text_slot(SLOT_PREVIOUS_QUESTION),
        area=text_slot(SLOT_AREA),
        area_matched=text_slot(SLOT_AREA_MATCHED),
        role=text_slot(SLOT_ROLE),
        context_unit=text_slot(SLOT_CONTEXT_UNIT),
    )


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    buttons = [{"title": title, "payload": payload} for title, payload in answer.buttons]
    dispatcher.utter_message(text=answer.text, buttons=buttons or None)
    dispatcher.utter_message(json_message=answer.payload())


def after_answer(question: Question, answer: Answer) -> list[dict[str, Any]]:
    """The slots an answer leaves for the next message: the question and the unit the answer
    quoted, as the context a follow-up is resolved against, and, after an abstention, the offer
    to pass the question on (with the question as it was read)."""
    own = question.text.strip()
    asked = own[-CONTEXT_CHARS:] if own else question.previous
    abstained = answer.kind is AnswerKind.ABSTAIN and bool(answer.buttons)
    read = question.in_context[-CONTEXT_CHARS:] if own else question.previous
    return [
        SlotSet(SLOT_PREVIOUS_QUESTION, asked),
        SlotSet(SLOT_CONTEXT_UNIT, answer.unit if own else question.context_unit),
        SlotSet(SLOT_PASS_ON_OFFERED, abstained),
        SlotSet(SLOT_PASS_ON_QUESTION, read if abstained else None),
    ]
