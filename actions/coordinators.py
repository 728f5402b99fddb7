"""Rasa actions for GSA/KSA per area and who convenes: the area form's validation and the
answer once the area is known (or not needed)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.constants import (
    ACTION_ANSWER_COORDINATOR,
    ACTION_VALIDATE_AREA_FORM,
    SLOT_AREA,
    SLOT_AREA_MATCHED,
)
from actions.core import templates
from actions.core.engine import AnsweringCore
from actions.reply import after_answer, question_from, send_answer
from knowledge.answer import AnswerKind
from knowledge.registry import Register

# "i Gotham", "på Atlantis": a place the user names that the register does not know.
_NAMED_PLACE = re.compile(r"\b(?:i|på|pa|för|for)\s+([A-ZÅÄÖ][\w-]{2,}(?:\s[A-ZÅÄÖ][\w-]+)?)")


def unknown_place(text: str) -> str | None:
    match = _NAMED_PLACE.search(text or "")
    return match.group(1) if match else None


class ValidateAreaForm(FormValidationAction):
    """Fills the area slot from the register: entity values, bare answers, near-misses."""

    def __init__(self, register: Register, core: AnsweringCore) -> None:
        self.register = register
        self.core = core

    def name(self) -> str:
        return ACTION_VALIDATE_AREA_FORM

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # "Vad gör KSA?" needs no area, whatever area an earlier question named: the sources answer it.
        text = (tracker.latest_message or {}).get("text") or ""
        if self.core.coordinators.asks_about_the_role(text) and not self.core.names_area(text):
            return []
        return domain_slots

    async def extract_area(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot(SLOT_AREA):
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        found = self.register.resolve(text) or self.register.resolve_exact_name(text)
        if found is not None:
            return {SLOT_AREA: found.area.id, SLOT_AREA_MATCHED: found.matched}
        place = unknown_place(text)
        if place:
            dispatcher.utter_message(text=templates.UNKNOWN_AREA.format(name=place))
        return {}

    def validate_area(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # The lookup extractor gives area ids; DIET may give a span as written, or a shorter one.
        message = tracker.latest_message or {}
        candidates = [str(v) for v in (value if isinstance(value, list) else [value]) if v]
        candidates += [
            str(e.get("value")) for e in message.get("entities") or [] if e.get("entity") == SLOT_AREA
        ]
        for candidate in candidates:
            area = self.register.get(candidate) or self.register.lookup(candidate)
            if area is not None:
                return {SLOT_AREA: area.id}
        found = self.register.resolve(message.get("text") or "")
        if found is None:
            found = next(filter(None, map(self.register.resolve_exact_name, candidates)), None)
        if found is not None:
            return {SLOT_AREA: found.area.id, SLOT_AREA_MATCHED: found.matched}
        name = unknown_place(message.get("text") or "") or (candidates[0] if candidates else "")
        dispatcher.utter_message(text=templates.UNKNOWN_AREA.format(name=name))
        return {SLOT_AREA: None}


class ActionAnswerCoordinator(Action):
    """GSA/KSA in an area, or who convenes the local collaboration (the core double-checks NLU)."""

    def __init__(self, core: AnsweringCore) -> None:
        self.core = core

    def name(self) -> str:
        return ACTION_ANSWER_COORDINATOR

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        question = question_from(tracker)
        answer = await asyncio.to_thread(self.core.coordinator, question)
        send_answer(dispatcher, answer)
        events = [*after_answer(question, answer), SlotSet(SLOT_AREA_MATCHED, None)]
        if answer.kind is AnswerKind.CLARIFY:
            events.append(SlotSet(SLOT_AREA, None))
        return events
