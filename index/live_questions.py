"""The question index as the process lead has edited it, live: the index built from the written
questions, with the questions they added to a unit appended (embedded with the same model and
prompt as the written ones) and the written questions they removed left out.

The edits live in the knowledge database (:mod:`knowledge.questions.edits`); their stamp is
polled at most every ``poll_seconds``, and when it moved the edited index is built aside and
swapped in whole, so a question added in one process is answered in every other within seconds,
without rebuilding the index or retraining Rasa. The index build ignores the edits: a rebuild
loses none of them, and they apply to the rebuilt index the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Protocol

import numpy as np

from index.question_index import IndexedQuestion, QuestionIndex
from knowledge.questions.edits import EditAction, QuestionEdit
from knowledge.text import fold

log = logging.getLogger(__name__)

ADDED_BY = "process-lead"  # the writer of an added question, as the index names writers


class EditSource(Protocol):
    def stamp(self) -> Hashable: ...

    def in_force(self, doc_id: str | None = None) -> Sequence[QuestionEdit]: ...


def apply_edits(
    base: QuestionIndex, edits: Sequence[QuestionEdit], embed: Callable[[list[str]], np.ndarray]
) -> QuestionIndex:
    """``base`` with ``edits`` applied (``base`` itself when there are none)."""
    if not edits:
        return base
    added = [IndexedQuestion(e.question, e.unit, ADDED_BY) for e in edits if e.action is EditAction.ADD]
    removed = {(e.unit, fold(e.question)) for e in edits if e.action is EditAction.REMOVE}
    dimension = base.dense.dimension
    vectors = embed([q.text for q in added]) if added else np.zeros((0, dimension), dtype=np.float32)
    return base.edited(added, vectors, removed)


class LiveQuestions:
    """The edited question index of the moment; ``base`` and ``embed`` are called on first use."""

    def __init__(
        self,
        base: Callable[[], QuestionIndex],
        edits: EditSource | None,
        embed: Callable[[list[str]], np.ndarray],
        poll_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base = base
        self._edits = edits
        self._embed = embed
        self.poll_seconds = poll_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at = -1e18
        self._stamp: Hashable | None = None
        self._current: QuestionIndex | None = None

    def current(self) -> QuestionIndex:
        """The index with the edits in force, re-read when their stamp moved (polled at most every
        ``poll_seconds``). Should the database not answer, the last edits read stay in force
        (logged loudly), and it is asked again at the next poll."""
        current = self._current
        if current is not None and not self._due(self._clock()):
            return current
        with self._lock:
            now = self._clock()
            if self._current is None or self._due(now):
                self._current = self._refreshed()
                self._checked_at = now
            return self._current

    def _due(self, now: float) -> bool:
        return self._edits is not None and now - self._checked_at >= self.poll_seconds

    def changed(self) -> None:
        """This process changed the edits: read them at the next question (other processes
        notice within ``poll_seconds``)."""
        self._checked_at = -1e18

    def _refreshed(self) -> QuestionIndex:
        base = self._base()
        if self._edits is None:
            return base
        try:
            stamp = self._edits.stamp()
            if stamp == self._stamp and self._current is not None:
                return self._current
            edited = apply_edits(base, self._edits.in_force(), self._embed)
        except Exception:
            log.exception("the process lead's question edits could not be read; the last ones stay")
            return self._current or base
        self._stamp = stamp
        return edited
