"""The process lead's inbox: every question the assistant could not answer (abstentions from the
question log), every question passed on, and every 👎 with its comment, redacted, grouped by
meaning with the embedding model, with counts and first and last seen; dismissed items do not
come back. Newest and largest groups first."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from index.similarity import Phrasing, QuestionSimilarity
from knowledge.dismissals import Dismissals
from knowledge.feedback import FeedbackStore, Rating
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.redact import unredactable_id
from knowledge.text import fold

SOURCE_LABELS = {"abstained": "inget svar", "passed_on": "skickad vidare", "thumbs_down": "dåligt betyg"}


@dataclass(frozen=True)
class Item:
    source: str  # "abstained" | "passed_on" | "thumbs_down"
    id: int
    at: dt.datetime
    question: str
    comment: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.id)


@dataclass(frozen=True)
class Group:
    items: tuple[Item, ...]

    @property
    def key(self) -> str:
        """Stable while the group's first item is: what a page names to act on the group."""
        first = min(self.items, key=lambda i: (i.at, i.source, i.id))
        return unredactable_id(hashlib.sha256(f"{first.source}:{first.id}".encode()).digest(), 16)

    @property
    def question(self) -> str:
        """The group's most asked wording (the newest of equally frequent ones)."""
        counts = Counter(fold(i.question) for i in self.items)
        best = max(self.items, key=lambda i: (counts[fold(i.question)], i.at))
        return best.question

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Its different wordings, most asked first (for a curated answer's phrasings)."""
        counts = Counter(fold(i.question) for i in self.items)
        seen: dict[str, str] = {}
        for item in sorted(self.items, key=lambda i: (-counts[fold(i.question)], -i.at.timestamp())):
            seen.setdefault(fold(item.question), item.question)
        return tuple(seen.values())

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first_seen(self) -> dt.datetime:
        return min(i.at for i in self.items)

    @property
    def last_seen(self) -> dt.datetime:
        return max(i.at for i in self.items)

    @property
    def sources(self) -> dict[str, int]:
        return dict(Counter(i.source for i in self.items))

    @property
    def comments(self) -> tuple[str, ...]:
        return tuple(i.comment for i in self.items if i.comment)


@dataclass(frozen=True)
class _Grouped:
    """The last grouping: the items it placed (in order), where they went, the groups."""

    items: list[Item]
    centroids: list[np.ndarray]
    members: list[list[Item]]
    groups: tuple[Group, ...]


class InboxGroups:
    def __init__(
        self,
        log: QuestionLog,
        inbox: Inbox,
        feedback: FeedbackStore,
        dismissals: Dismissals,
        similarity: QuestionSimilarity,
        min_dense: float = 0.92,
        min_lexical: float = 0.5,
    ) -> None:
        """An item joins a group when it is ``min_dense`` alike the group's centroid and shares
        ``min_lexical`` of its weighted words with the group's first question both ways (dense
        similarity alone puts "Vem utser …" and "Vem stödjer …" together)."""
        self.log = log
        self.inbox = inbox
        self.feedback = feedback
        self.dismissals = dismissals
        self.similarity = similarity
        self.min_dense = min_dense
        self.min_lexical = min_lexical
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._grouped: _Grouped | None = None
        self._phrasings: dict[str, Phrasing] = {}

    def items(self) -> list[Item]:
        """Every open item: abstentions, questions passed on that no abstention logged, 👎."""
        abstained = [Item("abstained", q.id, q.at, q.question) for q in self.log.list(kind="abstain")]
        logged = {fold(i.question) for i in abstained}
        passed = [
            Item("passed_on", q.id, q.asked_at, q.question)
            for q in self.inbox.list()
            if fold(q.question) not in logged
        ]
        down = [
            Item("thumbs_down", f.id, f.created_at, f.question, f.comment or "")
            for f in self.feedback.list(5000)
            if f.rating is Rating.DOWN
        ]
        dismissed = self.dismissals.keys()
        return [i for i in (*abstained, *passed, *down) if i.key not in dismissed]

    def groups(self) -> list[Group]:
        """The open items grouped by meaning, oldest first: an item joins the closest group it is
        alike (:meth:`_best_group`), else starts one. Largest, then newest, groups first.

        The grouping is kept: asked again with the same items it is not redone, and with new
        items after the ones grouped before (the usual case: questions keep coming) only the new
        ones are placed; a dismissal (items gone) groups everything again."""
        items = sorted(self.items(), key=lambda i: (i.at, i.source, i.id))
        with self._lock:
            done = self._grouped
            if done is not None and items == done.items:
                return list(done.groups)
            if done is not None and items[: len(done.items)] == done.items:
                centroids, members = list(done.centroids), [list(m) for m in done.members]
                fresh = items[len(done.items) :]
            else:
                centroids, members, fresh = [], [], items
            if fresh:
                vectors = self._embedded([i.question for i in fresh])
                for item, vector in zip(fresh, vectors, strict=True):
                    joined = self._best_group(item, vector, centroids, members)
                    if joined is None:
                        centroids.append(vector)
                        members.append([item])
                        continue
                    members[joined].append(item)
                    total = centroids[joined] * (len(members[joined]) - 1) + vector
                    centroids[joined] = total / np.linalg.norm(total)
            groups = sorted(
                (Group(tuple(m)) for m in members), key=lambda g: (-g.count, -g.last_seen.timestamp())
            )
            self._grouped = _Grouped(items, centroids, members, tuple(groups))
            return groups

    def _best_group(
        self, item: Item, vector: np.ndarray, centroids: list[np.ndarray], members: list[list[Item]]
    ) -> int | None:
        """The group ``item`` belongs to: of the three closest centroids, the first close enough
        whose first question shares enough words with it."""
        if not centroids:
            return None
        scores = np.stack(centroids) @ vector
        for best in np.argsort(-scores)[:3]:
            if float(scores[best]) < self.min_dense:
                return None
            if self._alike(item.question, members[int(best)][0].question):
                return int(best)
        return None

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups() if g.key == key), None)

    def dismiss(self, key: str, reason: str, by: str) -> int:
        found = self.group(key)
        if found is None:
            raise LookupError("Gruppen finns inte längre (den kan redan vara hanterad).")
        return self.dismissals.dismiss([i.key for i in found.items], reason, by)

    def _alike(self, a: str, b: str) -> bool:
        if fold(a) == fold(b):
            return True
        return self.similarity.lexical(self._phrasing(a), self._phrasing(b)) >= self.min_lexical

    def _phrasing(self, text: str) -> Phrasing:
        if text not in self._phrasings:
            self._phrasings[text] = self.similarity.phrasing(text)
        return self._phrasings[text]

    def _embedded(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            dense = [self._phrasing(t).query.dense_text for t in missing]
            for text, vector in zip(missing, self.similarity.embed(dense), strict=True):
                self._vectors[text] = vector
        return np.stack([self._vectors[t] for t in texts])
