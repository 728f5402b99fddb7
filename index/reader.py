"""The reader: which sentences of the best passages answer the question asked.

Every sentence unit of the top passages is scored by its dense similarity to the question,
the share of the question's words it contains (through query understanding), and whether it
holds an answer of the kind the question asks for (a frequency, a date, an amount, a name, an
address, a reason: :mod:`index.answer_types`). A sentence that holds an answer of the asked kind
ranks above one that merely shares words with the question. The best sentence is quoted with
the context it needs: a list with its lead-in (one unit), the sentence before one that starts
with a reference back ("Det", "Dessa", "Därför"), the sentence after a very short one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.analysis import SwedishAnalyzer
from index.answer_types import PRECISE, STRICT, AnswerType, counted, marked, strength
from index.bm25 import BM25
from index.chunking import chunk_units
from index.models import Hit
from index.query import Query
from index.retriever import SearchResult
from index.store import StoredIndex
from knowledge.text import fold

SHORT_SENTENCE_WORDS = 8
# A sentence opening with one of these refers back to the one before it.
_REFERS_BACK = re.compile(
    r"^(?:det|den|detta|denna|dessa|de|dem|dess|deras|dar|darfor|darmed|dartill|da|han|hon|hen"
    r"|samtidigt|dessutom|aven|ocksa|uppdraget|overenskommelsen|forslaget|dialogen|rollen|funktionen)\b"
)


@dataclass(frozen=True)
class ReaderWeights:
    """How a sentence is scored (defaults measured on the dev half of the question bank):
    its dense similarity counts ``dense``, the share of the question's words it holds
    ``lexical``, holding an answer of the asked kind ``type_bonus``; sentences of higher-ranked
    passages gain ``rank_bonus`` per rank; others within ``margin`` of the best are quoted too;
    a follow-up's own words make up ``focus_share`` of its lexical match; an answer of the asked
    kind must stand in a sentence within ``support_margin`` of the best one; a sentence of a
    document whose title names what the question asks about gains up to ``heading_bonus`` (of
    two documents saying the same, the one about the subject is cited)."""

    dense: float = 1.0
    lexical: float = 0.2
    type_bonus: float = 0.06
    precise_bonus: float = 0.15
    rank_bonus: float = 0.03
    follow_up_rank_factor: float = 3.0
    margin: float = 0.08
    candidates: int = 5
    focus_share: float = 0.6
    support_margin: float = 0.15
    heading_bonus: float = 0.1


@dataclass(frozen=True)
class Reading:
    """The sentences quoted as the answer, and the signals that chose them."""

    hit: Hit
    sentences: tuple[str, ...]
    section: str  # the section the quoted sentences stand under
    units: tuple[int, ...]  # their positions among the passage's units
    score: float
    dense: float  # the best sentence's cosine similarity to the question
    lexical: float  # the share of the question's words the best sentence (with its section) holds
    answer_type: AnswerType
    typed: bool  # whether the best sentence holds an answer of the asked kind
    type_support: bool  # whether a sentence near the best one holds one
    strict: bool  # whether the question cannot be answered without an answer of its kind

    @property
    def text(self) -> str:
        return "\n".join(self.sentences)

    @property
    def strict_type_missing(self) -> bool:
        """A figure, date or address was asked for and no candidate sentence holds one."""
        return self.strict and not self.type_support


class Reader:
    def __init__(
        self, stored: StoredIndex, analyzer: SwedishAnalyzer, bm25: BM25, weights: ReaderWeights | None = None
    ) -> None:
        self.weights = weights or ReaderWeights()
        self.stored = stored
        self.analyzer = analyzer
        self.bm25 = bm25
        self._readings = lru_cache(maxsize=4096)(self._unit_readings)

    def _unit_readings(self, key: str, section: str, unit: str) -> frozenset[str]:
        """The readings of a unit under its section (``key``, a passage or document id, keeps
        equal texts of different passages apart in the cache)."""
        return frozenset(self.analyzer.readings(f"{section}. {unit}"))

    def lexical(self, query: Query, readings: frozenset[str]) -> float:
        """The idf-weighted share of the question's typed words that a sentence matches."""
        typed = [t for t in query.terms if t.weight >= 1.0]
        total = matched = 0.0
        for term in typed:
            weight = self.bm25.weight(term.variants) or self.bm25.max_idf
            total += weight
            if term.matches(readings):
                matched += weight
        return matched / total if total else 0.0

    def read(
        self, result: SearchResult, max_sentences: int = 3, focus: Query | None = None
    ) -> Reading | None:
        """The best sentences of the top passages for ``focus`` (default: the searched query)."""
        query = focus or result.analysis
        kind = query.answer_type
        counts = counted(query.text)  # "hur många X": a count is strictly needed
        # A number next to the counted noun, when the sources use that noun at all.
        noun = counts if counts and any(r in self.bm25.idf for r in self.analyzer.readings(counts)) else None
        # "hur många anställda": what the sources never mention, they cannot count.
        uncountable = counts is not None and any(t.text == counts and not t.known for t in query.terms)
        w = self.weights
        bonus = w.precise_bonus if kind in PRECISE else w.type_bonus
        rank_bonus = w.rank_bonus * (w.follow_up_rank_factor if focus is not None else 1.0)
        scored: list[tuple[float, int, int, float, float, float]] = []  # score, hit, unit, dense, lex, typed
        per_hit: list[list[float]] = []
        typed_per_hit: list[list[float]] = []
        for h, hit in enumerate(result.hits[: w.candidates]):
            _, vectors = self.stored.units_of(hit.chunk)
            dense = vectors @ result.query_vector
            scores, typed_units = [], []
            heading = self.lexical(query, self._readings(hit.chunk.doc_id, hit.chunk.title, ""))
            for u, (section, unit) in enumerate(chunk_units(hit.chunk)):
                readings = self._readings(hit.chunk.id, section, unit)
                lex = self.lexical(query, readings)
                if focus is not None:  # a follow-up: its own words count most, the context's too
                    lex = w.focus_share * lex + (1 - w.focus_share) * self.lexical(result.analysis, readings)
                typed = strength(kind, unit, noun) if marked(kind) else 0.0
                score = w.dense * float(dense[u]) + w.lexical * lex + rank_bonus * (w.candidates - h)
                score += bonus * typed + w.heading_bonus * heading
                scores.append(score)
                typed_units.append(typed)
                scored.append((score, h, u, float(dense[u]), lex, typed))
            per_hit.append(scores)
            typed_per_hit.append(typed_units)
        if not scored:
            return None
        best_score, h, best_unit, best_dense, best_lex, best_typed = max(scored, key=lambda s: s[0])
        hit = result.hits[h]
        units = chunk_units(hit.chunk)
        chosen = _context(
            units, per_hit[h], typed_per_hit[h], best_unit, best_score - w.margin, max_sentences
        )
        # A counted noun ("hur många anställda") needs a number next to it; other kinds a marker,
        # in a quoted sentence or one nearly as good as the best.
        needed = 1.0 if noun else 1e-9
        near_top = best_score - w.support_margin
        support = not marked(kind) or any(typed_per_hit[h][u] >= needed for u in chosen)
        support = support or any(s[5] >= needed for s in scored if s[0] >= near_top)
        support = support and not uncountable
        return Reading(
            hit=hit,
            sentences=tuple(units[u][1] for u in chosen),
            section=units[chosen[0]][0],
            units=tuple(chosen),
            score=best_score,
            dense=best_dense,
            lexical=best_lex,
            answer_type=kind,
            typed=best_typed > 0,
            type_support=support,
            strict=kind in STRICT or (kind is AnswerType.COUNT and counts is not None),
        )


