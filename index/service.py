"""The search engine assembled from settings: load (or rebuild) the index, search, read.

Everything heavy (spaCy tables, the embedding model, FAISS) is loaded on first use."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property

from index import store
from index.analysis import SwedishAnalyzer
from index.embedder import QueryEmbedder, SentenceTransformerEmbedder
from index.reader import Reader, ReaderWeights, Reading
from index.retriever import Retriever, SearchResult
from knowledge.documents import load_documents
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answerable:
    """A search result with the sentences that answer it best (None when nothing was found)."""

    result: SearchResult
    reading: Reading | None


class SearchEngine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()

    @cached_property
    def embedder(self) -> QueryEmbedder:
        """The model, its queries cached."""
        s = self.settings
        model = SentenceTransformerEmbedder(
            s.embedding_model, s.query_prompt, s.passage_prompt, s.torch_threads
        )
        return QueryEmbedder(model, cache_size=s.query_cache_size)

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

    @cached_property
    def reader(self) -> Reader:
        r, s = self.retriever, self.settings
        weights = ReaderWeights(
            dense=s.reader_dense_weight,
            lexical=s.reader_lexical_weight,
            type_bonus=s.reader_type_bonus,
            rank_bonus=s.reader_rank_bonus,
            margin=s.reader_margin,
            candidates=s.reader_candidates,
            focus_share=s.reader_focus_share,
            precise_bonus=s.reader_precise_bonus,
            follow_up_rank_factor=s.reader_follow_up_rank_factor,
            support_margin=s.reader_support_margin,
            heading_bonus=s.reader_heading_bonus,
        )
        return Reader(r.stored, self.analyzer, r.bm25, weights)

    def warm_up(self) -> None:
        """Load everything now rather than on the first question."""
        self.answer("uppvärmning av samverkan")

    @cached_property
    def regions(self) -> dict[str, frozenset[str]]:
        """The documents of each region (``region`` in the sources' front matter)."""
        out: dict[str, set[str]] = {}
        for document in load_documents(self.settings.sources_dir):
            out.setdefault(document.region, set()).add(document.id)
        return {region: frozenset(docs) for region, docs in out.items()}

    def search(self, query: str, top_k: int | None = None, region: str | None = None) -> SearchResult:
        docs = self.regions.get(region) if region else None
        return self.retriever.search(query, top_k or self.settings.top_k, docs)

    def answer(self, query: str, focus: str | None = None, region: str | None = None) -> Answerable:
        """Search with ``query`` (in ``region``'s agreements when given); read the sentences that
        answer ``focus`` (default: the query), e.g. a follow-up searched with the question before it."""
        result = self.search(query, region=region)
        asked = self.retriever.queries.analyse(focus) if focus else None
        return Answerable(result, self.reader.read(result, self.settings.max_answer_sentences, asked))
