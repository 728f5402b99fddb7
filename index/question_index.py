"""The question index: the written questions (knowledge/questions/), each pointing at the unit it
is answered by, searched by meaning (embeddings in FAISS) and by words (BM25 over lemmas).

A user's question is compared with questions, which the embedding model does far better than
question against passage; the units the closest questions point at are the candidate answers
(:mod:`index.ranker`). A follow-up is indexed together with the question it follows, as a follow-up
is searched at run time. The questions the sources do not answer are indexed too, pointing at no
unit: how close a question comes to them is a signal for abstaining.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.analysis import SwedishAnalyzer
from index.bm25 import BM25
from index.dense import DenseIndex
from index.units import Unit
from knowledge.questions import QuestionCorpus
from knowledge.text import fold

REFUSED = ""  # the target of a question the sources do not answer


@dataclass(frozen=True)
class IndexedQuestion:
    text: str  # as matched: the question, or for a follow-up the question it follows and itself
    target: str  # the id of the unit that answers it (REFUSED: none)
    by: str  # the writer's persona
    follow_up: bool = False
    category: str = ""  # a refused question's category

    @property
    def refused(self) -> bool:
        return self.target == REFUSED


def in_context(question: str, after: str | None) -> str:
    """A follow-up as it is indexed and searched: the question it follows, then itself."""
    return f"{after} {question}" if after else question


def entries_of(corpus: QuestionCorpus, anchors: dict[str, Unit]) -> list[IndexedQuestion]:
    """The written questions of anchored units, then the refused ones."""
    out = [
        IndexedQuestion(in_context(q.text, q.after), anchors[q.anchor_id].id, q.by, q.after is not None)
        for q in corpus.questions
        if q.anchor_id in anchors
    ]
    out += [
        IndexedQuestion(in_context(r.text, r.after), REFUSED, r.by, r.after is not None, r.category)
        for r in corpus.refused
    ]
    return out


class QuestionIndex:
    """Written questions with their vectors (FAISS) and a BM25 index over their lemmas."""

    def __init__(
        self,
        entries: Sequence[IndexedQuestion],
        dense: DenseIndex,
        analyzer: SwedishAnalyzer,
        k1: float = 1.2,
        b: float = 0.75,
        lemmas: Sequence[tuple[str, ...]] | None = None,
    ) -> None:
        """``lemmas``: each entry's lemmas when already known (else analysed on first use)."""
        if dense.size != len(entries):
            raise ValueError(f"{len(entries)} questions but {dense.size} vectors")
        self.entries = tuple(entries)
        self.dense = dense
        self.analyzer = analyzer
        self._k1, self._b = k1, b
        if lemmas is not None:
            self.__dict__["lemmas"] = tuple(lemmas)

    @cached_property
    def lemmas(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(self.analyzer.lemmas(e.text)) for e in self.entries)

    @cached_property
    def bm25(self) -> BM25:
        return BM25.build(self.lemmas, self._k1, self._b)

    def edited(
        self, added: Sequence[IndexedQuestion], vectors: np.ndarray, removed: Collection[tuple[str, str]]
    ) -> QuestionIndex:
        """This index with ``added`` questions (embedded to ``vectors``) appended and the entries
        ``removed`` names (target, folded text) left out; BM25 is computed again over them all,
        so an added question counts exactly like a written one."""
        kept = [i for i, e in enumerate(self.entries) if (e.target, fold(e.text)) not in removed]
        base = self.dense.vectors()[kept]
        dense = DenseIndex.build(np.vstack([base, vectors]) if len(added) else base)
        entries = [self.entries[i] for i in kept] + list(added)
        lemmas = [self.lemmas[i] for i in kept] + [tuple(self.analyzer.lemmas(e.text)) for e in added]
        return QuestionIndex(entries, dense, self.analyzer, self._k1, self._b, lemmas)

    @cached_property
    def targets(self) -> np.ndarray:
        return np.asarray([e.target for e in self.entries], dtype=object)

    @cached_property
    def refused_mask(self) -> np.ndarray:
        return np.asarray([e.refused for e in self.entries], dtype=bool)

    @cached_property
    def writers(self) -> np.ndarray:
        return np.asarray([e.by for e in self.entries], dtype=object)

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of a question's vector to every written question."""
        return self.dense.similarities(vector)

    def word_scores(self, groups: Sequence[tuple[Collection[str], float]]) -> np.ndarray:
        """BM25 of every written question for a query's term groups (variants, weight)."""
        return self.bm25.grouped_array(groups)

    # Persistence (index/build/questions.json and questions.faiss).

    def save(self, directory: Path) -> None:
        payload = [asdict(e) for e in self.entries]
        (directory / "questions.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        self.dense.save(directory / "questions.faiss")

    @classmethod
    def load(
        cls, directory: Path, analyzer: SwedishAnalyzer, k1: float = 1.2, b: float = 0.75
    ) -> QuestionIndex:
        raw = json.loads((directory / "questions.json").read_text(encoding="utf-8"))
        entries = [IndexedQuestion(**r) for r in raw]
        return cls(entries, DenseIndex.load(directory / "questions.faiss"), analyzer, k1, b)
