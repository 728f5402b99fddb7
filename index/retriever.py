"""Hybrid retrieval: four rankings of the passages, fused by reciprocal rank.

- BM25 over the passages' lemmas (with title and section),
- dense cosine similarity of the passage,
- BM25 of the passage's best-matching sentence (with its section),
- dense similarity of the passage's best-matching sentence.
Sentence-level signals find the one sentence that answers a question in a longer passage.
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
from index.store import StoredIndex


@dataclass(frozen=True)
class SearchResult:
    query: str
    terms: tuple[str, ...]  # content lemmas of the query
    coverage: float  # idf-weighted share of query terms the corpus knows (0..1)
    hits: tuple[Hit, ...]
    query_vector: np.ndarray

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

    def resolve(self, query: str) -> list[str]:
        """The query's content lemmas, each in the reading the corpus uses when it has one."""
        vocabulary = self.bm25.idf
        return [
            next((r for r in (t.lemma, *t.alternatives) if r in vocabulary), t.lemma)
            for t in self.analyzer.content_terms(query)
        ]

    def search(self, query: str, top_k: int = 5) -> SearchResult:
        terms = self.resolve(query)
        vector = self.embedder.embed_queries([query])[0]
        unit_bm25, _ = self._units
        sparse = self.bm25.scores(terms)
        dense = self.stored.dense.scores(vector)
        rankings = [ranks(dense), ranks(self._best_per_passage(self.stored.unit_vectors @ vector))]
        if any(sparse):
            rankings += [ranks(sparse), ranks(self._best_per_passage(np.asarray(unit_bm25.scores(terms))))]
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)
        order = sorted(range(len(fused)), key=lambda i: (-fused[i], -dense[i]))[:top_k]
        hits = tuple(
            Hit(self.stored.chunks[i], fused[i], rank, sparse[i], dense[i])
            for rank, i in enumerate(order, start=1)
        )
        return SearchResult(query, tuple(terms), self.bm25.coverage(terms), hits, vector)
