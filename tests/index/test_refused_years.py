"""A refused question that names a year is evidence against questions naming that year only: the
year may be all that makes it unanswerable ("vad fick SLSO 2024?" beside the 2021 amount the
sources give), so the same question without the year, or with another, is not held against it.
The fictitious corpus with one refused question added, the fake embedder."""

from __future__ import annotations

import shutil

import pytest

from index.evidence import Asked
from index.service import SearchEngine
from knowledge.settings import Settings
from tests.conftest import FICTITIOUS_QUESTIONS, FakeEmbedder

REFUSED_FOR_A_YEAR = "Hur många möten höll testcentralen under 2031?"


@pytest.fixture
def engine(tmp_path, tiny_corpus) -> SearchEngine:
    questions = tmp_path / "questions"
    shutil.copytree(FICTITIOUS_QUESTIONS, questions)
    with (questions / "abstain.yaml").open("a", encoding="utf-8") as f:
        f.write(f'  - {{q: "{REFUSED_FOR_A_YEAR}", category: near-topic, by: writer-a}}\n')
    settings = Settings(
        questions_dir=questions, sources_dir=tiny_corpus, index_dir=tmp_path / "build",
        embedding_model="fake-embedder",
    )  # fmt: skip
    made = SearchEngine(settings)
    made.__dict__["embedder"] = FakeEmbedder()
    made.ensure_index(rebuild=True)
    return made


def refused_closeness(engine: SearchEngine, question: str) -> float:
    return engine.judge(Asked(question)).evidence.refused_dense


def test_a_refused_question_counts_against_its_own_year_only(engine):
    assert refused_closeness(engine, REFUSED_FOR_A_YEAR) > 0.99
    assert refused_closeness(engine, "Hur många möten höll testcentralen under 2031 och 2032?") > 0.85
    without_it = ("Hur många möten höll testcentralen under året?", "Hur många möten höll den 2032?")
    for other in without_it:
        assert refused_closeness(engine, other) < 0.6, other
