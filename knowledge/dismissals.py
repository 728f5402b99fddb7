"""Inbox items the process lead has dismissed, with the reason: they do not come back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, engine_for, utc_now
from knowledge.redact import redact_text


class DismissalRow(Base):
    __tablename__ = "inbox_dismissals"
    __table_args__ = (UniqueConstraint("source", "item_id", name="uq_inbox_dismissal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "abstained" | "passed_on" | "thumbs_down"
    item_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Dismissals:
    def __init__(self, url: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.url = url
        self._clock = clock

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def keys(self) -> frozenset[tuple[str, int]]:
        with Session(self.engine) as session:
            rows = session.execute(select(DismissalRow.source, DismissalRow.item_id))
            return frozenset((source, item_id) for source, item_id in rows)

    def dismiss(self, items: Iterable[tuple[str, int]], reason: str, by: str) -> int:
        """Dismiss the items (already dismissed ones are left as they are); how many were new."""
        reason = redact_text(" ".join(reason.split()))[:1000]
        if not reason:
            raise ValueError("Ange varför frågorna avfärdas.")
        done = self.keys()
        new = [(s, i) for s, i in dict.fromkeys(items) if (s, i) not in done]
        with Session(self.engine) as session, session.begin():
            for source, item_id in new:
                session.add(
                    DismissalRow(source=source, item_id=item_id, reason=reason, by=by, at=self._clock())
                )
        return len(new)
