"""The evidence for every answer unit, for one question: how close the question comes to the
unit's written questions (by meaning and by words), to the unit itself and to its passage, how
much of the question's words the unit holds, whether it holds an answer of the kind asked for,
and how it stands to the previous answer of the conversation.

These are the features the learned ranker (:mod:`index.learned`) weighs; the same numbers, for
the best unit, feed the learned decision to answer or abstain. Computed for all units at once
(a few hundred), vectorised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from index.answer_types import AnswerType, holds, marked, strength
from index.fusion import ranks
from index.query import Query
from index.question_index import QuestionIndex
from index.retriever import Retriever
from index.units import Unit, beside, units_of
from knowledge.text import fold

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def years_named(text: str) -> tuple[str, ...]:
    """The years ``text`` names, once each, in order."""
    return tuple(dict.fromkeys(_YEAR.findall(fold(text))))


@dataclass(frozen=True)
class Asked:
    """A question as searched: its text (a follow-up with the question it follows), its own words,
    the documents it may be answered from, and the previous answer's unit."""

    text: str
    focus: str | None = None  # a follow-up's own words (None: the text itself)
    documents: frozenset[str] | None = None  # None: any
    context: str | None = None  # the unit id of the previous answer


@dataclass(frozen=True)
class Evidence:
    """The features of every unit for one question, and what the decision needs beside them."""

    asked: Asked
    analysis: Query  # the focus, analysed
    features: np.ndarray  # units × UNIT_FEATURES
    allowed: np.ndarray  # bool per unit: in the documents asked about
    refused_dense: float  # the best cosine to a question the sources do not answer
    refused_words: float  # the best BM25 of one
    answered_dense: float  # the best cosine to any written question a unit answers
    answered_words: float  # the best BM25 of one
    refused_share: float  # the closeness-weighted share of the nearest written questions that are refused
    coverage: float
    unknown: int
    years: tuple[str, ...]  # the years the question names
    kind_quotable: np.ndarray  # bool per unit: it, or a neighbour quoted with it, holds the kind asked


