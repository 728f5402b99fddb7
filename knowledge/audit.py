"""The audit log of the process lead's workspace: who did what and when, with the values before
and after, for every change, sign-in and export. Append-only: the store has no way to change or
delete an entry."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, as_utc, engine_for, utc_now
from knowledge.redact import redact_text


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


def _event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        row.id, as_utc(row.at), row.actor, row.action, row.target,
        json.loads(row.before) if row.before else None, json.loads(row.after) if row.after else None,
    )  # fmt: skip
