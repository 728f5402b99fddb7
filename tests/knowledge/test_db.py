"""The knowledge database's lifecycle: created only when asked, migrated by Alembic on SQLite and
PostgreSQL, never quietly re-created empty, an older release's database adopted with its data."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError

import knowledge.schema  # noqa: F401  (every model, for the comparison)
from knowledge.__main__ import main
from knowledge.accounts import AccountStore
from knowledge.db import FIRST_REVISION, FIRST_TABLES, Base, Database, DatabaseError, State, engine_for
from knowledge.inbox import Inbox
from knowledge.registry import DesignationStore
from tests.databases import sqlite_url


def test_the_migrations_create_exactly_the_tables_of_the_models(database_url):
    with engine_for(database_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert Database(database_url).status().state is State.CURRENT


def test_a_missing_database_is_reported_and_never_created_by_using_it(tmp_path):
    url = sqlite_url(tmp_path)
    database = Database(url)
    assert database.status().state is State.MISSING
    with pytest.raises(DatabaseError, match="python -m knowledge db init"):
        database.check()
    with pytest.raises(OperationalError):
        Inbox(url).add("conv", "Finns databasen? (fiktiv)")
    assert not (tmp_path / "var" / "knowledge.db").exists()


def test_a_deleted_database_stays_missing_and_its_loss_is_loud(tmp_path):
    url = sqlite_url(tmp_path)
    Database(url).init()
    Inbox(url).add("conv", "En fråga som sparas (fiktiv)")
    (tmp_path / "var" / "knowledge.db").unlink()
    assert Database(url).status().state is State.MISSING
    with pytest.raises(DatabaseError, match="finns inte"):
        Database(url).upgrade()


def test_init_never_touches_a_database_that_holds_data(database_url):
    Inbox(database_url).add("conv", "Sparad fråga (fiktiv)")
    assert Database(database_url).init().ok  # already current: nothing to do
    with engine_for(database_url).begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    with pytest.raises(DatabaseError, match="finns redan"):
        Database(database_url).init()
    assert [i.question for i in Inbox(database_url).list()] == ["Sparad fråga (fiktiv)"]


LEGACY_QUESTION = (
    "INSERT INTO unanswered_questions (asked_at, conversation, question, status) "
    "VALUES ('2099-01-01 08:00:00', 'conv', 'Fråga från förra versionen (fiktiv)', 'new')"
)
LEGACY_DESIGNATION = (
    "INSERT INTO designations (area_id, role, name, recorded_by, recorded_at) "
    "VALUES ('farsta', 'gsa', 'Test (fiktiv)', 'T', '2099-01-01 08:00:00')"
)


def test_a_database_from_before_migrations_is_adopted_with_its_data(blank_database_url):
    url = blank_database_url
    # What the release before migrations left: its four tables (revision 0001's) and no version.
    Database(url).migrate_to(FIRST_REVISION)
    with engine_for(url).begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(LEGACY_QUESTION))
        connection.execute(text(LEGACY_DESIGNATION))
    assert set(inspect(engine_for(url)).get_table_names()) == FIRST_TABLES
    database = Database(url)
    assert database.status().state is State.LEGACY
    with pytest.raises(DatabaseError, match="db upgrade"):
        database.check()
    assert database.upgrade().state is State.CURRENT
    assert [i.question for i in Inbox(url).list()] == ["Fråga från förra versionen (fiktiv)"]
    assert DesignationStore(url).get("farsta", "gsa").version == 1  # the new column, filled in
    assert AccountStore(url).list() == []  # the newer tables are there


def test_an_empty_database_is_initialised_but_not_upgraded(blank_database_url):
    database = Database(blank_database_url)
    assert database.status().state in (State.MISSING, State.EMPTY)
    with pytest.raises(DatabaseError, match="db init"):
        database.upgrade()
    assert database.init().ok


def test_a_revision_from_a_newer_release_is_refused(database_url):
    with engine_for(database_url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'fffffff'"))
    with pytest.raises(DatabaseError, match="inte känner till"):
        Database(database_url).upgrade()


def test_an_unreachable_server_is_reported_not_raised():
    status = Database("postgresql+psycopg://nobody@127.0.0.1:1/none").status()
    assert status.state is State.UNREACHABLE and status.detail


def test_the_command_line_creates_checks_and_upgrades(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    assert main(["--database-url", url, "db", "status"]) == 1
    assert "finns inte" in capsys.readouterr().err
    assert main(["--database-url", url, "db", "upgrade"]) == 1
    assert "db init" in capsys.readouterr().err
    assert main(["--database-url", url, "db", "init"]) == 0
    assert "skapad" in capsys.readouterr().out
    assert main(["--database-url", url, "db", "status"]) == 0
    assert "aktuell" in capsys.readouterr().out
    assert main(["--database-url", url, "db", "upgrade"]) == 0
