"""The answering core over a small fictitious corpus, the fake embedder, the real register and
rules, and a throwaway designation store."""

from __future__ import annotations

import pytest

from actions.core.coordinators import Coordinators
from actions.core.engine import AnsweringCore
from actions.core.passages import PassageAnswerer
from index.service import SearchEngine
from knowledge.registry import DesignationStore, get_register
from knowledge.settings import Settings
from tests.conftest import FICTITIOUS_QUESTIONS, FakeEmbedder
from tests.databases import initialised, sqlite_url
from tests.index.test_units import DOC


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> AnsweringCore:
    tmp = tmp_path_factory.mktemp("core")
    sources = tmp / "sources"
    sources.mkdir()
    (sources / "lasdok.md").write_text(DOC, encoding="utf-8")
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        sources_dir=sources,
        index_dir=tmp / "build",
        embedding_model="fake-embedder",
        database_url=initialised(sqlite_url(tmp)),
    )
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()  # the unit-test stand-in for the real model
    engine.ensure_index(rebuild=True)
    coordinators = Coordinators(get_register(), DesignationStore(settings.database_url))
    return AnsweringCore(PassageAnswerer(engine, settings), coordinators)
