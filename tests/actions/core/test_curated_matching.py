"""How the core matches curated answers: every phrasing's features against the question, the
learned matcher's probability against its threshold, the best answer of the region. A small fake
matcher stands in for the learned one (which needs the real corpus): it matches when the question
shares the phrasing's weighted words both ways and asks for the same kind of answer (a terse
question asks for none in particular)."""

from __future__ import annotations

import pytest

from actions.core.curated import CuratedAnswers
from index.learned import PhrasingMatcher, Scaled
from index.similarity import QuestionSimilarity
from knowledge.curated import Content, CuratedStore
from tests.databases import initialised, sqlite_url


@pytest.fixture
def matcher(core, tmp_path) -> CuratedAnswers:
    store = CuratedStore(initialised(sqlite_url(tmp_path)))
    similarity = QuestionSimilarity(lambda: core.passages.engine.retriever)
    # dense, dense_2, lexical, same_kind: only the words shared both ways (≥ 0.7) and the kind count.
    fake = PhrasingMatcher(Scaled((0.0,) * 4, (1.0,) * 4), (0.0, 0.0, 10.0, 10.0), -17.0, 0.5)
    return CuratedAnswers(store, similarity, dict, lambda: fake)


def _answers(matcher: CuratedAnswers):
    return [
        matcher.candidate(
            1, Content(("Hur mycket ersättning får testcentralen för uppdraget?",), "a", (), "all")
        ),
        matcher.candidate(2, Content(("När godkändes uppdraget av testnämnden?",), "b", (), "stockholm")),
    ]


def test_the_same_question_in_other_words_matches(matcher):
    match = matcher.best("hur mycket ersattning far testcentralen for uppdraget", _answers(matcher))
    assert match is not None and match.answer_id == 1


def test_a_terse_question_asks_for_no_kind_in_particular(matcher):
    match = matcher.best("testcentralen ersättning uppdraget?", _answers(matcher))
    assert match is not None and match.answer_id == 1


def test_another_kind_of_answer_asked_for_does_not_match(matcher):
    # The same words, but "when" is not "how much".
    assert matcher.best("När får testcentralen ersättning för uppdraget?", _answers(matcher)) is None


def test_sharing_too_few_words_does_not_match(matcher):
    assert matcher.best("Hur mycket kostar parkeringen vid testcentralen?", _answers(matcher)) is None


def test_an_answer_scoped_to_another_region_does_not_match(matcher):
    question = "När godkändes uppdraget av testnämnden?"
    assert matcher.best(question, _answers(matcher), region="skane") is None
    assert matcher.best(question, _answers(matcher), region="stockholm").answer_id == 2
