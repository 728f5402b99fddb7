"""The questions that lead to each sentence of a source, for the workspace's source view: each
unit (a sentence, or a list with its lead-in) with the written questions that lead to it (as
written, and as the process lead added or removed them), how often users' questions were answered
from it, and the open inbox groups whose question comes close to its questions; adding and
removing a unit's questions (audited by the store, live in the question index within seconds).

Close means what the inbox's grouping means by alike (actions/core/inbox_groups.py): as alike in
meaning as a question that would join the group, sharing as many of its weighted words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from actions.core.inbox_groups import InboxGroups
from index.service import SearchEngine
from index.similarity import QuestionSimilarity
from index.units import Unit
from knowledge.db import utc_now
from knowledge.questions.edits import EditAction, QuestionEdit, QuestionEditError, QuestionEdits
from knowledge.text import fold

COUNTED_DAYS = 90  # "besvarade N gånger de senaste 90 dagarna"
NEAR_GROUPS = 3  # the inbox groups shown per unit
UNKNOWN_UNIT = "Meningen finns inte (längre) i källan."


@dataclass(frozen=True)
class ShownQuestion:
    text: str  # as it is indexed (a follow-up with the question it follows)
    added_by: str | None = None  # None: a written question
    follow_up: bool = False


@dataclass(frozen=True)
class NearGroup:
    key: str
    question: str
    count: int
    similarity: float


@dataclass(frozen=True)
class UnitView:
    unit: Unit
    questions: tuple[ShownQuestion, ...]
    answered: int  # user questions answered from it in the last COUNTED_DAYS days
    near: tuple[NearGroup, ...]


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    units: int
    added: int  # questions the process lead added
    removed: int  # written questions the process lead removed


class SourceQuestions:
    """The units of the indexed sources with their questions; ``groups`` for the inbox groups."""

    def __init__(
        self,
        engine: SearchEngine,
        edits: QuestionEdits,
        answered: Callable[[list[str], dt.datetime], dict[str, int]],
        groups: InboxGroups,
        similarity: QuestionSimilarity,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        """``answered(units, since)``: how many questions each unit answered since then."""
        self.engine = engine
        self.edits = edits
        self.answered = answered
        self.groups = groups
        self.similarity = similarity
        self._clock = clock

    def units(self, doc_id: str) -> tuple[Unit, ...]:
        return tuple(u for u in self.engine.evidence.units if u.doc_id == doc_id)

    def summaries(self, doc_ids: list[str]) -> list[DocumentSummary]:
        edits = self.edits.in_force()
        out = []
        for doc in doc_ids:
            mine = [e for e in edits if e.doc_id == doc]
            added = sum(e.action is EditAction.ADD for e in mine)
            out.append(DocumentSummary(doc, len(self.units(doc)), added, len(mine) - added))
        return out

    def document(self, doc_id: str) -> list[UnitView]:
        """Every unit of the document in reading order, with its questions, count and groups."""
        units = self.units(doc_id)
        edits = self.edits.in_force(doc_id)
        questions = {u.id: self._questions(u, edits) for u in units}
        since = self._clock() - dt.timedelta(days=COUNTED_DAYS)
        counts = self.answered([u.id for u in units], since) if units else {}
        near = self._near(questions)
        return [UnitView(u, questions[u.id], counts.get(u.id, 0), near.get(u.id, ())) for u in units]

    def add(self, doc_id: str, unit_id: str, question: str, by: str) -> None:
        """Add a question to the unit (or put a removed written one back); QuestionEditError."""
        unit = self._unit(doc_id, unit_id)
        written = fold(question.strip()) in {fold(q) for q in self._written(unit)}
        self.edits.add(doc_id, unit.id, question, by, written=written)
        self.engine.live.changed()

    def remove(self, doc_id: str, unit_id: str, question: str, by: str) -> None:
        """Remove one of the unit's questions (can be added back); QuestionEditError."""
        unit = self._unit(doc_id, unit_id)
        written = question.strip() in self._written(unit)
        self.edits.remove(doc_id, unit.id, question, by, written=written)
        self.engine.live.changed()

    def _unit(self, doc_id: str, unit_id: str) -> Unit:
        found = next((u for u in self.units(doc_id) if u.id == unit_id), None)
        if found is None:
            raise QuestionEditError(UNKNOWN_UNIT)
        return found

    def _written(self, unit: Unit) -> list[str]:
        return [e.text for e in self.engine.written_questions.entries if e.target == unit.id]

    def _questions(self, unit: Unit, edits: list[QuestionEdit]) -> tuple[ShownQuestion, ...]:
        mine = [e for e in edits if e.unit == unit.id]
        removed = {fold(e.question) for e in mine if e.action is EditAction.REMOVE}
        written = [
            ShownQuestion(e.text, None, e.follow_up)
            for e in self.engine.written_questions.entries
            if e.target == unit.id and fold(e.text) not in removed
        ]
        added = [ShownQuestion(e.question, e.by) for e in mine if e.action is EditAction.ADD]
        return tuple(written + added)

    def _near(self, questions: dict[str, tuple[ShownQuestion, ...]]) -> dict[str, tuple[NearGroup, ...]]:
        """Per unit, the open inbox groups whose question is alike one of its questions."""
        groups = self.groups.groups()
        pairs = [(uid, q.text) for uid, qs in questions.items() for q in qs if not q.follow_up]
        if not groups or not pairs:
            return {}
        asked = [self.similarity.phrasing(g.question) for g in groups]
        written = [self.similarity.phrasing(text) for _, text in pairs]
        dense = (
            self.similarity.embed([p.query.dense_text for p in asked])
            @ self.similarity.embed([p.query.dense_text for p in written]).T
        )
        best: dict[str, dict[str, NearGroup]] = {}
        for gi, qi in zip(*np.nonzero(dense >= self.groups.min_dense), strict=True):
            if self.similarity.lexical(asked[gi], written[qi]) < self.groups.min_lexical:
                continue
            group, unit_id, score = groups[gi], pairs[qi][0], float(dense[gi, qi])
            shown = best.setdefault(unit_id, {})
            if group.key not in shown or shown[group.key].similarity < score:
                shown[group.key] = NearGroup(group.key, group.question, group.count, score)
        return {
            u: tuple(sorted(found.values(), key=lambda g: -g.similarity)[:NEAR_GROUPS])
            for u, found in best.items()
        }
