"""Curated answers: what the process lead writes and publishes for questions the sources do not
answer well enough.

An answer has phrasings (the questions it answers), a short plain text, the source passages it
rests on (or none: then it is shown as "Svar från processledaren, <datum>"), a region scope and
a review-by date. Every edit is a new version; the answer's status is draft, published or
archived, and a published answer may carry a newer draft that serves nobody until published.
An edit names the version it edits: a stale one is a conflict, nothing is overwritten.

Messages are Swedish: they reach the process lead through the pages and the JSON API.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.audit import AuditLog
from knowledge.db import Base, as_utc, engine_for, utc_now
from knowledge.redact import redact_text

REGIONS = ("stockholm", "skane", "all")
MAX_PHRASINGS = 50
MAX_PHRASING_CHARS = 300
MAX_ANSWER_CHARS = 4000


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


STATUS_LABELS = {Status.DRAFT: "utkast", Status.PUBLISHED: "publicerat", Status.ARCHIVED: "arkiverat"}


@dataclass(frozen=True)
class SourceRef:
    doc: str
    section: str


@dataclass(frozen=True)
class Content:
    """What one version of a curated answer says."""

    questions: tuple[str, ...]
    answer: str
    sources: tuple[SourceRef, ...]
    region: str
    review_by: dt.date | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "questions": list(self.questions),
            "answer": self.answer,
            "sources": [{"doc": s.doc, "section": s.section} for s in self.sources],
            "region": self.region,
            "review_by": self.review_by.isoformat() if self.review_by else None,
        }


@dataclass(frozen=True)
class Version:
    number: int
    content: Content
    by: str
    at: dt.datetime
    note: str  # "created", "edited", "published", "archived", …


@dataclass(frozen=True)
class CuratedAnswer:
    id: int
    status: Status
    version: int  # the latest version (the one an edit must name)
    content: Content  # the latest version's content
    published: Content | None  # what the bot serves (None unless published)
    published_version: int | None
    published_by: str | None
    published_at: dt.datetime | None
    updated_by: str
    updated_at: dt.datetime

    @property
    def has_unpublished_changes(self) -> bool:
        return self.status is Status.PUBLISHED and self.version != self.published_version

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "version": self.version,
            **self.content.to_record(),
            "published_version": self.published_version,
            "published": self.published.to_record() if self.published else None,
            "published_by": self.published_by,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at.isoformat(),
            "unpublished_changes": self.has_unpublished_changes,
        }


class CuratedError(ValueError):
    """A refused change (Swedish message)."""


class Conflict(CuratedError):
    """The answer changed since the version the edit started from."""


class NotFound(LookupError):
    pass


class AnswerRow(Base):
    __tablename__ = "curated_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class VersionRow(Base):
    __tablename__ = "curated_answer_versions"
    __table_args__ = (UniqueConstraint("answer_id", "number", name="uq_curated_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("curated_answers.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    region: Mapped[str] = mapped_column(String(16))
    review_by: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(32))


def clean_content(
    questions: Sequence[str],
    answer: str,
    sources: Sequence[SourceRef],
    region: str,
    review_by: dt.date | None,
    known_docs: frozenset[str] | None = None,
) -> Content:
    """The content trimmed and redacted; CuratedError (Swedish) when it cannot be stored."""
    phrasings: list[str] = []
    for q in questions:
        text = redact_text(" ".join(str(q).replace("\x00", "").split()))
        if text and text.casefold() not in {p.casefold() for p in phrasings}:
            phrasings.append(text)
    if not phrasings:
        raise CuratedError("Ange minst en fråga som svaret gäller.")
    if len(phrasings) > MAX_PHRASINGS:
        raise CuratedError(f"Högst {MAX_PHRASINGS} formuleringar per svar.")
    if any(len(p) > MAX_PHRASING_CHARS for p in phrasings):
        raise CuratedError(f"En formulering får vara högst {MAX_PHRASING_CHARS} tecken.")
    text = redact_text(str(answer).replace("\x00", "").strip())
    if not text:
        raise CuratedError("Svarstexten saknas.")
    if len(text) > MAX_ANSWER_CHARS:
        raise CuratedError(f"Svarstexten får vara högst {MAX_ANSWER_CHARS} tecken.")
    if region not in REGIONS:
        raise CuratedError("Region ska vara stockholm, skane eller all.")
    refs = tuple(dict.fromkeys(SourceRef(s.doc.strip(), s.section.strip()) for s in sources))
    for ref in refs:
        if not ref.doc or (known_docs is not None and ref.doc not in known_docs):
            raise CuratedError(f"Okänt källdokument {ref.doc!r}.")
    return Content(tuple(phrasings), text, refs, region, review_by)


class CuratedStore:
    """Curated answers in the knowledge database; every change is also written to the audit log
    in the same transaction. ``four_eyes``: nobody publishes a version they wrote."""

    def __init__(
        self,
        url: str,
        *,
        four_eyes: bool = False,
        known_docs: frozenset[str] | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.url = url
        self.four_eyes = four_eyes
        self.known_docs = known_docs
        self._clock = clock
        self.audit = AuditLog(url, clock)

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    # Reading.

    def get(self, answer_id: int) -> CuratedAnswer:
        with Session(self.engine) as session:
            return self._answer(session, self._row(session, answer_id))

    def list(self, status: Status | None = None) -> list[CuratedAnswer]:
        query = select(AnswerRow).order_by(AnswerRow.id)
        if status is not None:
            query = query.where(AnswerRow.status == status.value)
        with Session(self.engine) as session:
            return [self._answer(session, row) for row in session.scalars(query)]

    def published(self) -> builtins.list[CuratedAnswer]:
        return self.list(Status.PUBLISHED)

    def history(self, answer_id: int) -> builtins.list[Version]:
        with Session(self.engine) as session:
            self._row(session, answer_id)
            rows = session.scalars(
                select(VersionRow).where(VersionRow.answer_id == answer_id).order_by(VersionRow.number)
            )
            return [_version(r) for r in rows]

    def generation(self) -> tuple[int, str]:
        """Changes when anything published changes (cheap: polled by every running process)."""
        with Session(self.engine) as session:
            count, latest = session.execute(
                select(func.count(AnswerRow.id), func.max(AnswerRow.published_at)).where(
                    AnswerRow.status == Status.PUBLISHED.value
                )
            ).one()
            archived = session.execute(
                select(func.count(AnswerRow.id)).where(AnswerRow.status == Status.ARCHIVED.value)
            ).scalar_one()
        return int(count), f"{latest}|{archived}"

    # Changing.

    def create(self, content: Content, by: str) -> CuratedAnswer:
        content = self._clean(content)
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            row = AnswerRow(status=Status.DRAFT.value, version=1, updated_by=by, updated_at=now)
            session.add(row)
            session.flush()
            session.add(_version_row(row.id, 1, content, by, now, "created"))
            session.flush()
            answer = self._answer(session, row)
            self.audit.record(
                by, "answer.create", f"answer:{row.id}", None, answer.to_record(), session=session
            )
            return answer

    def update(self, answer_id: int, version: int, content: Content, by: str) -> CuratedAnswer:
        content = self._clean(content)
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            row = self._locked(session, answer_id, version)
            if row.status == Status.ARCHIVED.value:
                raise CuratedError("Svaret är arkiverat och kan inte ändras.")
            before = self._answer(session, row)
            if content == before.content:
                return before
            row.version += 1
            row.updated_by, row.updated_at = by, now
            session.add(_version_row(row.id, row.version, content, by, now, "edited"))
            session.flush()
            after = self._answer(session, row)
            self.audit.record(
                by, "answer.edit", f"answer:{row.id}", before.to_record(), after.to_record(), session=session
            )
            return after

    def publish(self, answer_id: int, version: int, by: str) -> CuratedAnswer:
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            row = self._locked(session, answer_id, version)
            if row.status == Status.ARCHIVED.value:
                raise CuratedError("Svaret är arkiverat. Återställ det som utkast först.")
            latest = self._version_row(session, row.id, row.version)
            if self.four_eyes and latest.by == by:
                raise CuratedError(
                    "Fyra ögon: du kan inte publicera en ändring du själv har gjort. Be en annan "
                    "processledare granska och publicera."
                )
            before = self._answer(session, row)
            if before.status is Status.PUBLISHED and row.published_version == row.version:
                return before
            row.status = Status.PUBLISHED.value
            row.published_version = row.version
            row.published_by, row.published_at = by, now
            session.flush()
            after = self._answer(session, row)
            self.audit.record(
                by,
                "answer.publish",
                f"answer:{row.id}",
                before.to_record(),
                after.to_record(),
                session=session,
            )
            return after

    def archive(self, answer_id: int, version: int, by: str) -> CuratedAnswer:
        now = self._clock()
        with Session(self.engine) as session, session.begin():
            row = self._locked(session, answer_id, version)
            before = self._answer(session, row)
            if row.status == Status.ARCHIVED.value:
                return before
            row.status = Status.ARCHIVED.value
            row.updated_by, row.updated_at = by, now
            session.flush()
            after = self._answer(session, row)
            self.audit.record(
                by,
                "answer.archive",
                f"answer:{row.id}",
                before.to_record(),
                after.to_record(),
                session=session,
            )
            return after

    # Rows.

    def _clean(self, content: Content) -> Content:
        return clean_content(
            content.questions,
            content.answer,
            content.sources,
            content.region,
            content.review_by,
            self.known_docs,
        )

    @staticmethod
    def _row(session: Session, answer_id: int) -> AnswerRow:
        row = session.get(AnswerRow, answer_id)
        if row is None:
            raise NotFound(f"Det finns inget kurerat svar med id {answer_id}.")
        return row

    def _locked(self, session: Session, answer_id: int, version: int) -> AnswerRow:
        """The row, locked for the change, when it is still at ``version``; Conflict otherwise.

        The conditional write comes first, so it takes the row's lock (PostgreSQL) or the
        database's write lock (SQLite) before anything is read: of two concurrent edits from the
        same version, the second finds a newer version and gets a conflict."""
        claimed = session.execute(  # type: ignore[attr-defined]
            update(AnswerRow)
            .where(AnswerRow.id == answer_id, AnswerRow.version == version)
            .values(version=AnswerRow.version)
        ).rowcount
        row = self._row(session, answer_id)
        if not claimed:
            raise Conflict(
                f"Svaret har ändrats av {row.updated_by} sedan du började (version {row.version}, du "
                f"utgick från version {version}). Ladda om och gör ändringen igen."
            )
        return row

    @staticmethod
    def _version_row(session: Session, answer_id: int, number: int) -> VersionRow:
        return session.scalars(
            select(VersionRow).where(VersionRow.answer_id == answer_id, VersionRow.number == number)
        ).one()

    def _answer(self, session: Session, row: AnswerRow) -> CuratedAnswer:
        latest = _version(self._version_row(session, row.id, row.version))
        published = None
        if row.published_version is not None and row.status == Status.PUBLISHED.value:
            published = _version(self._version_row(session, row.id, row.published_version)).content
        return CuratedAnswer(
            id=row.id,
            status=Status(row.status),
            version=row.version,
            content=latest.content,
            published=published,
            published_version=row.published_version,
            published_by=row.published_by,
            published_at=as_utc(row.published_at) if row.published_at else None,
            updated_by=row.updated_by,
            updated_at=as_utc(row.updated_at),
        )


def _version_row(
    answer_id: int, number: int, content: Content, by: str, at: dt.datetime, note: str
) -> VersionRow:
    record = content.to_record()
    return VersionRow(
        answer_id=answer_id,
        number=number,
        questions=record["questions"],
        answer=content.answer,
        sources=record["sources"],
        region=content.region,
        review_by=content.review_by,
        by=by,
        at=at,
        note=note,
    )


def _version(row: VersionRow) -> Version:
    content = Content(
        tuple(row.questions),
        row.answer,
        tuple(SourceRef(s["doc"], s["section"]) for s in row.sources),
        row.region,
        row.review_by,
    )
    return Version(row.number, content, row.by, as_utc(row.at), row.note)
