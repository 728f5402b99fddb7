"""Okapi BM25 over pre-analysed documents (lists of lemmas)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class BM25:
    """An immutable BM25 index. Build it with :meth:`BM25.build`."""

    doc_terms: tuple[Counter[str], ...]
    doc_lengths: tuple[int, ...]
    idf: dict[str, float]
    avg_length: float
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> BM25:
        counts = tuple(Counter(d) for d in docs)
        n = len(docs)
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        lengths = tuple(len(d) for d in docs)
        avg = sum(lengths) / n if n else 0.0
        return cls(counts, lengths, idf, avg, k1, b)

    @property
    def max_idf(self) -> float:
        """The idf a term found in no document would have."""
        n = len(self.doc_terms)
        return math.log(1 + (n + 0.5) / 0.5)

    def scores(self, query: Sequence[str]) -> list[float]:
        out = []
        for counts, length in zip(self.doc_terms, self.doc_lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg_length or 1))
            s = 0.0
            for term in query:
                tf = counts.get(term, 0)
                if tf:
                    s += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            out.append(s)
        return out

    @cached_property
    def _postings(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per term: the documents that hold it and the term's BM25 contribution in each."""
        docs: dict[str, list[int]] = {}
        contributions: dict[str, list[float]] = {}
        for d, (counts, length) in enumerate(zip(self.doc_terms, self.doc_lengths, strict=True)):
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg_length or 1))
            for term, tf in counts.items():
                docs.setdefault(term, []).append(d)
                contributions.setdefault(term, []).append(self.idf[term] * tf * (self.k1 + 1) / (tf + norm))
        return {
            t: (np.asarray(docs[t], dtype=np.int64), np.asarray(contributions[t], dtype=np.float64))
            for t in docs
        }

    def grouped_array(self, groups: Sequence[tuple[Collection[str], float]]) -> np.ndarray:
        """Scores for a query whose terms each match any of several lemmas (a word, its synonyms,
        its corrected spelling): per document, each term adds its best-matching lemma, weighted."""
        total = np.zeros(len(self.doc_terms))
        postings = self._postings
        for variants, weight in groups:
            found = [postings[v] for v in variants if v in postings]
            if not found:
                continue
            if len(found) == 1:
                docs, contribution = found[0]
                total[docs] += weight * contribution
                continue
            best = np.zeros(len(self.doc_terms))
            for docs, contribution in found:
                np.maximum.at(best, docs, contribution)
            total += weight * best
        return total

    def grouped_scores(self, groups: Sequence[tuple[Collection[str], float]]) -> list[float]:
        """:meth:`grouped_array` as a list."""
        return self.grouped_array(groups).tolist()

    def weight(self, variants: Collection[str]) -> float | None:
        """The idf of the most specific variant the corpus uses (None: the corpus uses none)."""
        known = [self.idf[v] for v in variants if v in self.idf]
        return max(known) if known else None

    def coverage(self, query: Sequence[str]) -> float:
        """The idf-weighted share of query terms that occur in the corpus at all (0..1).

        Terms the corpus never uses weigh the most, so a question about pizza or the weather
        scores low however many common words it shares with the agreements."""
        if not query:
            return 0.0
        total = known = 0.0
        for term in query:
            weight = self.idf.get(term)
            if weight is None:
                total += self.max_idf
            else:
                total += weight
                known += weight
        return known / total if total else 0.0
