"""Extractive answers: the 1–3 sentence units of the best passage that answer a query best."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.analysis import SwedishAnalyzer, conflate
from index.bm25 import BM25
from index.chunking import chunk_units
from index.models import Hit
from index.retriever import SearchResult
from index.store import StoredIndex

# How much the lexical match of a sentence counts next to its dense similarity; how far
# below the best sentence another one may score and still be quoted with it; and a small
# preference for sentences of the higher-ranked passages.
LEXICAL_WEIGHT = 0.5
MARGIN = 0.06
CANDIDATE_PASSAGES = 3
RANK_BONUS = 0.01
SHORT_SENTENCE_WORDS = 8


@dataclass(frozen=True)
class Extract:
    hit: Hit
    sentences: tuple[str, ...]
    score: float

    @property
    def text(self) -> str:
        return "\n".join(self.sentences)


def lexical_match(unit_terms: set[str], query_terms: Sequence[str], bm25: BM25) -> float:
    """The idf-weighted share of the query's terms that a sentence contains (0..1); a verb
    matches its noun here ("ansvarar" ~ "ansvar")."""
    loose = {conflate(t) for t in unit_terms}
    total = sum(bm25.idf.get(t, bm25.max_idf) for t in query_terms)
    matched = sum(
        bm25.idf.get(t, bm25.max_idf) for t in query_terms if t in unit_terms or conflate(t) in loose
    )
    return matched / total if total else 0.0


def extract(
    result: SearchResult, stored: StoredIndex, analyzer: SwedishAnalyzer, bm25: BM25, max_sentences: int = 3
) -> Extract | None:
    """Pick the best sentence among the top passages, then up to ``max_sentences`` of its passage."""
    best: tuple[float, int, int] | None = None  # (score, hit index, unit index)
    per_hit: list[list[float]] = []
    for h, hit in enumerate(result.hits[:CANDIDATE_PASSAGES]):
        _, vectors = stored.units_of(hit.chunk)
        dense = vectors @ result.query_vector
        scores = [
            float(dense[u])
            + LEXICAL_WEIGHT * lexical_match(analyzer.readings(f"{section}. {unit}"), result.terms, bm25)
            + RANK_BONUS * (CANDIDATE_PASSAGES - h)
            for u, (section, unit) in enumerate(chunk_units(hit.chunk))
        ]
        per_hit.append(scores)
        for u, s in enumerate(scores):
            if best is None or s > best[0]:
                best = (s, h, u)
    if best is None:
        return None
    best_score, h, best_unit = best
    hit, scores = result.hits[h], per_hit[h]
    units, _ = stored.units_of(hit.chunk)
    top = sorted(range(len(units)), key=lambda u: -scores[u])[:max_sentences]
    chosen = sorted(u for u in top if scores[u] >= best_score - MARGIN)
    # A very short best sentence gets the one after it for context.
    if (
        chosen == [best_unit]
        and len(units[best_unit].split()) < SHORT_SENTENCE_WORDS
        and best_unit + 1 < len(units)
    ):
        chosen.append(best_unit + 1)
    return Extract(hit, tuple(units[u] for u in chosen), best_score)
