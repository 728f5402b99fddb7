"""The process lead's edits to the written questions, kept in the knowledge database: questions
added to a unit of a source, and written questions removed from one.

The committed question files (``knowledge/questions/*.yaml``) are never changed: the edits
overlay them at run time (:mod:`index.live_questions`), and the index build ignores them, so a
rebuild loses none and they still apply after it. An edit is never deleted, only withdrawn
(a removed added question, a written question added back), so :meth:`QuestionEdits.stamp` grows
with every change and every running process can poll it cheaply.

Every change is written to the workspace's audit log in its own transaction. Messages are
Swedish: they reach the process lead through the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.audit import AuditLog
from knowledge.db import Base, as_utc, engine_for, utc_now
from knowledge.redact import redact_text
from knowledge.text import fold, normalize

MAX_QUESTION_CHARS = 300
MAX_ADDED_PER_UNIT = 50
EMPTY = "Skriv en fråga."
TOO_MANY = f"En mening kan ha högst {MAX_ADDED_PER_UNIT} tillagda frågor."
ALREADY_THERE = "Frågan finns redan för den här meningen."
NOT_THERE = "Frågan finns inte (längre) för den här meningen."


class EditAction(StrEnum):
    ADD = "add"  # a question the process lead added to a unit
    REMOVE = "remove"  # a written question the process lead removed from a unit


class QuestionEditError(ValueError):
    """A refused edit (Swedish message)."""


@dataclass(frozen=True)
class QuestionEdit:
    """One edit in force: a question added to, or a written question removed from, a unit."""

    id: int
    action: EditAction
    doc_id: str
    unit: str  # the unit's id (index/units.py: its anchor id)
    question: str  # redacted and cut to MAX_QUESTION_CHARS; a removed one as it is indexed
    by: str
    at: dt.datetime


class QuestionEditRow(Base):
    __tablename__ = "question_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(8))
    doc: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(String(MAX_QUESTION_CHARS))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def clean_question(text: str) -> str:
    """A question as stored: one line, redacted, within MAX_QUESTION_CHARS; refused when empty."""
    cleaned = redact_text(normalize(" ".join(text.replace("\x00", "").split())))[:MAX_QUESTION_CHARS].strip()
    if not cleaned:
        raise QuestionEditError(EMPTY)
    return cleaned


class QuestionEdits:
    """The edits of the database at ``url``; each change audited in ``audit``."""

    def __init__(self, url: str, audit: AuditLog, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.url = url
        self.audit = audit
        self._clock = clock

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def stamp(self) -> tuple[int, int]:
        """Grows with every change (rows are only added or withdrawn): cheap to poll."""
        with Session(self.engine) as session:
            rows, withdrawn = session.execute(
                select(func.count(QuestionEditRow.id), func.count(QuestionEditRow.withdrawn_at))
            ).one()
        return int(rows), int(withdrawn)

    def in_force(self, doc_id: str | None = None) -> list[QuestionEdit]:
        """The edits not withdrawn (of one document), oldest first."""
        query = select(QuestionEditRow).where(QuestionEditRow.withdrawn_at.is_(None))
        if doc_id is not None:
            query = query.where(QuestionEditRow.doc == doc_id)
        with Session(self.engine) as session:
            return [_edit(r) for r in session.scalars(query.order_by(QuestionEditRow.id))]

    def add(
        self, doc_id: str, unit: str, question: str, by: str, written: bool = False
    ) -> QuestionEdit | None:
        """Add ``question`` to the unit. A written question the process lead removed (``written``:
        the caller knows it is one of the unit's written questions) is put back: its removal is
        withdrawn and None returned. Refused (Swedish) when empty, already there or too many."""
        text = clean_question(question)
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            rows = self._in_force(session, doc_id, unit)
            removed = _find(rows, EditAction.REMOVE, text)
            if removed is not None:
                removed.withdrawn_by, removed.withdrawn_at = by[:64], now
                self._record(session, by, "question.add", doc_id, unit, text)
                return None
            if written or _find(rows, EditAction.ADD, text) is not None:
                raise QuestionEditError(ALREADY_THERE)
            if sum(r.action == EditAction.ADD.value for r in rows) >= MAX_ADDED_PER_UNIT:
                raise QuestionEditError(TOO_MANY)
            row = QuestionEditRow(
                action=EditAction.ADD.value,
                doc=doc_id[:200],
                unit=unit[:64],
                question=text,
                by=by[:64],
                at=now,
            )
            session.add(row)
            session.flush()
            self._record(session, by, "question.add", doc_id, unit, text)
            return _edit(row)

    def remove(self, doc_id: str, unit: str, question: str, by: str, written: bool) -> None:
        """Remove ``question`` from the unit: an added one is withdrawn; a written one (``written``)
        is hidden until added back. Refused (Swedish) for a question the unit does not have."""
        now = self._clock()
        text = question.strip()[:MAX_QUESTION_CHARS]
        with Session(self.engine) as session, session.begin():
            rows = self._in_force(session, doc_id, unit)
            added = _find(rows, EditAction.ADD, text)
            if added is not None:
                added.withdrawn_by, added.withdrawn_at = by[:64], now
            elif written and _find(rows, EditAction.REMOVE, text) is None:
                session.add(
                    QuestionEditRow(
                        action=EditAction.REMOVE.value,
                        doc=doc_id[:200],
                        unit=unit[:64],
                        question=text,
                        by=by[:64],
                        at=now,
                    )
                )
            else:
                raise QuestionEditError(NOT_THERE)
            self._record(session, by, "question.remove", doc_id, unit, text)

    @staticmethod
    def _in_force(session: Session, doc_id: str, unit: str) -> list[QuestionEditRow]:
        query = select(QuestionEditRow).where(
            QuestionEditRow.doc == doc_id,
            QuestionEditRow.unit == unit,
            QuestionEditRow.withdrawn_at.is_(None),
        )
        return list(session.scalars(query))

    def _record(self, session: Session, by: str, action: str, doc_id: str, unit: str, text: str) -> None:
        record = {"question": text}
        before, after = (record, None) if action == "question.remove" else (None, record)
        self.audit.record(by, action, f"unit:{doc_id}/{unit}", before, after, session=session)


def _find(rows: list[QuestionEditRow], action: EditAction, text: str) -> QuestionEditRow | None:
    return next((r for r in rows if r.action == action.value and fold(r.question) == fold(text)), None)


def _edit(row: QuestionEditRow) -> QuestionEdit:
    action = EditAction(row.action)
    return QuestionEdit(row.id, action, row.doc, row.unit, row.question, row.by, as_utc(row.at))
