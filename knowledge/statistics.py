"""Figures for the process lead's overview: questions per day (answered, not answered, passed
on), ratings per day, and the answers that collect repeated 👎 (flagged for review)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from knowledge.feedback import Feedback, Rating
from knowledge.inbox import Unanswered
from knowledge.question_log import LoggedQuestion

NOT_ANSWERED = frozenset({"abstain"})
FLAG_AFTER_DOWN = 2  # this many 👎, and more 👎 than 👍, flag an answer for review
# What the overview's "Behöver granskas" counts, said next to the figure.
REVIEW_EXPLANATION = (
    f"Svar som fått minst {FLAG_AFTER_DOWN} dåliga betyg och fler dåliga än bra"
    " (samma svarstext räknas som ett svar)."
)


@dataclass(frozen=True)
class Day:
    day: dt.date
    answered: int
    abstained: int
    passed_on: int
    thumbs_up: int
    thumbs_down: int

    @property
    def questions(self) -> int:
        return self.answered + self.abstained


@dataclass(frozen=True)
class RatedAnswer:
    """One answer text with its ratings over time."""

    answer: str
    kind: str
    up: int
    down: int
    last: dt.datetime
    comments: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return self.down >= FLAG_AFTER_DOWN and self.down > self.up


def per_day(
    questions: list[LoggedQuestion],
    passed: list[Unanswered],
    feedback: list[Feedback],
    today: dt.date,
    days: int,
) -> list[Day]:
    first = today - dt.timedelta(days=days - 1)
    answered: Counter[dt.date] = Counter()
    abstained: Counter[dt.date] = Counter()
    for q in questions:
        (abstained if q.kind in NOT_ANSWERED else answered)[q.at.date()] += 1
    passed_on = Counter(p.asked_at.date() for p in passed)
    up = Counter(f.created_at.date() for f in feedback if f.rating is Rating.UP)
    down = Counter(f.created_at.date() for f in feedback if f.rating is Rating.DOWN)
    out = []
    for n in range(days):
        d = first + dt.timedelta(days=n)
        out.append(Day(d, answered[d], abstained[d], passed_on[d], up[d], down[d]))
    return out


def rated_answers(feedback: list[Feedback]) -> list[RatedAnswer]:
    """Every rated answer, flagged ones first, then the most 👎."""
    by_text: dict[str, list[Feedback]] = {}
    for item in feedback:
        by_text.setdefault(item.answer.strip(), []).append(item)
    out = [
        RatedAnswer(
            answer=text,
            kind=items[0].kind.value,
            up=sum(1 for i in items if i.rating is Rating.UP),
            down=sum(1 for i in items if i.rating is Rating.DOWN),
            last=max(i.created_at for i in items),
            comments=tuple(i.comment for i in items if i.comment),
        )
        for text, items in by_text.items()
    ]
    return sorted(out, key=lambda r: (not r.flagged, -r.down, -r.last.timestamp()))
