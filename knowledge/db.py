"""The knowledge database: one declarative ``Base`` for every table and a cached engine per URL.

SQLite by default (``settings.database_url``); any SQLAlchemy URL works. Engines are created on
first use, never at import time, and the tables of every model imported so far are created then.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool


class Base(DeclarativeBase):
    """The declarative base of every table in the knowledge database."""


_lock = threading.Lock()
_created: dict[str, frozenset[str]] = {}


def engine_for(url: str) -> Engine:
    """The engine for ``url``, created once per process, with every known table created.

    A SQLite file's directory is created. Tables of models imported after the first call are
    created on the next call, so stores may be constructed in any order."""
    engine = _engine(url)
    tables = frozenset(Base.metadata.tables)
    if _created.get(url) != tables:
        with _lock:
            if _created.get(url) != tables:
                Base.metadata.create_all(engine)
                _created[url] = tables
    return engine


@cache
def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every connection would see its own empty database.
            return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time in UTC: SQLite keeps no time zone, and every time is stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
