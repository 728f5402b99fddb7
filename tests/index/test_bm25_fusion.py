import pytest

from index.bm25 import BM25
from index.fusion import ranks, reciprocal_rank_fusion


def test_bm25_prefers_documents_with_rare_query_terms():
    bm = BM25.build([["samverkan", "kommun"], ["samverkan", "region", "vardcentral"], ["samverkan"]])
    scores = bm.scores(["vardcentral", "samverkan"])
    assert scores.index(max(scores)) == 1
    assert bm.scores(["pizza"]) == [0.0, 0.0, 0.0]


def test_coverage_weighs_unknown_terms_heavily():
    bm = BM25.build([["samverkan", "kommun"], ["region", "vardcentral"]])
    assert bm.coverage(["samverkan", "kommun"]) == pytest.approx(1.0)
    assert bm.coverage([]) == 0.0
    partly = bm.coverage(["kommun", "pizzeria"])
    assert 0.0 < partly < 0.5


def test_ranks_and_rrf():
    assert ranks([0.1, 0.9, 0.5]) == [3, 1, 2]
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 2]], k=60)
    # Item 1 is first and second: it beats item 0 (first and third).
    assert fused[1] > fused[0] > fused[2]
    assert reciprocal_rank_fusion([]) == []
