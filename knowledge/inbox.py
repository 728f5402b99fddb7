"""Questions the assistant could not answer, passed on to the process lead (processledare).

Stored through SQLAlchemy in the knowledge database (SQLite by default; any URL in settings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, as_utc, engine_for
from knowledge.redact import redact_text

MAX_QUESTION_CHARS = 2000


class UnansweredRow(Base):
    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    conversation: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")


@dataclass(frozen=True)
class Unanswered:
    id: int
    asked_at: dt.datetime
    conversation: str
    question: str
    status: str


class Inbox:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    @property
    def engine(self) -> Engine:
        return engine_for(self.database_url)

    def add(self, conversation: str, question: str) -> Unanswered:
        """Store a question passed on, redacted whoever wrote it (the store is the last line)."""
        row = UnansweredRow(
            asked_at=dt.datetime.now(dt.UTC),
            conversation=redact_text(conversation)[:128],
            question=redact_text(question.replace("\x00", ""))[:MAX_QUESTION_CHARS],
            status="new",
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return _item(row)

    def list(self, status: str | None = None) -> list[Unanswered]:
        query = select(UnansweredRow).order_by(UnansweredRow.id)
        if status:
            query = query.where(UnansweredRow.status == status)
        with Session(self.engine) as session:
            return [_item(r) for r in session.scalars(query)]


def _item(row: UnansweredRow) -> Unanswered:
    return Unanswered(row.id, as_utc(row.asked_at), row.conversation, row.question, row.status)
