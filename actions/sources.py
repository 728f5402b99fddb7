"""Answers from the source documents: retrieve, decide whether to answer, quote the best sentences."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.abstention import Signals, Thresholds, decide
from actions.constants import (
    ACTION_ANSWER_FROM_SOURCES,
    INTENT_AFFIRM,
    INTENT_DENY,
    INTENT_UNSURE,
    PAYLOAD_DENY,
    PAYLOAD_PASS_ON,
)
from actions.pass_on import reply_to_offer
from actions.reply import send_answer
from index.service import SearchEngine
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.inbox import Inbox
from knowledge.settings import Settings

log = logging.getLogger(__name__)

EXCERPT_CHARS = 400
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# A reply to another action's pending question: the answer to send (None: not a reply) and events.
FollowUp = tuple[Answer | None, list[dict[str, Any]]]


def clean_question(text: str | None, limit: int) -> tuple[str, bool]:
    """The question as plain text within ``limit`` characters, and whether it was cut."""
    text = _CONTROL.sub(" ", text or "")
    text = " ".join(text.split())
    return text[:limit], len(text) > limit


class SourceAnswerer:
    """Turns a question into an :class:`Answer` from the sources, or an honest abstention."""

    def __init__(self, engine: SearchEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.thresholds = Thresholds(
            min_dense=settings.abstain_min_dense,
            min_coverage=settings.abstain_min_coverage,
            strong_dense=settings.abstain_strong_dense,
        )

    def answer(
        self, question: str | None, intent: str | None = None, intent_confidence: float = 0.0
    ) -> Answer:
        text, cut = clean_question(question, self.settings.max_query_chars)
        if not self.engine.analyzer.lemmas(text):
            return Answer(AnswerKind.ABSTAIN, templates.NOT_UNDERSTOOD)
        found = self.engine.answer(text)
        best = found.result.best
        signals = Signals(
            terms=len(found.result.terms),
            coverage=found.result.coverage,
            dense=best.dense if best else 0.0,
            intent=intent,
            intent_confidence=intent_confidence,
        )
        decision = decide(signals, self.thresholds)
        log.info("question %r: %s (%s)", text[:80], decision.reason, signals)
        prefix = templates.TOO_LONG + "\n\n" if cut else ""
        if decision.abstain or found.extract is None:
            return Answer(
                AnswerKind.ABSTAIN,
                prefix + templates.ABSTAIN + "\n\n" + templates.ABSTAIN_OFFER,
                confidence=decision.confidence,
                buttons=(
                    (templates.BUTTON_PASS_ON, PAYLOAD_PASS_ON),
                    (templates.BUTTON_NO_THANKS, PAYLOAD_DENY),
                ),
            )
        ex = found.extract
        chunk = ex.hit.chunk
        body = "\n".join(ex.sentences)
        source = SourceRef(chunk.doc_id, chunk.title, chunk.section, _excerpt(body))
        text_out = prefix + body + "\n\n" + templates.source_line(chunk.title, chunk.section)
        return Answer(AnswerKind.PASSAGE, text_out, (source,), decision.confidence)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"


class ActionAnswerFromSources(Action):
    """Answers every question about the agreements, or abstains; handles the yes/no to its offer."""

    def __init__(
        self,
        answerer: SourceAnswerer,
        inbox: Inbox,
        structured: Callable[[str], Answer | None] | None = None,
        follow_up: Callable[[Tracker], FollowUp | None] | None = None,
    ) -> None:
        self.answerer = answerer
        self.inbox = inbox
        self.structured = structured  # answers a structured question NLU did not recognise
        self.follow_up = follow_up  # a reply to a question another action asked (e.g. a criterion)

    def name(self) -> str:
        return ACTION_ANSWER_FROM_SOURCES

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        follow_up = self.follow_up(tracker) if self.follow_up else None
        if follow_up is not None:
            pending_answer, events = follow_up
            if pending_answer is not None:
                send_answer(dispatcher, pending_answer)
                return events
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        if intent.get("name") == INTENT_UNSURE:
            dispatcher.utter_message(text=templates.NOTHING_TO_CONFIRM)
            return events
        if intent.get("name") in (INTENT_AFFIRM, INTENT_DENY):
            accepted = intent.get("name") == INTENT_AFFIRM
            reply = await asyncio.to_thread(
                reply_to_offer, self.inbox, tracker.sender_id, tracker.events, accepted
            )
            dispatcher.utter_message(text=reply or templates.NOTHING_TO_CONFIRM)
            return events
        routed = (
            await asyncio.to_thread(self.structured, message.get("text") or "") if self.structured else None
        )
        if routed is not None:
            send_answer(dispatcher, routed)
            return events
        answer = await asyncio.to_thread(
            self.answerer.answer,
            message.get("text"),
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
        )
        send_answer(dispatcher, answer)
        return events
