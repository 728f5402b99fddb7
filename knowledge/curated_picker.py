"""The inbox's "Lägg till i svar" picker: curated answers found by their first question (no
case, å/ä/ö folded), each with a label that tells it apart from every other answer, also from
one with the same first question (its number, status and the day it was last changed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.curated import STATUS_LABELS, CuratedAnswer, Status
from knowledge.text import fold

LABEL_CHARS = 120  # a long first question is shortened in the label, never cut without a mark


@dataclass(frozen=True)
class AnswerChoice:
    id: int
    version: int  # the version an addition is made from
    first_question: str
    status: Status
    label: str  # e.g. "Vem betalar parkeringen? (svar 12, publicerat, ändrat 2099-01-02)"


def choices(answers: Sequence[CuratedAnswer], search: str = "", limit: int = 20) -> list[AnswerChoice]:
    """The answers (not archived) whose first question holds every word of ``search``, those
    whose first question starts with it first, then by first question and id."""
    words = fold(search).split()
    found = []
    for answer in answers:
        if answer.status is Status.ARCHIVED or not answer.content.questions:
            continue
        first = answer.content.questions[0]
        folded = fold(first)
        if all(w in folded for w in words):
            starts = bool(words) and folded.startswith(" ".join(words))
            found.append((not starts, folded, answer.id, answer))
    found.sort(key=lambda f: f[:3])
    return [_choice(a) for *_, a in found[: max(0, limit)]]


def _choice(answer: CuratedAnswer) -> AnswerChoice:
    first = answer.content.questions[0]
    shown = first if len(first) <= LABEL_CHARS else first[: LABEL_CHARS - 1].rstrip() + "…"
    label = f"{shown} (svar {answer.id}, {STATUS_LABELS[answer.status]}, ändrat {answer.updated_at:%Y-%m-%d})"
    return AnswerChoice(answer.id, answer.version, first, answer.status, label)
