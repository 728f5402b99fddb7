"""Rasa actions for structured questions: GSA/KSA per area (with the area form), conveners, and
the mobile care team criteria."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import mobile_team, templates
from actions.constants import (
    ACTION_ANSWER_COORDINATOR,
    ACTION_ANSWER_FROM_SOURCES,
    ACTION_CHECK_MOBILE_TEAM,
    ACTION_VALIDATE_AREA_FORM,
    INTENT_ASK_CONVENER,
    INTENT_ASK_GSA,
    INTENT_ASK_KSA,
    SLOT_AREA,
    SLOT_AREA_MATCHED,
    SLOT_MOBILE_TEAM,
    SLOT_MOBILE_TEAM_ASKED,
    SLOT_ROLE,
)
from actions.coordinators import REGION_SKANE, Coordinators
from actions.reply import send_answer
from actions.sources import FollowUp
from knowledge.answer import Answer, AnswerKind
from knowledge.eligibility import Assessment, assess
from knowledge.registry import Register, Resolution
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

    def __init__(self, register: Register, about_the_role: Callable[[str], bool] = lambda _: False) -> None:
        self.register = register
        self.about_the_role = about_the_role  # "Vad gör KSA?" needs no area: the sources answer it

    def name(self) -> str:
        return ACTION_VALIDATE_AREA_FORM

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not tracker.get_slot(SLOT_AREA) and self.about_the_role(text):
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
        if (
            resolution is None
            and intent in _INTENT_ROLES
            and self.coordinators.asks_about_the_role(message.get("text") or "")
        ):
            return [FollowupAction(ACTION_ANSWER_FROM_SOURCES)]
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
        earlier, asked = _pending_assessment(tracker)
        turn = mobile_team.reply(earlier, asked, text) if earlier is not None else None
        if turn is None:
            described = assess(text)
            if not mobile_team.describes_patient(described):
                send_answer(dispatcher, mobile_team.rule_answer())
                return [SlotSet(SLOT_MOBILE_TEAM_ASKED, None)]
            turn = mobile_team.start(described, earlier, asked)
        send_answer(dispatcher, turn.answer)
        return mobile_team_events(turn)


def mobile_team_events(turn: mobile_team.Turn) -> list[dict[str, Any]]:
    """The slots that carry an assessment (and its pending question) to the next message."""
    return [
        SlotSet(SLOT_MOBILE_TEAM, turn.assessment.to_dict()),
        SlotSet(SLOT_MOBILE_TEAM_ASKED, list(turn.asked) or None),
    ]


def pending_criterion_reply(tracker: Tracker) -> FollowUp | None:
    """A reply to a pending mobile care team question: the next answer and its slot events.

    None when no question is pending; ``(None, events)`` when the message is not a reply to it
    (the pending question is dropped and the message is handled as a question of its own).
    """
    if not tracker.get_slot(SLOT_MOBILE_TEAM_ASKED):
        return None
    earlier, asked = _pending_assessment(tracker)
    text = (tracker.latest_message or {}).get("text") or ""
    turn = mobile_team.reply(earlier, asked, text) if earlier is not None else None
    if turn is None:
        return None, [SlotSet(SLOT_MOBILE_TEAM_ASKED, None)]
    return turn.answer, mobile_team_events(turn)


def _pending_assessment(tracker: Tracker) -> tuple[Assessment | None, tuple[str, ...]]:
    """The assessment whose question the bot's last message asked; (None, ()) after anything else."""
    earlier, asked = mobile_team.restore(
        tracker.get_slot(SLOT_MOBILE_TEAM), tracker.get_slot(SLOT_MOBILE_TEAM_ASKED)
    )
    if earlier is None or mobile_team.question_of(asked) not in (_last_bot_text(tracker.events) or ""):
        return None, ()
    return earlier, asked


def _last_bot_text(events: list[dict[str, Any]]) -> str | None:
    """The text of the bot's last message before the user's latest one."""
    seen_user = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif event.get("event") == "bot" and seen_user and event.get("text"):
            return str(event["text"])
    return None
