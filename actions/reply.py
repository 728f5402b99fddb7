"""Sending an :class:`Answer` through Rasa: its text, then its payload as a custom message."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from knowledge.answer import Answer


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    buttons = [{"title": title, "payload": payload} for title, payload in answer.buttons]
    dispatcher.utter_message(text=answer.text, buttons=buttons or None)
    dispatcher.utter_message(json_message=answer.payload())
