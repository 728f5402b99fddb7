"""The question log: every question the assistant answered or could not answer, redacted, with
the kind of answer it got. It feeds the process lead's inbox (every abstention, not only those
passed on) and the overview's figures. No conversation id is kept: the log says what was asked,
not who asked it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, as_utc, engine_for, utc_now
from knowledge.redact import redact_text

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    at: dt.datetime
    question: str
    kind: str  # the answer kind: passage, rule, registry, curated, clarify, abstain
    reason: str  # why it abstained (abstention reason), else ""


class QuestionRow(Base):
    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(32))


class QuestionLog:
    def __init__(self, url: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.url = url
        self._clock = clock

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def add(self, question: str, kind: str, reason: str = "") -> None:
        text = redact_text(question.replace("\x00", "").strip())[:MAX_QUESTION_CHARS]
        if not text:
            return
        with Session(self.engine) as session, session.begin():
            session.add(QuestionRow(at=self._clock(), question=text, kind=kind[:16], reason=reason[:32]))

    def list(self, kind: str | None = None, since: dt.datetime | None = None) -> list[LoggedQuestion]:
        query = select(QuestionRow).order_by(QuestionRow.id)
        if kind:
            query = query.where(QuestionRow.kind == kind)
        if since:
            query = query.where(QuestionRow.at >= since)
        with Session(self.engine) as session:
            return [
                LoggedQuestion(r.id, as_utc(r.at), r.question, r.kind, r.reason)
                for r in session.scalars(query)
            ]
