"""Rasa actions for structured questions: GSA/KSA per area (with the area form), conveners, and
the mobile care team criteria."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import templates
from actions.constants import (
    ACTION_ANSWER_COORDINATOR,
    ACTION_CHECK_MOBILE_TEAM,
    ACTION_VALIDATE_AREA_FORM,
    INTENT_ASK_CONVENER,
    INTENT_ASK_GSA,
    INTENT_ASK_KSA,
    SLOT_AREA,
    SLOT_AREA_MATCHED,
    SLOT_MOBILE_TEAM,
    SLOT_ROLE,
)
from actions.coordinators import REGION_SKANE, Coordinators
from actions.mobile_team import describes_patient, eligibility_answer
from actions.reply import send_answer
from knowledge.answer import Answer, AnswerKind
from knowledge.eligibility import Assessment, assess
from knowledge.registry import Register, Resolution
from knowledge.rules import get_rule, rule_sources
from knowledge.text import fold

# "i Gotham", "på Atlantis": a place the user names that the register does not know.
_NAMED_PLACE = re.compile(r"\b(?:i|på|pa|för|for)\s+([A-ZÅÄÖ][\w-]{2,}(?:\s[A-ZÅÄÖ][\w-]+)?)")
_INTENT_ROLES = {INTENT_ASK_GSA: "gsa", INTENT_ASK_KSA: "ksa"}


def unknown_place(text: str) -> str | None:
    match = _NAMED_PLACE.search(text or "")
    return match.group(1) if match else None


def resolution_for(register: Register, area_id: str | None, matched: str | None) -> Resolution | None:
    """The area in the slot, remembering a near-miss spelling so the answer can say what it understood."""
    area = register.get(area_id) if area_id else None
    if area is None:
        return None
    if matched and register.lookup(matched) is None:
        return Resolution(area, matched, exact=False)
    return Resolution(area, area.name, exact=True)


class ValidateAreaForm(FormValidationAction):
    """Fills the area slot from the register: entity values, bare answers, near-misses."""

    def __init__(self, register: Register) -> None:
        self.register = register

    def name(self) -> str:
        return ACTION_VALIDATE_AREA_FORM

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
        text = str(value or "")
        area = self.register.get(text) or self.register.lookup(text)
        if area is None:
            found = self.register.resolve_exact_name(text)
            area = found.area if found else None
        if area is None:
            dispatcher.utter_message(text=templates.UNKNOWN_AREA.format(name=text))
            return {SLOT_AREA: None}
        return {SLOT_AREA: area.id}


class ActionAnswerCoordinator(Action):
    """GSA/KSA in an area, or who convenes the local collaboration."""

    def __init__(self, coordinators: Coordinators) -> None:
        self.coordinators = coordinators

    def name(self) -> str:
        return ACTION_ANSWER_COORDINATOR

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        register = self.coordinators.register
        if intent == INTENT_ASK_CONVENER:
            answer = await asyncio.to_thread(self._convener, message.get("text") or "")
            send_answer(dispatcher, answer)
            return []
        role = _INTENT_ROLES.get(intent or "") or tracker.get_slot(SLOT_ROLE)
        resolution = resolution_for(
            register, tracker.get_slot(SLOT_AREA), tracker.get_slot(SLOT_AREA_MATCHED)
        )
        if role not in ("gsa", "ksa"):
            answer = _what_about(resolution)
        else:
            answer = await asyncio.to_thread(self.coordinators.answer, role, resolution)
        send_answer(dispatcher, answer)
        events: list[dict[str, Any]] = [SlotSet(SLOT_AREA_MATCHED, None)]
        if answer.kind is AnswerKind.CLARIFY:
            events.append(SlotSet(SLOT_AREA, None))
        return events

    def _convener(self, text: str) -> Answer:
        register = self.coordinators.register
        resolution = register.resolve(text)
        if resolution is None and "skane" in fold(text):
            return self.coordinators.convener_in_region(REGION_SKANE)
        return self.coordinators.convener(resolution)


def _what_about(resolution: Resolution | None) -> Answer:
    if resolution is None:
        return Answer(AnswerKind.CLARIFY, templates.ASK_AREA)
    name = resolution.area.name
    return Answer(
        AnswerKind.CLARIFY,
        templates.WHAT_ABOUT_AREA.format(name=name),
        area=resolution.area.id,
        buttons=(
            (templates.BUTTON_GSA_IN.format(name=name), templates.QUESTION_GSA_IN.format(name=name)),
            (templates.BUTTON_KSA_IN.format(name=name), templates.QUESTION_KSA_IN.format(name=name)),
        ),
    )


class ActionCheckMobileTeam(Action):
    """The Skåne mobile care team: the rule, or a count of the criteria a described patient meets."""

    def name(self) -> str:
        return ACTION_CHECK_MOBILE_TEAM

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        described = assess(text)
        if not describes_patient(described):
            rules = (get_rule("mobile_team"), get_rule("mobile_team_criteria"))
            sources = tuple(dict.fromkeys(s for r in rules for s in rule_sources(r)))
            send_answer(dispatcher, Answer(AnswerKind.RULE, "\n".join(r.text for r in rules), sources, 1.0))
            return []
        earlier = tracker.get_slot(SLOT_MOBILE_TEAM)
        assessment = (
            Assessment.from_dict(earlier).merge(described) if isinstance(earlier, dict) else described
        )
        send_answer(dispatcher, eligibility_answer(assessment))
        return [SlotSet(SLOT_MOBILE_TEAM, assessment.to_dict())]