class EvidenceBuilder:
    """Computes :class:`Evidence` over the units of ``retriever``'s index and ``questions``."""

    def __init__(self, retriever: Retriever, questions: QuestionIndex) -> None:
        self.retriever = retriever
        self.questions = questions

    def with_questions(self, questions: QuestionIndex) -> EvidenceBuilder:
        """The same units weighed against other written questions (the process lead's edits):
        what was computed about the units alone is kept."""
        other = EvidenceBuilder(self.retriever, questions)
        per_question = {"questions", "_entry_unit", "_entry_document", "_refused_years"}
        other.__dict__.update({k: v for k, v in self.__dict__.items() if k not in per_question})
        return other

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        return units_of(self.retriever.stored.chunks)

    @cached_property
    def _unit_index(self) -> dict[str, int]:
        return {u.id: i for i, u in enumerate(self.units)}

    @cached_property
    def _entry_unit(self) -> np.ndarray:
        """The unit index of every written question (-1: a refused one, or a unit not indexed)."""
        return np.asarray([self._unit_index.get(t, -1) if t else -1 for t in self.questions.targets])

    @cached_property
    def _entry_document(self) -> np.ndarray:
        """The document of every written question ("" for a refused one)."""
        return np.asarray([self.units[u].doc_id if u >= 0 else "" for u in self._entry_unit], dtype=object)

    @cached_property
    def _chunk_of_unit(self) -> np.ndarray:
        position = {c.id: i for i, c in enumerate(self.retriever.stored.chunks)}
        return np.asarray([position[u.chunk_id] for u in self.units])

    @cached_property
    def _unit_readings(self) -> list[frozenset[str]]:
        analyzer = self.retriever.analyzer
        return [frozenset(analyzer.readings(f"{u.section}. {u.text}")) for u in self.units]

    @cached_property
    def _title_readings(self) -> dict[str, frozenset[str]]:
        analyzer = self.retriever.analyzer
        return {u.doc_id: frozenset(analyzer.readings(u.title)) for u in self.units}

    @cached_property
    def _document_years(self) -> dict[str, frozenset[str]]:
        years: dict[str, set[str]] = {}
        for chunk in self.retriever.stored.chunks:
            years.setdefault(chunk.doc_id, set()).update(_YEAR.findall(f"{chunk.title} {chunk.text}"))
        return {d: frozenset(y) for d, y in years.items()}

    @cached_property
    def _refused_years(self) -> list[tuple[int, frozenset[str]]]:
        """The refused questions that name years ("vad fick SLSO 2024?"), with their years."""
        out = []
        for i, entry in enumerate(self.questions.entries):
            years = frozenset(years_named(entry.text)) if entry.refused else frozenset()
            if years:
                out.append((i, years))
        return out

    def _refused_for_other_years(self, years: Sequence[str]) -> np.ndarray:
        """The refused questions naming a year the question does not: the year may be all that
        makes them unanswerable ("slso ersättning 2023" beside "slso ersättning 2021"), so they are
        no evidence against it."""
        out = np.zeros(len(self.questions.entries), dtype=bool)
        asked = set(years)
        for i, named in self._refused_years:
            out[i] = not named <= asked
        return out

    def years_missing(self, years: Sequence[str], unit: Unit) -> bool:
        """Whether the question names a year its answer's document never mentions."""
        return any(y not in self._document_years.get(unit.doc_id, frozenset()) for y in years)

    @cached_property
    def _kinds(self) -> dict[AnswerType, tuple[np.ndarray, np.ndarray]]:
        """Per kind of answer: how precisely each unit holds one, and whether it holds none."""
        out = {}
        for kind in AnswerType:
            held = np.asarray([strength(kind, u.text) if marked(kind) else 0.0 for u in self.units])
            missing = np.asarray([float(marked(kind) and not holds(kind, u.text)) for u in self.units])
            out[kind] = (held, missing)
        return out

    @cached_property
    def _kinds_quotable(self) -> dict[AnswerType, np.ndarray]:
        """Per kind of answer: whether each unit, or a neighbour in its section (which the quote
        brings along when the unit itself holds none, index/quote.py), holds one."""
        units = self.units
        out = {}
        for kind, (_, missing) in self._kinds.items():
            held = missing == 0
            out[kind] = np.asarray(
                [
                    held[i] or any(beside(units, i, j) and held[j] for j in (i - 1, i + 1))
                    for i in range(len(units))
                ]
            )
        return out

    def build(
        self,
        asked: Asked,
        vector: np.ndarray,
        focus_vector: np.ndarray | None = None,
        hide_writer: str | None = None,
        hide_document: str | None = None,
    ) -> Evidence:
        """The evidence for ``asked``, whose text embeds to ``vector`` (a follow-up's own words to
        ``focus_vector``). ``hide_writer`` leaves out one writer's questions (training: a writer's
        question must not find itself or its twins); ``hide_document`` leaves out the written
        questions of one document (training: a source no one has written questions for yet)."""
        r = self.retriever
        focus_text = asked.focus or asked.text
        analysis = r.queries.analyse(focus_text)
        searched = r.queries.analyse(asked.text) if asked.focus else analysis
        groups = [(t.variants, t.weight) for t in searched.terms]
        n_units = len(self.units)

        # Written questions: by meaning and by words, the best per unit.
        entry_unit = self._entry_unit
        visible = np.ones(len(entry_unit), dtype=bool)
        if hide_writer is not None:
            visible &= self.questions.writers != hide_writer
        if hide_document is not None:
            visible &= self._entry_document != hide_document
        years = years_named(focus_text)
        visible &= ~self._refused_for_other_years(years)
        dense_q = self.questions.similarities(vector)
        words_q = self.questions.word_scores(groups) if groups else np.zeros(len(entry_unit))
        answered = visible & (entry_unit >= 0)
        refused = visible & self.questions.refused_mask
        best_q = _best_per(dense_q, entry_unit, answered, n_units, fill=0.0)
        second_q = _second_per(dense_q, entry_unit, answered, n_units, best_q)
        words_best = _best_per(words_q, entry_unit, answered, n_units, fill=0.0)
        closeness = dense_q + LEXICAL_VOTE * _share_of_best(words_q)
        vote, refused_share = _vote(closeness, entry_unit, visible, n_units)
        bare = (np.bincount(entry_unit[answered], minlength=n_units) == 0).astype(float)

        # The units and passages themselves.
        unit_dense = r.stored.unit_vectors @ (focus_vector if focus_vector is not None else vector)
        unit_bm25, _ = r._units
        unit_words = unit_bm25.grouped_array(groups) if groups else np.zeros(n_units)
        passage_dense = r.stored.dense.similarities(vector)[self._chunk_of_unit]
        passage_words = r.bm25.grouped_array(groups)[self._chunk_of_unit] if groups else np.zeros(n_units)

        kind = analysis.answer_type
        lexical = np.asarray([r_lexical(self.retriever, analysis, rd) for rd in self._unit_readings])
        kind_held, kind_missing = self._kinds[kind]
        titles = {d: r_lexical(self.retriever, analysis, rd) for d, rd in self._title_readings.items()}
        title_words = np.asarray([titles[u.doc_id] for u in self.units])

        context = np.zeros((n_units, 4))
        at = self._unit_index.get(asked.context) if asked.context else None
        if at is not None:
            anchor = self.units[at]
            for i, u in enumerate(self.units):
                same_doc = u.doc_id == anchor.doc_id
                context[i] = (
                    float(i == at),
                    float(same_doc and abs(u.order - anchor.order) <= 2),
                    float(same_doc and u.section == anchor.section),
                    float(same_doc),
                )

        features = np.column_stack(
            [
                best_q,
                (best_q + second_q) / 2,
                _inverse_rank(best_q),
                vote,
                _share_of_best(words_best),
                _inverse_rank(words_best),
                unit_dense,
                _inverse_rank(unit_dense),
                _share_of_best(unit_words),
                passage_dense,
                _share_of_best(passage_words),
                lexical,
                kind_held,
                kind_missing,
                title_words,
                context,
                bare,
                bare * unit_dense,
                bare * lexical,
                bare * _share_of_best(unit_words),
            ]
        )
        allowed = np.asarray([asked.documents is None or u.doc_id in asked.documents for u in self.units])
        return Evidence(
            asked=asked,
            analysis=analysis,
            features=features.astype(np.float64),
            allowed=allowed,
            refused_dense=float(dense_q[refused].max()) if refused.any() else 0.0,
            refused_words=float(words_q[refused].max()) if refused.any() else 0.0,
            answered_dense=float(dense_q[answered].max()) if answered.any() else 0.0,
            answered_words=float(words_q[answered].max()) if answered.any() else 0.0,
            refused_share=refused_share,
            coverage=r.coverage(analysis),
            unknown=len(analysis.unknown),
            years=years,
            kind_quotable=self._kinds_quotable[kind],
        )


