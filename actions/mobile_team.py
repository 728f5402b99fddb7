"""Rasa actions for the Skåne mobile care team questioning (the form ``mobile_team_form``).

One slot per criterion; the form asks for the unknown ones one at a time (``requested_slot``)
until four of six are met or out of reach. ``extract_`` methods read the user's reply to the
criterion asked and any description the message gives; a message that is no reply rejects the
form, and the rules in ``bot/data/rules/mobile_team.yml`` end the questioning and answer it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.constants import (
    ACTION_ASK_CRITERION_PREFIX,
    ACTION_MOBILE_TEAM_RESET,
    ACTION_MOBILE_TEAM_VERDICT,
    ACTION_VALIDATE_MOBILE_TEAM_FORM,
    SLOT_MOBILE_TEAM_RETRIES,
    SLOT_REQUESTED,
)
from actions.core import mobile_team, templates
from actions.core.engine import AnsweringCore
from actions.reply import after_answer, question_from, send_answer
from knowledge.answer import Answer
from knowledge.eligibility import Assessment, Finding, assess

MAX_RETRIES = 2  # unclear replies to one question before the questioning gives up

_assess = lru_cache(maxsize=256)(assess)


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


class ValidateMobileTeamForm(FormValidationAction):
    """Reads descriptions and replies into the criterion slots; decides what is still to ask."""

    def name(self) -> str:
        return ACTION_VALIDATE_MOBILE_TEAM_FORM

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = tracker.slots
        settled = mobile_team.asked_or_known(slots)
        starting = tracker.get_slot(SLOT_REQUESTED) is None and not settled
        if starting and not mobile_team.starts_questioning(_text(tracker)):
            return []  # a general question about the criteria: the rule answers it
        to_ask = set(mobile_team.still_to_ask(mobile_team.from_slots(slots), settled))
        return [
            s for s in mobile_team.SLOTS if slots.get(s) is not None or mobile_team.criterion_of(s) in to_ask
        ]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any] | None:
        """The next criterion to ask (None when the verdict is settled), decided here, not by Rasa."""
        slots = tracker.slots
        if not mobile_team.asked_or_known(slots):
            return SlotSet(SLOT_REQUESTED, None)  # a general question: nothing to ask
        to_ask = mobile_team.still_to_ask(mobile_team.from_slots(slots), mobile_team.asked_or_known(slots))
        return SlotSet(SLOT_REQUESTED, mobile_team.slot_of(to_ask[0]) if to_ask else None)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        requested = mobile_team.criterion_of(tracker.get_slot(SLOT_REQUESTED))
        events = await super().run(dispatcher, tracker, domain)
        changed = {
            e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] != SLOT_REQUESTED
        }
        assessment = mobile_team.from_slots(tracker.slots)
        more = mobile_team.still_to_ask(assessment, mobile_team.asked_or_known(tracker.slots))
        if requested is None:
            if more and mobile_team.describes_patient(assessment):
                dispatcher.utter_message(text=mobile_team.summary(assessment))
            return events
        slot = mobile_team.slot_of(requested)
        if slot in changed:
            if more:
                finding = _finding(assessment, requested, changed[slot])
                dispatcher.utter_message(text=mobile_team.noted(finding, assessment))
            return [*events, SlotSet(SLOT_MOBILE_TEAM_RETRIES, 0)]
        retries = int(tracker.get_slot(SLOT_MOBILE_TEAM_RETRIES) or 0) + 1
        if not changed and retries <= MAX_RETRIES and mobile_team.is_unclear_reply(_text(tracker)):
            # Not an answer and not a new question either ("hmm"): the question is asked again.
            dispatcher.utter_message(text=templates.CRITERION_NOT_UNDERSTOOD)
            return [*events, SlotSet(SLOT_MOBILE_TEAM_RETRIES, retries)]
        return events  # no reply: the form is rejected and the rules answer the message

    def _criterion(self, criterion_id: str, tracker: Tracker) -> dict[str, Any]:
        """The criterion's slot from the reply to its question, or from a description."""
        slot = mobile_team.slot_of(criterion_id)
        text = _text(tracker)
        if tracker.get_slot(SLOT_REQUESTED) == slot:
            finding = mobile_team.read_reply(criterion_id, text)
            if finding is None:
                return {}
            return {slot: finding.status.value if finding.known else mobile_team.ASKED_UNKNOWN}
        described = _assess(text).finding(criterion_id)
        return {slot: described.status.value} if described.known else {}

    def _checked(self, slot: str, value: Any) -> dict[str, Any]:
        """A criterion slot holds "met", "not_met" or "unknown"; anything else is dropped."""
        return {slot: value if value in mobile_team.SLOT_VALUES else None}

    def validate_criterion_chronic_diagnoses(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("criterion_chronic_diagnoses", value)

    def validate_criterion_hospital_admissions(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("criterion_hospital_admissions", value)

    def validate_criterion_medications(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("criterion_medications", value)

    def validate_criterion_personal_care(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("criterion_personal_care", value)

    def validate_criterion_age(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("criterion_age", value)

    def validate_criterion_home_care(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("criterion_home_care", value)

    async def extract_criterion_chronic_diagnoses(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._criterion("chronic_diagnoses", tracker)

    async def extract_criterion_hospital_admissions(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._criterion("hospital_admissions", tracker)

    async def extract_criterion_medications(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._criterion("medications", tracker)

    async def extract_criterion_personal_care(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._criterion("personal_care", tracker)

    async def extract_criterion_age(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._criterion("age", tracker)

    async def extract_criterion_home_care(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._criterion("home_care", tracker)


def _finding(assessment: Assessment, criterion_id: str, value: object) -> Finding:
    found = assessment.finding(criterion_id)
    return found if value != mobile_team.ASKED_UNKNOWN else Finding(found.criterion)


class ActionAskCriterion(Action):
    """Asks about one criterion (``action_ask_criterion_<id>``), with Ja / Nej / Vet inte."""

    def __init__(self, criterion_id: str, link: Callable[[Answer], Answer]) -> None:
        self.criterion_id = criterion_id
        self.link = link  # adds the source viewer's links

    def name(self) -> str:
        return ACTION_ASK_CRITERION_PREFIX + mobile_team.slot_of(self.criterion_id)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        assessment = mobile_team.from_slots(tracker.slots)
        send_answer(dispatcher, self.link(mobile_team.question(self.criterion_id, assessment)))
        return []


class ActionMobileTeamReset(Action):
    """Before a new questioning: forget the criteria of an earlier one (ended or interrupted)."""

    def name(self) -> str:
        return ACTION_MOBILE_TEAM_RESET

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return [SlotSet(slot, None) for slot in mobile_team.SLOTS] + [SlotSet(SLOT_MOBILE_TEAM_RETRIES, 0)]


class ActionMobileTeamVerdict(Action):
    """Once the questioning ends: the verdict, or, for a general question, the rule (or, when NLU
    sent a message here that is about something else, the core's answer to it)."""

    def __init__(self, core: AnsweringCore) -> None:
        self.core = core

    def name(self) -> str:
        return ACTION_MOBILE_TEAM_VERDICT

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        question = question_from(tracker)
        assessment = mobile_team.from_slots(tracker.slots)
        if mobile_team.asked_or_known(tracker.slots):
            answer = self.core.linked(mobile_team.verdict(assessment))
        else:
            answer = await asyncio.to_thread(self.core.mobile_team_general, question)
        send_answer(dispatcher, answer)
        return after_answer(question, answer)
