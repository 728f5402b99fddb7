"""The search engine assembled from settings: load (or rebuild) the index, search, extract.

Everything heavy (spaCy tables, the embedding model, FAISS) is loaded on first use."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property

from index import store
from index.analysis import SwedishAnalyzer
from index.embedder import SentenceTransformerEmbedder
from index.extract import Extract, extract
from index.retriever import Retriever, SearchResult
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answerable:
    """A search result with its best extract (None when nothing was found)."""

    result: SearchResult
    extract: Extract | None


class SearchEngine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        s = self.settings
        return SentenceTransformerEmbedder(s.embedding_model, s.query_prompt, s.passage_prompt)

    @cached_property
    def analyzer(self) -> SwedishAnalyzer:
        return SwedishAnalyzer()

    def ensure_index(self, rebuild: bool = True) -> list[str]:
        """Rebuild a stale index when allowed; return the reasons it was stale (empty if not)."""
        s = self.settings
        reasons = store.staleness(s.sources_dir, s.index_dir, s.embedding_model)
        if reasons and rebuild:
            log.warning("rebuilding the search index: %s", "; ".join(reasons))
            store.build(s.sources_dir, s.index_dir, self.embedder, s.embedding_model)
        return reasons

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        with self._lock:
            stored = store.load(s.sources_dir, s.index_dir, s.embedding_model)
        return Retriever(stored, self.embedder, self.analyzer, rrf_k=s.rrf_k, k1=s.bm25_k1, b=s.bm25_b)

    def warm_up(self) -> None:
        """Load everything now rather than on the first question."""
        self.retriever.bm25  # noqa: B018 - loads spaCy, the lemma table and the index
        self.embedder.embed_queries(["uppvärmning"])

    def search(self, query: str, top_k: int | None = None) -> SearchResult:
        return self.retriever.search(query, top_k or self.settings.top_k)

    def answer(self, query: str) -> Answerable:
        result = self.search(query)
        r = self.retriever
        ex = extract(result, r.stored, self.analyzer, r.bm25, self.settings.max_answer_sentences)
        return Answerable(result, ex)