def r_lexical(retriever: Retriever, query: Query, readings: frozenset[str]) -> float:
    """The idf-weighted share of the question's typed words that ``readings`` hold."""
    typed = [t for t in query.terms if t.weight >= 1.0]
    total = matched = 0.0
    bm25 = retriever.bm25
    for term in typed:
        weight = bm25.weight(term.variants) or bm25.max_idf
        total += weight
        if term.matches(readings):
            matched += weight
    return matched / total if total else 0.0


def _best_per(values: np.ndarray, groups: np.ndarray, mask: np.ndarray, n: int, fill: float) -> np.ndarray:
    out = np.full(n, -np.inf)
    np.maximum.at(out, groups[mask], values[mask])
    out[np.isinf(out)] = fill
    return out


def _second_per(
    values: np.ndarray, groups: np.ndarray, mask: np.ndarray, n: int, best: np.ndarray
) -> np.ndarray:
    """The second best value per group (the best again where a group has one value only)."""
    picked_values, picked_groups = values[mask], groups[mask]
    out = np.full(n, -np.inf)
    is_best = np.isclose(picked_values, best[picked_groups])
    # Drop one best per group (all ties count as a second best).
    first = np.zeros(n, dtype=bool)
    keep = np.ones(len(picked_values), dtype=bool)
    for i in np.flatnonzero(is_best):
        g = picked_groups[i]
        if not first[g]:
            first[g] = True
            keep[i] = False
    np.maximum.at(out, picked_groups[keep], picked_values[keep])
    return np.where(np.isinf(out), best, out)


VOTERS = 20  # the nearest written questions that vote
VOTE_TEMPERATURE = 0.02  # a question this much less similar than the nearest counts 1/e as much
# The nearest written questions are found by meaning plus this much of their share of the best
# BM25 score: e5-small puts a question near others on its topic that ask something else ("vilken
# lön har en KSA?" beside "Omfattar KSA även privata utförare?"), and the words tell them apart.
# Chosen on the dev sets (`python -m tests.bench.calibrate`, answers plus must-abstain at each
# one's threshold): 1.705 by meaning alone, 1.726 at 0.04, 1.735 at 0.08 and at 0.15.
LEXICAL_VOTE = 0.08


def _vote(
    similarity: np.ndarray, groups: np.ndarray, visible: np.ndarray, n: int
) -> tuple[np.ndarray, float]:
    """Each unit's share of the votes of the nearest visible written questions, each vote
    weighted by how close it is to the nearest; and the share that refused questions (which vote
    for no unit) get."""
    candidates = np.flatnonzero(visible)
    if not len(candidates):
        return np.zeros(n), 0.0
    nearest = candidates[np.argsort(-similarity[candidates])[:VOTERS]]
    weights = np.exp((similarity[nearest] - similarity[nearest[0]]) / VOTE_TEMPERATURE)
    out = np.zeros(n)
    voting = groups[nearest] >= 0
    np.add.at(out, groups[nearest][voting], weights[voting])
    total = float(weights.sum())
    return out / total, float(weights[~voting].sum()) / total


def _inverse_rank(values: np.ndarray) -> np.ndarray:
    return 1.0 / np.asarray(ranks(values.tolist()), dtype=np.float64)


def _share_of_best(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)
