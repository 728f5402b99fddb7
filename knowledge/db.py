"""The knowledge database: one declarative ``Base`` for every table, a cached engine per URL, and
its schema kept by Alembic migrations (``knowledge/migrations``).

SQLite by default (``settings.database_url``), PostgreSQL by URL
(``postgresql+psycopg://user@host/db``). Engines are created on first use, never at import time.
Nothing creates tables behind anyone's back: a database is created only when asked
(``python -m knowledge db init``), migrated only when asked (``db upgrade``), and the service
refuses to start on a database that is missing or behind (:meth:`Database.check`). A deleted
database is never quietly re-created empty.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The tables of the first revision: a database that has them but no Alembic version was created
# by an earlier release (``create_all``) and is adopted at that revision, its data kept.
FIRST_REVISION = "0001"
FIRST_TABLES = frozenset({"designations", "designation_audit", "unanswered_questions", "feedback"})


class Base(DeclarativeBase):
    """The declarative base of every table in the knowledge database."""


class State(StrEnum):
    MISSING = "missing"  # no database at all (a SQLite file that does not exist)
    EMPTY = "empty"  # a database without any of our tables
    LEGACY = "legacy"  # tables from before migrations, no version
    BEHIND = "behind"  # an older revision than this code's
    CURRENT = "current"
    AHEAD = "ahead"  # a revision this code does not know (a newer release wrote it)
    UNREACHABLE = "unreachable"  # the server does not answer


@dataclass(frozen=True)
class Status:
    state: State
    revision: str | None
    head: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state is State.CURRENT


class DatabaseError(RuntimeError):
    """The database cannot be used as it is; the message (Swedish) says what to do."""


class Database:
    """The knowledge database at ``url``: its status, creation and migrations."""

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    @property
    def label(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def _sqlite_file(self) -> Path | None:
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return Path(parsed.database or "")

    def status(self) -> Status:
        head = _head()
        file = self._sqlite_file()
        if file is not None and not file.exists():
            return Status(State.MISSING, None, head)
        try:
            with self.engine.connect() as connection:
                revision = _revision(connection)
                tables = set(inspect(connection).get_table_names())
        except SQLAlchemyError as error:
            detail = f"{error.__class__.__name__}: {error}".splitlines()[0]
            return Status(State.UNREACHABLE, None, head, detail)
        if revision is None:
            return Status(State.LEGACY if tables >= FIRST_TABLES else State.EMPTY, None, head)
        if revision == head:
            return Status(State.CURRENT, revision, head)
        known = _known_revisions()
        return Status(State.BEHIND if revision in known else State.AHEAD, revision, head)

    def check(self) -> Status:
        """The status of a database the service can use; DatabaseError (Swedish) otherwise."""
        status = self.status()
        if status.ok:
            return status
        raise DatabaseError(self.problem(status))

    def problem(self, status: Status) -> str:
        """What is wrong with the database and what to do about it, in Swedish."""
        where = self.label
        return {
            State.MISSING: f"Kunskapsdatabasen finns inte: {where}. Den skapas inte tom av sig själv. "
            "Återställ den från en säkerhetskopia (python -m knowledge import KATALOG) eller skapa "
            "en ny, tom databas med: python -m knowledge db init",
            State.EMPTY: f"Kunskapsdatabasen {where} är tom (inga tabeller). Skapa tabellerna med: "
            "python -m knowledge db init",
            State.LEGACY: f"Kunskapsdatabasen {where} är från en tidigare version. "
            "Uppgradera den (inga data går förlorade) med: python -m knowledge db upgrade",
            State.BEHIND: f"Kunskapsdatabasen {where} har version {status.revision}, den här versionen "
            f"av tjänsten behöver {status.head}. Uppgradera med: python -m knowledge db upgrade",
            State.AHEAD: f"Kunskapsdatabasen {where} har version {status.revision}, som den här "
            "versionen av tjänsten inte känner till (en nyare version har skrivit den).",
            State.UNREACHABLE: f"Kunskapsdatabasen {where} svarar inte: {status.detail}",
        }.get(status.state, "")

    def init(self) -> Status:
        """Create a new database with every table; a database with data is never touched
        (DatabaseError unless it is missing or empty, or already current)."""
        status = self.status()
        if status.state is State.CURRENT:
            return status
        if status.state not in (State.MISSING, State.EMPTY):
            raise DatabaseError(
                f"Kunskapsdatabasen {self.label} finns redan ({status.state.value}). "
                "Använd python -m knowledge db upgrade."
            )
        self._migrate()
        return self.status()

    def upgrade(self) -> Status:
        """Migrate an existing database to this code's revision, its data kept; DatabaseError for a
        missing or empty one (create it with :meth:`init`) or one from a newer release."""
        status = self.status()
        if status.state in (State.MISSING, State.EMPTY, State.AHEAD, State.UNREACHABLE):
            raise DatabaseError(self.problem(status))
        if status.state is State.LEGACY:
            self._migrate(stamp=FIRST_REVISION)
        elif status.state is State.BEHIND:
            self._migrate()
        return self.status()

    def migrate_to(self, revision: str) -> None:
        """Migrate to ``revision`` (not necessarily the newest): for tests of the migrations."""
        self._migrate(target=revision)

    def _migrate(self, stamp: str | None = None, target: str = "head") -> None:
        from alembic import command

        file = self._sqlite_file()
        if file is not None and not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.touch()  # an empty file is an empty SQLite database
        with self.engine.begin() as connection:
            config = _config(connection)
            if stamp:
                command.stamp(config, stamp)
            command.upgrade(config, target)


def _config(connection: Connection | None = None) -> Config:

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise DatabaseError("Inga databasmigreringar hittades.")
    return head


@cache
def _known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions())


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """The engine for ``url``, created once per process. It creates no tables: see
    :class:`Database`."""
    engine = _engines.get(url)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(url)
            if engine is None:
                engine = _engines[url] = _create_engine(url)
    return engine


def dispose(url: str) -> None:
    """Close the engine's connections and forget it (a throwaway database is done with)."""
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every connection would see its own empty database.
            return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        # Opened read-write, never created: sqlite would quietly create a missing file empty.
        query = {**parsed.query, "mode": "rw", "uri": "true"}
        return create_engine(parsed.set(database=f"file:{database}", query=query))
    return create_engine(url, pool_pre_ping=True)


def utc_now() -> dt.datetime:
    """Now, in UTC, to the second: the default clock of every store."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time in UTC: SQLite keeps no time zone, and every time is stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