def _context(
    units: list[tuple[str, str]],
    scores: list[float],
    typed: list[float],
    best: int,
    floor: float,
    max_sentences: int,
) -> list[int]:
    """The best unit with the units it needs, and others of the same section nearly as good."""
    chosen = {best}
    section = units[best][0]
    # The sentence next to the best one says more precisely what was asked ("Åtgärden träder i
    # kraft den 1 februari 2021" after the decision it dates).
    neighbours = [n for n in (best - 1, best + 1) if 0 <= n < len(units) and units[n][0] == section]
    sharper = [n for n in neighbours if typed[n] > typed[best]]
    if sharper:
        chosen.add(max(sharper, key=lambda n: typed[n]))
    if best > 0 and units[best - 1][0] == section and _REFERS_BACK.match(fold(units[best][1])):
        chosen.add(best - 1)
    short = len(units[best][1].split()) < SHORT_SENTENCE_WORDS
    if short and best + 1 < len(units) and units[best + 1][0] == section:
        chosen.add(best + 1)
    ranked = sorted(range(len(units)), key=lambda u: -scores[u])
    for u in ranked:
        if len(chosen) >= max_sentences:
            break
        if u not in chosen and units[u][0] == section and scores[u] >= floor:
            chosen.add(u)
    return sorted(chosen)
