"""Passing an unanswered question on to the process lead, when the user accepts the offer.

Which question is pending is dialogue state that Rasa keeps (the slots ``pass_on_question`` and
``pass_on_offered``); this module only acts on the user's reply."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from actions.core import templates
from knowledge.inbox import Inbox

log = logging.getLogger(__name__)


def reply_to_offer(inbox: Inbox, conversation: str, question: str | None, accepted: bool) -> str:
    """Store the pending question when the user said yes; the Swedish reply either way."""
    if not question:
        return templates.NOTHING_TO_CONFIRM
    if not accepted:
        return templates.NOT_PASSED_ON
    try:
        inbox.add(conversation, question)
    except SQLAlchemyError as exc:
        log.error("a question to pass on could not be stored: %s", exc)
        return templates.PASS_ON_FAILED
    return templates.PASSED_ON
