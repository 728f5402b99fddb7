"""A new conversation session that carries each slot's current value, once.

Rasa's own action_session_start carries over every SlotSet event of the old session, so with
sessions renewed every few turns (bot/channels/frontdoor.py) the carried events pile up and a
turn's cost grows with the conversation again. This one sets each slot that has a value once."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

NOT_CARRIED = frozenset({"requested_slot", "session_started_metadata"})


def carries_slots(domain: dict[str, Any]) -> bool:
    config = domain.get("session_config") or {}
    return bool(config.get("carry_over_slots_to_new_session", True))


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [SessionStarted()]
        if carries_slots(domain):
            events += [
                SlotSet(name, value)
                for name, value in tracker.slots.items()
                if value is not None and name not in NOT_CARRIED
            ]
        events.append(ActionExecuted("action_listen"))
        return events
