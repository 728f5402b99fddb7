"""Curated answers in the answering core: which published answer, if any, answers a question,
and the check a publisher sees before publishing.

Every phrasing of a published answer is one more written question, pointing at that answer. A
question matches an answer when the learned phrasing matcher (index/learned.py, fitted at index
build time on the written questions: a unit's questions by other writers are paraphrases of its
first writer's, other units' closest questions are not) finds it asks what the phrasings ask, by
their meaning, the words they share and the kind of answer asked for, above the matcher's
threshold (set so that no more than 1 % of the simulated non-matching pairs pass). Then it wins
over a passage; a weaker match never does. What is published is polled from the database at
most every ``poll_seconds``, so publishing takes effect in every running process within seconds,
without retraining Rasa.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from actions.core import templates
from actions.core.citations import PROCESS_LEAD_DOC
from index.learned import PhrasingMatcher
from index.similarity import Phrasing, QuestionSimilarity
from knowledge.answer import Answer, AnswerKind, SourceRef
from knowledge.curated import Content, CuratedAnswer, CuratedStore
from knowledge.documents import Document
from knowledge.text import fold

CURATOR_DOC = PROCESS_LEAD_DOC  # the source of a curated answer that rests on no passage
CURATOR_TITLE = templates.CURATOR_TITLE


@dataclass(frozen=True)
class Candidate:
    """One curated answer as the matcher holds it: its content and its analysed phrasings."""

    answer_id: int
    content: Content
    published_at: dt.datetime | None
    phrasings: tuple[Phrasing, ...]
    vectors: np.ndarray


@dataclass(frozen=True)
class Match:
    answer_id: int
    content: Content
    published_at: dt.datetime | None
    phrasing: str  # the closest phrasing
    dense: float
    lexical: float
    probability: float  # the matcher's probability that the question asks what the phrasings ask

    @property
    def score(self) -> float:
        return self.probability


@dataclass(frozen=True)
class PhrasingCheck:
    phrasing: str
    winner: int | None  # the answer id it retrieves (None: none)
    ok: bool


@dataclass(frozen=True)
class PublishCheck:
    """Each phrasing retrieves its own answer first, and no other answer's phrasing is won."""

    own: tuple[PhrasingCheck, ...]
    taken: tuple[tuple[int, str], ...]  # (other answer id, its phrasing) this answer would now win

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.own) and not self.taken

    def to_record(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "phrasings": [{"question": c.phrasing, "retrieves": c.winner, "ok": c.ok} for c in self.own],
            "conflicts": [{"answer_id": a, "question": q} for a, q in self.taken],
        }


class CuratedAnswers:
    """The published curated answers of ``store``, matched against questions."""

    def __init__(
        self,
        store: CuratedStore,
        similarity: QuestionSimilarity,
        documents: Callable[[], dict[str, Document]],
        matcher: Callable[[], PhrasingMatcher],
        poll_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``matcher`` is called on first use (the index, which holds it, may not be loaded yet)."""
        self.store = store
        self.similarity = similarity
        self.documents = documents
        self.matcher = matcher
        self.poll_seconds = poll_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at = -1e9
        self._generation: tuple[int, str] | None = None
        self._candidates: tuple[Candidate, ...] = ()

    # What is published.

    def candidates(self) -> tuple[Candidate, ...]:
        """The published answers, reloaded when the database says they changed (polled at most
        every ``poll_seconds``)."""
        now = self._clock()
        if now - self._checked_at < self.poll_seconds:
            return self._candidates
        with self._lock:
            if now - self._checked_at >= self.poll_seconds:
                generation = self.store.generation()
                if generation != self._generation:
                    self._candidates = tuple(
                        self.candidate(a.id, a.published, a.published_at)
                        for a in self.store.published()
                        if a.published is not None
                    )
                    self._generation = generation
                self._checked_at = now
        return self._candidates

    def changed(self) -> None:
        """This process changed what is published: re-read it at the next question (other
        processes notice within ``poll_seconds``)."""
        self._checked_at = -1e9

    def candidate(
        self, answer_id: int, content: Content, published_at: dt.datetime | None = None
    ) -> Candidate:
        phrasings = tuple(self.similarity.phrasing(q) for q in content.questions)
        vectors = self.similarity.embed([p.query.dense_text for p in phrasings])
        return Candidate(answer_id, content, published_at, phrasings, vectors)

    # Matching.

    def match(self, question: str, region: str | None = None) -> Match | None:
        """The published answer that answers ``question`` (in ``region``'s scope), or None."""
        return self.best(question, self.candidates(), region)

    def best(self, question: str, candidates: Sequence[Candidate], region: str | None = None) -> Match | None:
        if not candidates or not question.strip():
            return None
        asked = self.similarity.phrasing(question)
        vector = self.similarity.embed([asked.query.dense_text])[0]
        matcher = self.matcher()
        found: list[Match] = []
        for candidate in candidates:
            if region and candidate.content.region not in ("all", region):
                continue
            if not candidate.phrasings:
                continue
            features = self.similarity.features(asked, vector, candidate.phrasings, candidate.vectors)
            # A phrasing the process lead wrote, asked as written, is theirs whatever the matcher says.
            written = any(fold(p.text) == fold(question) for p in candidate.phrasings)
            probability = 1.0 if written else matcher.probability(features)
            if probability >= matcher.threshold:
                closest = candidate.phrasings[int(np.argmax(candidate.vectors @ vector))]
                found.append(
                    Match(
                        candidate.answer_id,
                        candidate.content,
                        candidate.published_at,
                        closest.text,
                        float(features[0]),
                        float(features[2]),
                        probability,
                    )
                )
        return max(found, key=lambda m: m.score) if found else None

    def check(self, answer: CuratedAnswer) -> PublishCheck:
        """What publishing ``answer``'s latest version would do to the published answers."""
        others = [c for c in self.candidates() if c.answer_id != answer.id]
        mine = self.candidate(answer.id, answer.content)
        together = [*others, mine]
        own = []
        for phrasing in answer.content.questions:
            won = self.best(phrasing, together)
            winner = won.answer_id if won else None
            own.append(PhrasingCheck(phrasing, winner, winner == answer.id))
        taken = []
        for other in others:
            for phrasing in other.content.questions:
                won = self.best(phrasing, together)
                if won is not None and won.answer_id == answer.id:
                    taken.append((other.answer_id, phrasing))
        return PublishCheck(tuple(own), tuple(taken))

    # As an answer.

    def answer(self, match: Match) -> Answer:
        """The curated answer, citing the passages it rests on, or the process lead and the date."""
        documents = self.documents()
        sources = tuple(
            SourceRef(ref.doc, documents[ref.doc].title if ref.doc in documents else ref.doc, ref.section, "")
            for ref in match.content.sources
        )
        text = match.content.answer
        if not sources:
            # The process lead, dated, as the one source: no section, and no viewer page to link to.
            # A draft tried as if published (the workspace's "Prova") would be published today.
            when = f"{match.published_at or dt.datetime.now(dt.UTC):%Y-%m-%d}"
            title = templates.CURATOR_DATED.format(date=when)
            sources = (SourceRef(CURATOR_DOC, title, "", ""),)
            text = f"{text}\n\n{title}."
        else:
            text = f"{text}\n\n" + "\n".join(templates.source_line(s.title, s.section) for s in sources)
        return Answer(AnswerKind.CURATED, text, sources, confidence=round(match.probability, 3))
