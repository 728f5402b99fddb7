"""How alike two questions are: for matching a user's question to the phrasings of a curated
answer. Dense similarity alone does not tell "Vem utser den samordnande vårdcentralen?" from "Vem
stödjer de samordnande vårdcentralerna?" (cosine 0.975 with multilingual-e5-small), so a match
also needs the words that carry the question (idf-weighted, through query understanding) on both
sides, and the same kind of answer asked for (who, when, how many, …)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index.answer_types import AnswerType, question_type
from index.query import Query
from index.retriever import Retriever


@dataclass(frozen=True)
class Phrasing:
    """A question analysed once: its text, its analysis and its kind of answer."""

    text: str
    query: Query
    kind: AnswerType


class QuestionSimilarity:
    """``retriever`` is called on first use (the index may not be loaded yet when this is made)."""

    def __init__(self, retriever: Callable[[], Retriever]) -> None:
        self._retriever = retriever

    @property
    def retriever(self) -> Retriever:
        return self._retriever()

    def phrasing(self, text: str) -> Phrasing:
        return Phrasing(text, self.retriever.queries.analyse(text), question_type(text))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Questions embedded as queries (both sides are questions), L2-normalised."""
        return self.retriever.embedder.embed_queries(list(texts))

    def lexical(self, a: Phrasing, b: Phrasing) -> float:
        """The smaller of the shares of each question's idf-weighted words the other holds (a
        word, its synonyms and abbreviations count: "gsa" holds "samordnande vårdcentral")."""
        return min(self._share(a, self._meanings(b)), self._share(b, self._meanings(a)))

    def _meanings(self, phrasing: Phrasing) -> frozenset[str]:
        """Every reading of the question's words, with their synonyms and abbreviations' words."""
        out = set(self.retriever.analyzer.readings(phrasing.text))
        for term in phrasing.query.terms:
            out |= term.variants
            for phrase in term.phrases:
                for word in phrase:
                    out |= word
        return frozenset(out)

    def _share(self, asked: Phrasing, readings: frozenset[str]) -> float:
        bm25 = self.retriever.bm25
        total = matched = 0.0
        for term in asked.query.terms:
            if term.weight < 1.0:
                continue
            weight = bm25.weight(term.variants) or bm25.max_idf
            total += weight
            if term.matches(readings):
                matched += weight
        return matched / total if total else 0.0

    def features(
        self, asked: Phrasing, vector: np.ndarray, phrasings: Sequence[Phrasing], vectors: np.ndarray
    ) -> np.ndarray:
        """How ``asked`` stands to a set of phrasings (a curated answer's): the features of
        :data:`index.features.PHRASING_FEATURES`, for the learned matcher."""
        dense = vectors @ vector
        order = np.argsort(-dense)
        top = dense[order[:2]]
        lexical = max(self.lexical(asked, phrasings[i]) for i in order[:3])
        kind = same_kind(asked.kind, phrasings[int(order[0])].kind)
        return np.asarray([float(top[0]), float(top.mean()), lexical, float(kind)])


def same_kind(a: AnswerType, b: AnswerType) -> bool:
    """Whether two questions ask for the same kind of answer; a terse one that asks for no kind
    in particular ("slso ersattning 2021?") goes with any."""
    return a is b or AnswerType.OTHER in (a, b)
