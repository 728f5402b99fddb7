"""The answering core assembled in process for benchmarks (real model and index, a throwaway
database for the register's designations)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from actions.core.coordinators import Coordinators
from actions.core.engine import AnsweringCore
from actions.core.passages import PassageAnswerer
from index.service import SearchEngine
from knowledge.db import Database
from knowledge.registry import DesignationStore, get_register
from knowledge.settings import Settings, get_settings


def core_for_bench(settings: Settings | None = None) -> AnsweringCore:
    """The core, with its index built when stale (``settings``: other questions or index)."""
    settings = settings or get_settings()
    engine = SearchEngine(settings)
    engine.ensure_index(rebuild=True)
    database = Database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='hok-bench-')) / 'knowledge.db'}")
    database.init()
    coordinators = Coordinators(get_register(), DesignationStore(database.url))
    return AnsweringCore(PassageAnswerer(engine, settings), coordinators)
