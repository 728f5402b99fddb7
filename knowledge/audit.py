"""The audit log of the process lead's workspace: who did what and when, with the values before
and after, for every change, sign-in and export. Append-only: the store has no way to change or
delete an entry."""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, as_utc, engine_for, utc_now
from knowledge.redact import redact_text

# Every action code recorded, by the kind of thing it changed (the workspace log's filter).
ACTION_KINDS: dict[str, tuple[str, ...]] = {
    "svar": ("answer.create", "answer.edit", "answer.publish", "answer.archive"),
    "register": (
        "designation.set", "designation.remove", "designation.restore", "designation.verify",
        "designation.import", "designation.export",
    ),
    "inkorg": ("inbox.dismiss", "inbox.add_phrasings"),
    "källor": ("question.add", "question.remove"),
    "konton": (
        "sign_in", "sign_in.failed", "sign_out", "user.add", "user.disable", "user.set_role",
        "user.reset_password", "token.create",
    ),
    "data": ("export", "import", "purge"),
}  # fmt: skip
KIND_LABELS = {
    "svar": "Kurerade svar",
    "register": "Registret",
    "inkorg": "Inkorgen",
    "källor": "Källornas frågor",
    "konton": "Konton och inloggning",
    "data": "Export, import och gallring",
}
MAX_PAGE_SIZE = 200


def kind_of(action: str) -> str:
    """The kind ("svar", "register", …) of an action code; "övrigt" for one not listed."""
    return next((kind for kind, codes in ACTION_KINDS.items() if action in codes), "övrigt")


@dataclass(frozen=True)
class AuditQuery:
    """A page of the log: by one person, of one kind (a key of ACTION_KINDS), within dates
    (inclusive, UTC), newest first. ``page`` counts from 1."""

    actor: str | None = None
    kind: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class AuditPage:
    events: tuple[AuditEvent, ...]
    total: int  # entries matching the query, on every page
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    action: str  # e.g. "sign_in", "answer.publish", "designation.set"
    target: str  # e.g. "answer:12", "designation:farsta/gsa"
    before: Any
    after: Any


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    after: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON


def _json(value: Any) -> str | None:
    # Redacted like everything stored: a personal identity number typed into an answer stays out.
    return None if value is None else redact_text(json.dumps(value, ensure_ascii=False, default=str))


class AuditLog:
    def __init__(self, url: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.url = url
        self._clock = clock

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def record(
        self,
        actor: str,
        action: str,
        target: str = "",
        before: Any = None,
        after: Any = None,
        *,
        session: Session | None = None,
    ) -> None:
        """Append one entry, redacted (a user name typed at a failed sign-in may be anything);
        in ``session`` (the change's own transaction) when given."""
        row = AuditRow(
            at=self._clock(), actor=redact_text(actor)[:64], action=action[:64],
            target=redact_text(target)[:200], before=_json(before), after=_json(after),
        )  # fmt: skip
        if session is not None:
            session.add(row)
            return
        with Session(self.engine) as own, own.begin():
            own.add(row)

    def list(self, limit: int = 200, actor: str | None = None, action: str | None = None) -> list[AuditEvent]:
        """The newest ``limit`` entries first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(max(0, min(limit, 5000)))
        if actor:
            query = query.where(AuditRow.actor == actor)
        if action:
            query = query.where(AuditRow.action == action)
        with Session(self.engine) as session:
            return [_event(r) for r in session.scalars(query)]

    def query(self, query: AuditQuery) -> AuditPage:
        """One page of the entries that match ``query``, newest first; ValueError (Swedish) for an
        unknown kind."""
        size = max(1, min(query.page_size, MAX_PAGE_SIZE))
        page = max(1, query.page)
        conditions = []
        if query.actor:
            conditions.append(AuditRow.actor == query.actor)
        if query.kind:
            if query.kind not in ACTION_KINDS:
                raise ValueError(
                    f"Okänd sorts ändring {query.kind!r} (välj bland {', '.join(ACTION_KINDS)})."
                )
            conditions.append(AuditRow.action.in_(ACTION_KINDS[query.kind]))
        if query.since:
            conditions.append(AuditRow.at >= _midnight(query.since))
        if query.until:
            conditions.append(AuditRow.at < _midnight(query.until + dt.timedelta(days=1)))
        rows = (
            select(AuditRow).where(*conditions).order_by(AuditRow.id.desc())
            .offset((page - 1) * size).limit(size)
        )  # fmt: skip
        with Session(self.engine) as session:
            total = session.execute(select(func.count(AuditRow.id)).where(*conditions)).scalar_one()
            events = tuple(_event(r) for r in session.scalars(rows))
        return AuditPage(events, int(total), page, size)

    def actors(self) -> builtins.list[str]:
        """Everyone with an entry in the log, by name (for the filter by person)."""
        with Session(self.engine) as session:
            return sorted(session.scalars(select(AuditRow.actor).distinct()))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        row.id, as_utc(row.at), row.actor, row.action, row.target,
        json.loads(row.before) if row.before else None, json.loads(row.after) if row.after else None,
    )  # fmt: skip
