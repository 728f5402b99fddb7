"""Retention: what users wrote is deleted once it is older than the retention period.

Covered: the question log, the questions passed on, the ratings with their comments, the inbox's
dismissals of them, expired workspace sessions, and Rasa's tracker store (whole conversations
whose last event is older than the period). Kept: curated answers, designations, users and the
audit log (the process lead's work, not what users wrote; the audit log is append-only)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, delete, inspect, make_url, text
from sqlalchemy.orm import Session

from knowledge.accounts import SessionRow
from knowledge.db import engine_for, utc_now
from knowledge.dismissals import DismissalRow
from knowledge.feedback import FeedbackRow
from knowledge.inbox import UnansweredRow
from knowledge.question_log import QuestionRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    questions: int
    passed_on: int
    feedback: int
    dismissals: int
    sessions: int
    conversations: int  # in Rasa's tracker store

    def describe(self) -> str:
        return (
            f"{self.questions} loggade frågor, {self.passed_on} vidareskickade frågor, "
            f"{self.feedback} betyg, {self.dismissals} avfärdanden, {self.sessions} utgångna "
            f"inloggningar och {self.conversations} samtal i Rasas lager"
        )


def purge(database_url: str, tracker_url: str, days: int, now: dt.datetime | None = None) -> Purged:
    """Delete what is older than ``days`` days; ``tracker_url`` empty: no tracker store."""
    if days < 1:
        raise ValueError("Lagringstiden måste vara minst en dag.")
    now = now or utc_now()
    cutoff = now - dt.timedelta(days=days)
    tables = (
        (QuestionRow, QuestionRow.at, cutoff),
        (UnansweredRow, UnansweredRow.asked_at, cutoff),
        (FeedbackRow, FeedbackRow.created_at, cutoff),
        (DismissalRow, DismissalRow.at, cutoff),
        (SessionRow, SessionRow.expires_at, now),
    )
    with Session(engine_for(database_url)) as session, session.begin():
        counts = [
            int(getattr(session.execute(delete(model).where(column < before)), "rowcount", 0))
            for model, column, before in tables
        ]
    conversations = purge_tracker_store(tracker_url, cutoff) if tracker_url else 0
    questions, passed_on, feedback, dismissals, sessions = counts
    return Purged(questions, passed_on, feedback, dismissals, sessions, conversations)


def purge_tracker_store(tracker_url: str, cutoff: dt.datetime) -> int:
    """Delete the conversations of Rasa's SQL tracker store (table ``events``, epoch
    ``timestamp``) whose last event is before ``cutoff``; the number of conversations."""
    url = make_url(tracker_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return 0  # no conversations yet; never create the file here
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("events"):
            return 0  # Rasa has not stored a conversation yet
        with engine.begin() as connection:
            idle = text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
            senders = [row[0] for row in connection.execute(idle, {"cutoff": cutoff.timestamp()})]
            for start in range(0, len(senders), 500):
                batch = senders[start : start + 500]
                marks = ", ".join(f":s{i}" for i in range(len(batch)))
                connection.execute(
                    text(f"DELETE FROM events WHERE sender_id IN ({marks})"),
                    {f"s{i}": s for i, s in enumerate(batch)},
                )
        return len(senders)
    finally:
        engine.dispose()
