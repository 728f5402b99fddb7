"""The shared database helper: one engine per URL, every table created, SQLite directories made."""

from sqlalchemy import inspect

from knowledge.db import engine_for
from knowledge.inbox import Inbox
from knowledge.registry.designations import DesignationStore


def test_one_cached_engine_per_url_with_every_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'dir' / 'k.db'}"
    engine = engine_for(url)
    assert engine is engine_for(url) and (tmp_path / "new" / "dir").is_dir()
    assert Inbox(url).engine is engine and DesignationStore(url).engine is engine
    assert {"unanswered_questions", "designations", "designation_audit"} <= set(
        inspect(engine).get_table_names()
    )


def test_an_in_memory_database_is_shared_by_its_connections():
    added = Inbox("sqlite://").add("conv", "Fråga om minnesdatabasen (fiktiv)")
    assert (added.id, added.question) in [(i.id, i.question) for i in Inbox("sqlite://").list()]
