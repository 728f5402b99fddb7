"""Hybrid retrieval: four rankings of the passages, fused by reciprocal rank.

- BM25 over the passages' lemmas (with title and section),
- dense cosine similarity of the passage,
- BM25 of the passage's best-matching sentence (with its section),
- dense similarity of the passage's best-matching sentence.
Sentence-level signals find the one sentence that answers a question in a longer passage.
The question's words are matched through query understanding (:mod:`index.query`): synonyms,
abbreviations, corrected spellings and compound parts count as the word itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from index.analysis import SwedishAnalyzer
from index.bm25 import BM25
from index.chunking import chunk_units
from index.embedder import Embedder
from index.fusion import ranks, reciprocal_rank_fusion
from index.models import Hit
from index.query import Query, QueryAnalyzer, Vocabulary
from index.store import StoredIndex


@dataclass(frozen=True)
class SearchResult:
    query: str
    terms: tuple[str, ...]  # content lemmas of the query, as the corpus spells them
    coverage: float  # idf-weighted share of query terms the corpus knows (0..1)
    hits: tuple[Hit, ...]
    query_vector: np.ndarray
    analysis: Query

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class Retriever:
    def __init__(
        self,
        stored: StoredIndex,
        embedder: Embedder,
        analyzer: SwedishAnalyzer,
        *,
        rrf_k: int = 60,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.stored = stored
        self.embedder = embedder
        self.analyzer = analyzer
        self.rrf_k = rrf_k
        self._k1, self._b = k1, b

    @cached_property
    def bm25(self) -> BM25:
        docs = [self.analyzer.lemmas(c.indexed_text) for c in self.stored.chunks]
        return BM25.build(docs, self._k1, self._b)

    @cached_property
    def queries(self) -> QueryAnalyzer:
        texts = [c.indexed_text for c in self.stored.chunks]
        return QueryAnalyzer(Vocabulary(texts, self.analyzer, self.bm25.idf))

    @cached_property
    def _units(self) -> tuple[BM25, np.ndarray]:
        """BM25 over sentence units (with title and section), and each unit's passage."""
        docs, owner = [], []
        for i, chunk in enumerate(self.stored.chunks):
            for section, unit in chunk_units(chunk):
                docs.append(self.analyzer.lemmas(f"{chunk.title}. {section}. {unit}"))
                owner.append(i)
        return BM25.build(docs, self._k1, self._b), np.asarray(owner)

    def _best_per_passage(self, unit_scores: np.ndarray) -> list[float]:
        _, owner = self._units
        best = np.full(len(self.stored.chunks), -np.inf)
        np.maximum.at(best, owner, unit_scores)
        return best.tolist()

    def coverage(self, query: Query) -> float:
        """The idf-weighted share of the typed words the corpus uses in some variant (0..1)."""
        typed = [t for t in query.terms if t.weight >= 1.0]
        if not typed:
            return 0.0
        weights = [(self.bm25.weight(t.variants), t.known) for t in typed]
        total = sum(w if w is not None else self.bm25.max_idf for w, _ in weights)
        known = sum(w for w, k in weights if w is not None and k)
        return known / total if total else 0.0

    def search(self, text: str, top_k: int = 5, docs: frozenset[str] | None = None) -> SearchResult:
        """The ``top_k`` passages for ``text``; only those of ``docs`` when given (a question about
        one region is answered from that region's agreements)."""
        query = self.queries.analyse(text)
        groups = [(t.variants, t.weight) for t in query.terms]
        vector = self.embedder.embed_queries([query.dense_text])[0]
        unit_bm25, _ = self._units
        sparse = self.bm25.grouped_scores(groups)
        dense = self.stored.dense.scores(vector)
        rankings = [ranks(dense), ranks(self._best_per_passage(self.stored.unit_vectors @ vector))]
        if any(sparse):
            unit_sparse = np.asarray(unit_bm25.grouped_scores(groups))
            rankings += [ranks(sparse), ranks(self._best_per_passage(unit_sparse))]
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)
        allowed = [i for i, c in enumerate(self.stored.chunks) if docs is None or c.doc_id in docs]
        order = sorted(allowed, key=lambda i: (-fused[i], -dense[i]))[:top_k]
        hits = tuple(
            Hit(self.stored.chunks[i], fused[i], rank, sparse[i], dense[i])
            for rank, i in enumerate(order, start=1)
        )
        return SearchResult(text, query.lemmas, self.coverage(query), hits, vector, query)
