"""The search engine assembled from settings: load (or rebuild) the index, search, read.

Everything heavy (spaCy tables, the embedding model, FAISS) is loaded on first use."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property

from index import store
from index.analysis import SwedishAnalyzer
from index.diacritics import DiacriticRestorer, has_diacritics
from index.embedder import QueryEmbedder, SentenceTransformerEmbedder
from index.evidence import Asked, Evidence, EvidenceBuilder
from index.learned import Learned, Ranked, decision_features, rank
from index.live_questions import EditSource, LiveQuestions
from index.question_index import QuestionIndex
from index.retriever import Retriever, SearchResult
from index.units import Unit
from knowledge.documents import load_documents
from knowledge.questions import load_corpus
from knowledge.settings import Settings

log = logging.getLogger(__name__)


def learn_restorer(settings: Settings, analyzer: SwedishAnalyzer) -> DiacriticRestorer:
    """The restorer learnt from the sources and the written questions that use å/ä/ö, with the
    analyser's lookup table for words they never use: how the engine, the index build and the
    tuning read a question."""
    corpus = load_corpus(settings.questions_dir)
    texts = [f"{d.title}\n{d.body}" for d in load_documents(settings.sources_dir)]
    written = [q.text for q in corpus.questions] + [r.text for r in corpus.refused]
    texts += [t for t in written if has_diacritics(t)]
    return DiacriticRestorer.learn(texts, analyzer.word_forms)


@dataclass(frozen=True)
class Judgement:
    """A question weighed against every unit: the evidence, the units ranked, and the learned
    probability that the best one answers it."""

    evidence: Evidence
    ranked: Ranked
    probability: float
    unit: Unit | None  # the best unit (None: no unit in the documents asked about)


class SearchEngine:
    def __init__(self, settings: Settings, edits: EditSource | None = None) -> None:
        """``edits``: the process lead's edits to the written questions, applied live (none: the
        written questions as built)."""
        self.settings = settings
        self._lock = threading.Lock()
        self._edits = edits
        self._evidence: EvidenceBuilder | None = None

    def follow_edits(self, edits: EditSource) -> None:
        """Apply ``edits`` from now on (the app's database, once its stores are made)."""
        self._edits = edits
        self.__dict__.pop("live", None)

    @cached_property
    def embedder(self) -> QueryEmbedder:
        """The model, its queries cached."""
        s = self.settings
        model = SentenceTransformerEmbedder(
            s.embedding_model, s.query_prompt, s.passage_prompt, s.torch_threads
        )
        return QueryEmbedder(model, cache_size=s.query_cache_size, restore=self._restore)

    @cached_property
    def restorer(self) -> DiacriticRestorer:
        """How a question typed without å/ä/ö is read (index/diacritics.py)."""
        return learn_restorer(self.settings, self.analyzer)

    def _restore(self, text: str) -> str:
        return self.restorer.restore(text)

    @cached_property
    def analyzer(self) -> SwedishAnalyzer:
        return SwedishAnalyzer()

    def ensure_index(self, rebuild: bool = True) -> list[str]:
        """Rebuild a stale index when allowed; return the reasons it was stale (empty if not)."""
        s = self.settings
        reasons = store.staleness(s.sources_dir, s.index_dir, s.embedding_model, s.questions_dir)
        if reasons and rebuild:
            log.warning("rebuilding the search index: %s", "; ".join(reasons))
            store.build(
                s.sources_dir, s.index_dir, self.embedder, s.embedding_model, s.questions_dir, self.analyzer
            )
        return reasons

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        with self._lock:
            stored = store.load(s.sources_dir, s.index_dir, s.embedding_model, s.questions_dir)
        return Retriever(stored, self.embedder, self.analyzer, rrf_k=s.rrf_k, k1=s.bm25_k1, b=s.bm25_b)

    @cached_property
    def written_questions(self) -> QuestionIndex:
        """The written questions as built (index/question_index.py)."""
        stored = self.retriever.stored
        if stored.question_vectors is None:
            raise store.StaleIndexError("the index has no written questions. Run `python -m index build`.")
        s = self.settings
        return QuestionIndex(stored.questions, stored.question_vectors, self.analyzer, s.bm25_k1, s.bm25_b)

    @cached_property
    def live(self) -> LiveQuestions:
        """The written questions with the process lead's edits, polled (index/live_questions.py)."""
        return LiveQuestions(
            lambda: self.written_questions,
            self._edits,
            self.embedder.embed_queries,
            self.settings.curated_poll_seconds,
        )

    @property
    def questions(self) -> QuestionIndex:
        """The written questions as the process lead has edited them, of the moment."""
        return self.live.current()

    @property
    def evidence(self) -> EvidenceBuilder:
        """The evidence over the units and the questions of the moment (what was computed about
        the units is kept when the questions change)."""
        questions = self.questions
        built = self._evidence
        if built is None:
            built = EvidenceBuilder(self.retriever, questions)
        elif built.questions is not questions:
            built = built.with_questions(questions)
        self._evidence = built
        return built

    @cached_property
    def learned(self) -> Learned:
        learned = self.retriever.stored.learned
        if learned is None:
            raise store.StaleIndexError("the index has learned nothing yet. Run `python -m index build`.")
        return learned

    def judge(self, asked: Asked) -> Judgement:
        """Weigh ``asked`` against every unit of the documents it may be answered from."""
        texts = [asked.text] + ([asked.focus] if asked.focus else [])
        vectors = self.embedder.embed_queries(texts)
        builder = self.evidence
        evidence = builder.build(asked, vectors[0], vectors[1] if asked.focus else None)
        ranked = rank(self.learned.ranker, evidence)
        best = ranked.best
        unit = builder.units[best] if best is not None else None
        year_missing = unit is not None and builder.years_missing(evidence.years, unit)
        probability = self.learned.decision.probability(decision_features(evidence, ranked, year_missing))
        return Judgement(evidence, ranked, probability, unit)

    def warm_up(self) -> None:
        """Load everything now rather than on the first question."""
        self.judge(Asked("uppvärmning av samverkan"))

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
