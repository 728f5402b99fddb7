"""The question log: every question the assistant answered or could not answer, redacted, with
the kind of answer it got. It feeds the process lead's inbox (every abstention, not only those
passed on) and the overview's figures. No conversation id is kept: the log says what was asked,
not who asked it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, String, Text, func, select
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
    unit: str | None = None  # the source unit a passage answer was answered from


class QuestionRow(Base):
    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class QuestionLog:
    def __init__(self, url: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.url = url
        self._clock = clock

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def add(self, question: str, kind: str, reason: str = "", unit: str | None = None) -> None:
        """Log a question; ``unit``: the source unit (index/units.py) a passage answer quoted."""
        text = redact_text(question.replace("\x00", "").strip())[:MAX_QUESTION_CHARS]
        if not text:
            return
        row = QuestionRow(
            at=self._clock(),
            question=text,
            kind=kind[:16],
            reason=reason[:32],
            unit=unit[:64] if unit else None,
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)

    def list(self, kind: str | None = None, since: dt.datetime | None = None) -> list[LoggedQuestion]:
        query = select(QuestionRow).order_by(QuestionRow.id)
        if kind:
            query = query.where(QuestionRow.kind == kind)
        if since:
            query = query.where(QuestionRow.at >= since)
        with Session(self.engine) as session:
            return [
                LoggedQuestion(r.id, as_utc(r.at), r.question, r.kind, r.reason, r.unit)
                for r in session.scalars(query)
            ]

    def answered_per_unit(self, units: Collection[str], since: dt.datetime | None = None) -> dict[str, int]:
        """How many questions each of ``units`` answered (since ``since``); 0 for none."""
        query = (
            select(QuestionRow.unit, func.count(QuestionRow.id))
            .where(QuestionRow.unit.in_(list(units)))
            .group_by(QuestionRow.unit)
        )
        if since:
            query = query.where(QuestionRow.at >= since)
        with Session(self.engine) as session:
            counted = {str(unit): int(n) for unit, n in session.execute(query)}
        return {u: counted.get(u, 0) for u in units}
