"""The decision to answer weighs what the reply would quote: when a date is asked for and the best
sentence holds none, a neighbour in its section that holds one is quoted with it (index/quote.py),
so the answer does not lack a date. A fictitious document beside the fictitious corpus, the fake
embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer_types import AnswerType
from index.evidence import Asked
from index.service import SearchEngine
from knowledge.settings import Settings
from tests.conftest import FICTITIOUS_DOC, FICTITIOUS_QUESTIONS, FakeEmbedder

MEETING_DOC = """---
id: testmote
title: Fiktiv inbjudan till testmöte
issuer: Testförbundet (fiktivt)
date: 2099-01-01
region: stockholm
source: testmote.txt
---

## Informationsmöte

Testförbundet bjuder in kommunerna till ett fiktivt informationsmöte om testöverenskommelsen.
Mötet hålls den 3 mars 2099 i Testby.

## Deltagare

Testfunktionen ska delta i informationsmötet.
"""
INVITATION = "Testförbundet bjuder in kommunerna till ett fiktivt informationsmöte om testöverenskommelsen."
DATED = "Mötet hålls den 3 mars 2099 i Testby."
ELSEWHERE = "Testfunktionen ska delta i informationsmötet."


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    (sources / "testmote.md").write_text(MEETING_DOC, encoding="utf-8")
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        sources_dir=sources,
        index_dir=tmp_path / "build",
        embedding_model="fake-embedder",
    )
    made = SearchEngine(settings)
    made.__dict__["embedder"] = FakeEmbedder()
    made.ensure_index(rebuild=True)
    return made


def test_a_date_in_the_next_sentence_of_the_section_counts_as_quoted(engine: SearchEngine) -> None:
    evidence = engine.judge(Asked("När är informationsmötet om testöverenskommelsen?")).evidence
    assert evidence.analysis.answer_type is AnswerType.DATE
    quotable = {u.text: bool(evidence.kind_quotable[i]) for i, u in enumerate(engine.evidence.units)}
    assert quotable[DATED] is True
    assert quotable[INVITATION] is True  # its neighbour holds the date
    assert quotable[ELSEWHERE] is False  # another section: the quote would not bring the date along


def test_when_no_kind_is_asked_for_every_unit_is_quotable(engine: SearchEngine) -> None:
    evidence = engine.judge(Asked("Vad handlar informationsmötet om?")).evidence
    assert evidence.analysis.answer_type is AnswerType.OTHER
    assert evidence.kind_quotable.all()
