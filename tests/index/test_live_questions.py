"""The question index with the process lead's edits, live: a question added to a unit is found by
a paraphrase and points at its unit, a removed written question is no longer matched, and another
process (another engine on the same database) sees both at its next poll, without a rebuild.
The fictitious corpus, the fake embedder, a throwaway database."""

from __future__ import annotations

import pytest

from index.evidence import Asked
from index.features import UNIT_FEATURES
from index.live_questions import ADDED_BY
from index.service import SearchEngine
from knowledge.audit import AuditLog
from knowledge.questions.edits import QuestionEdits
from knowledge.settings import Settings
from knowledge.text import fold
from tests.conftest import FICTITIOUS_DOC, FICTITIOUS_QUESTIONS, FakeEmbedder
from tests.databases import initialised, sqlite_url

CONVENES = "Testcentralen sammankallar till lokala samverkansmöten fyra gånger per år."
ADDED = "Får testcentralen bjuda på fikabröd under mötet?"
PARAPHRASE = "fikabröd på mötet, bjuder testcentralen?"
WRITTEN = "Vem kallar till de lokala mötena?"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    url = initialised(sqlite_url(tmp_path))
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS, sources_dir=tmp_path / "sources", index_dir=tmp_path / "build",
        embedding_model="fake-embedder", database_url=url, curated_poll_seconds=2.0,
    )  # fmt: skip
    edits = QuestionEdits(url, AuditLog(url))

    def engine() -> SearchEngine:
        made = SearchEngine(settings, edits)
        made.__dict__["embedder"] = FakeEmbedder()
        made.ensure_index(rebuild=True)
        return made

    return engine, edits


def unit_id(engine: SearchEngine, text: str) -> str:
    return next(u.id for u in engine.evidence.units if u.text == text)


def nearest(engine: SearchEngine, question: str):
    """The written (or added) question closest in meaning to ``question``."""
    sims = engine.questions.similarities(engine.embedder.embed_queries([question])[0])
    return engine.questions.entries[int(sims.argmax())], float(sims.max())


def test_an_added_question_is_found_by_a_paraphrase_and_points_at_its_unit(world):
    make, edits = world
    engine = make()
    unit = unit_id(engine, CONVENES)
    before = len(engine.questions.entries)
    assert nearest(engine, PARAPHRASE)[1] < 0.5  # nothing like it was written
    edits.add("testdok", unit, ADDED, "pl.test")
    engine.live.changed()
    found, similarity = nearest(engine, PARAPHRASE)
    assert (found.text, found.target, found.by) == (ADDED, unit, ADDED_BY) and similarity > 0.6
    assert len(engine.questions.entries) == before + 1
    # The ranker's evidence counts it like a written question: the nearest questions vote for its unit.
    evidence = engine.judge(Asked(PARAPHRASE)).evidence
    vote = evidence.features[:, UNIT_FEATURES.index("question_vote")]
    assert engine.evidence.units[int(vote.argmax())].id == unit and vote.max() > 0.9


def test_a_removed_written_question_is_no_longer_matched(world):
    make, edits = world
    engine = make()
    unit = unit_id(engine, CONVENES)
    assert nearest(engine, WRITTEN)[0].text == WRITTEN
    edits.remove("testdok", unit, WRITTEN, "pl.test", written=True)
    engine.live.changed()
    assert all(fold(e.text) != fold(WRITTEN) for e in engine.questions.entries)
    assert nearest(engine, WRITTEN)[0].text != WRITTEN
    edits.add("testdok", unit, WRITTEN, "pl.test", written=True)  # added back
    engine.live.changed()
    assert nearest(engine, WRITTEN)[0].text == WRITTEN


def test_another_process_sees_an_edit_at_its_next_poll_without_a_rebuild(world):
    make, edits = world
    other = make()
    clock = Clock()
    other.live._clock = clock
    written = other.questions
    unit = unit_id(other, CONVENES)
    edits.add("testdok", unit, ADDED, "pl.test")
    clock.now = 1.0  # within the poll interval: the questions it had
    assert other.questions is written
    clock.now = 2.5  # polled: the edit is in
    assert nearest(other, PARAPHRASE)[0].text == ADDED
    assert other.retriever.stored.manifest == make().retriever.stored.manifest  # nothing was rebuilt
