"""The written questions the assistant learns from (knowledge/questions/): they cover every answer
unit of the sources, hold enough questions that must be refused, come from several writers, and
hold no question of the question bank (nor anything within cosine 0.95 of one), so the bank's
figures measure questions the assistant never learned from."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from index.question_index import in_context
from index.store import chunk_corpus
from index.tools.merge_questions import bank_questions
from index.units import anchored, unanchored, units_of
from knowledge.documents import load_documents
from knowledge.questions import CATEGORIES, QUESTIONS_DIR, anchor_id, load_corpus
from knowledge.settings import get_settings
from knowledge.text import fold

ROOT = Path(__file__).resolve().parents[2]
BANK = [
    ROOT / "tests" / "eval" / name
    for name in (
        "bank-dev.yaml",
        "bank-test.yaml",
        "bank-workplace-dev.yaml",
        "bank-workplace-test.yaml",
        "calibration.yaml",
    )
] + [ROOT.parent / "shared" / "eval" / "devset.yaml"]
MIN_PER_UNIT = 12
MIN_REFUSED = 1000
MAX_COSINE = 0.95


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def units():
    return units_of(chunk_corpus(load_documents(get_settings().sources_dir)))


def test_every_unit_of_the_sources_has_at_least_twelve_written_questions(corpus, units):
    documents = {u.doc_id for u in units}
    anchors = anchored(units, corpus, documents)  # raises, naming them, if an anchor went stale
    assert unanchored(units, corpus) == []
    per_unit = Counter(anchors[q.anchor_id].id for q in corpus.questions)
    answers_nothing = {a.anchor_id for a in corpus.units if a.answers_nothing}
    # A text repeated in one document (a letter's reference number) is one anchor: count it once.
    wanted = {anchors[anchor_id(u.doc_id, u.text)].id: u.text for u in units}
    short = {
        text[:60]: per_unit[uid]
        for uid, text in wanted.items()
        if anchor_id(anchors[uid].doc_id, text) not in answers_nothing and per_unit[uid] < MIN_PER_UNIT
    }
    assert short == {}
    assert len(answers_nothing) <= 5, "only a few units (a greeting, a signature line) answer nothing"


def test_at_least_a_thousand_questions_must_be_refused_in_every_category(corpus):
    assert len(corpus.refused) >= MIN_REFUSED
    categories = Counter(r.category for r in corpus.refused)
    assert set(categories) == set(CATEGORIES)
    assert min(categories.values()) >= 50


def test_the_questions_come_from_several_writers_with_their_own_personas(corpus):
    writers = Counter(q.by for q in corpus.questions)
    personas = yaml.safe_load((QUESTIONS_DIR / "prompts" / "personas.yaml").read_text(encoding="utf-8"))
    assert len(writers) >= 6
    assert set(writers) | {r.by for r in corpus.refused} <= set(personas)
    # No one style dominates: every writer wrote at least half an even share, none over a third.
    assert min(writers.values()) >= 0.5 * sum(writers.values()) / len(writers)
    assert max(writers.values()) <= sum(writers.values()) / 3
    follow_ups = [q for q in corpus.questions if q.after]
    assert len(follow_ups) >= 50, "follow-up fragments are written with the question they follow"
    without_diacritics = [q for q in corpus.questions if not set("åäöÅÄÖ") & set(q.text)]
    assert len(without_diacritics) / len(corpus.questions) >= 0.25


def _corpus_forms(corpus) -> list[str]:
    """Every written and refused question as written and, for a follow-up, with the one before."""
    forms = [q.text for q in corpus.questions] + [r.text for r in corpus.refused]
    forms += [in_context(q.text, q.after) for q in corpus.questions if q.after]
    forms += [in_context(r.text, r.after) for r in corpus.refused if r.after]
    return list(dict.fromkeys(forms))


def test_no_question_of_the_bank_is_in_the_corpus(corpus):
    bank = {fold(q) for q in bank_questions([p for p in BANK if p.exists()])}
    assert len(bank) > 500
    assert [f for f in _corpus_forms(corpus) if fold(f) in bank] == []


@pytest.mark.integration
def test_nothing_in_the_corpus_is_within_cosine_095_of_a_bank_question(corpus):
    from index.service import SearchEngine

    embedder = SearchEngine(get_settings()).embedder
    bank = bank_questions([p for p in BANK if p.exists()])
    forms = _corpus_forms(corpus)
    closest = (embedder.embed_queries(forms) @ embedder.embed_queries(bank).T).max(axis=1)
    leaks = {forms[i]: round(float(closest[i]), 3) for i in np.flatnonzero(closest >= MAX_COSINE)}
    assert leaks == {}
