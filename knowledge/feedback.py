"""Users' ratings of the assistant's answers (thumbs up or down, with an optional comment).

Stored through SQLAlchemy in the knowledge database (SQLite by default; any URL in settings).
Personal identity numbers are redacted from the question, the answer and the comment first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.answer import AnswerKind
from knowledge.db import Base, as_utc, engine_for
from knowledge.redact import redact_text

MAX_CONVERSATION_CHARS = 128
MAX_COMMENT_CHARS = 500  # a short comment on a rating, not a letter
_Choice = TypeVar("_Choice", bound=StrEnum)


class Rating(StrEnum):
    UP = "up"
    DOWN = "down"


# How the command line shows a rating.
RATING_LABELS = {Rating.UP: "bra", Rating.DOWN: "dåligt"}


class FeedbackRow(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    conversation: Mapped[str] = mapped_column(String(MAX_CONVERSATION_CHARS), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(String(MAX_COMMENT_CHARS), nullable=True)


@dataclass(frozen=True)
class FeedbackSource:
    """A source the rated answer cited (the answer payload's source without its excerpt)."""

    doc: str
    title: str
    section: str


@dataclass(frozen=True)
class Feedback:
    id: int
    created_at: dt.datetime
    conversation: str
    question: str
    answer: str
    kind: AnswerKind
    sources: tuple[FeedbackSource, ...]
    rating: Rating
    comment: str | None


class FeedbackStore:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    @property
    def engine(self) -> Engine:
        return engine_for(self.database_url)

    def add(
        self,
        conversation: str,
        question: str,
        answer: str,
        kind: AnswerKind | str,
        sources: Iterable[FeedbackSource],
        rating: Rating | str,
        comment: str | None = None,
    ) -> Feedback:
        """Store one rating; ValueError (in Swedish) for an unknown kind or rating, or a comment
        longer than MAX_COMMENT_CHARS."""
        note = _clean(comment or "")
        if len(note) > MAX_COMMENT_CHARS:
            raise ValueError(f"kommentaren är för lång (högst {MAX_COMMENT_CHARS} tecken)")
        row = FeedbackRow(
            created_at=dt.datetime.now(dt.UTC),
            conversation=redact_text(_clean(conversation))[:MAX_CONVERSATION_CHARS],
            question=redact_text(_clean(question)),
            answer=redact_text(_clean(answer)),
            kind=_choice(AnswerKind, kind, "okänd svarstyp").value,
            sources=[
                {"doc": redact_text(s.doc), "title": redact_text(s.title), "section": redact_text(s.section)}
                for s in sources
            ],
            rating=_choice(Rating, rating, "okänt betyg").value,
            # A redaction mark may be longer than the number it replaced.
            comment=redact_text(note)[:MAX_COMMENT_CHARS] if note else None,
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return _item(row)

    def list(self, limit: int = 50) -> list[Feedback]:
        """The latest ``limit`` ratings, newest first."""
        query = select(FeedbackRow).order_by(FeedbackRow.id.desc()).limit(max(0, limit))
        with Session(self.engine) as session:
            return [_item(r) for r in session.scalars(query)]


def _clean(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text columns, and means nothing in a question.
    return text.replace("\x00", "").strip()


def _choice(enum: type[_Choice], value: _Choice | str, what: str) -> _Choice:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ValueError(f"{what}: {value!r} (välj bland {allowed})") from None


def _source(data: Any) -> FeedbackSource:
    return FeedbackSource(str(data.get("doc", "")), str(data.get("title", "")), str(data.get("section", "")))


def _item(row: FeedbackRow) -> Feedback:
    return Feedback(
        id=row.id,
        created_at=as_utc(row.created_at),
        conversation=row.conversation,
        question=row.question,
        answer=row.answer,
        kind=AnswerKind(row.kind),
        sources=tuple(_source(s) for s in row.sources or [] if isinstance(s, dict)),
        rating=Rating(row.rating),
        comment=row.comment,
    )
