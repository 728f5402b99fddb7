"""Fitting what is learned (:mod:`index.learned`) from the question corpus, at index build time:
every written question is scored against the index with its own writer's questions hidden, and
the ranker and the decision are fitted on those scores."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from index.evidence import Asked, Evidence, EvidenceBuilder
from index.learned import Learned, PhrasingMatcher, TrainingQuestion, fit
from index.question_index import in_context
from index.similarity import Phrasing, QuestionSimilarity
from index.units import Unit
from knowledge.questions import QuestionCorpus

log = logging.getLogger(__name__)
BARE_EVERY = 4  # every this-many-th question is also asked with its document's questions hidden


def training_questions(
    corpus: QuestionCorpus, anchors: dict[str, Unit], units: Sequence[Unit]
) -> list[TrainingQuestion]:
    """The answerable questions (a follow-up with the question it follows), each follow-up alone
    as a question the sources cannot answer (it needs the question before it), and the refused."""
    position = {u.id: i for i, u in enumerate(units)}
    out: list[TrainingQuestion] = []
    for q in corpus.questions:
        unit = anchors.get(q.anchor_id)
        if unit is None:
            continue
        out.append(
            TrainingQuestion(
                in_context(q.text, q.after), q.text if q.after else None, position[unit.id], q.by, q.after
            )
        )
        if q.after:
            out.append(TrainingQuestion(q.text, None, None, q.by))
    for r in corpus.refused:
        out.append(TrainingQuestion(in_context(r.text, r.after), r.text if r.after else None, None, r.by))
    # A source no one has written questions for yet (a newly added agreement) must still be found:
    # every few questions are asked again with their document's written questions hidden, and as
    # many refused questions with some document's hidden, so the models learn to read a unit
    # without written questions by its own text.
    documents = sorted({u.doc_id for u in units})
    for n, q in enumerate(q for q in corpus.questions if q.after is None):
        unit = anchors.get(q.anchor_id)
        if unit is not None and n % BARE_EVERY == 0:
            out.append(TrainingQuestion(q.text, None, position[unit.id], q.by, None, unit.doc_id))
    for n, r in enumerate(r for r in corpus.refused if r.after is None):
        if n % BARE_EVERY == 0 and documents:
            out.append(TrainingQuestion(r.text, None, None, r.by, None, documents[n % len(documents)]))
    return out


PHRASINGS_PER_ANSWER = 4  # a curated answer's phrasings in the simulation
ASKS_PER_ANSWER = 6  # its paraphrases asked, and as many questions of other units
FALSE_MATCHES = 0.01  # the share of non-matching pairs the matcher's threshold lets through


def fit_phrasing_matcher(
    similarity: QuestionSimilarity,
    corpus: QuestionCorpus,
    anchors: dict[str, Unit],
    vectors: dict[str, np.ndarray],
) -> PhrasingMatcher:
    """The matcher of questions to a curated answer's phrasings, fitted on a simulation: each unit
    with enough written questions is a curated answer whose phrasings are its first writers'
    questions; its other writers' questions must match it, the closest questions of other units
    and the refused questions must not."""
    by_unit: dict[str, list[tuple[str, str]]] = {}
    for q in corpus.questions:
        unit = anchors.get(q.anchor_id)
        if unit is not None and q.after is None:
            by_unit.setdefault(unit.id, []).append((q.by, q.text))
    refused = [r.text for r in corpus.refused if r.after is None]
    analysed: dict[str, Phrasing] = {}

    def phrasing(text: str) -> Phrasing:
        if text not in analysed:
            analysed[text] = similarity.phrasing(text)
        return analysed[text]

    all_texts = [t for qs in by_unit.values() for _, t in qs]
    all_vectors = np.stack([vectors[t] for t in all_texts])
    refused_vectors = (
        np.stack([vectors[t] for t in refused]) if refused else np.zeros((0, all_vectors.shape[1]))
    )
    rows, labels = [], []
    for unit_id in sorted(by_unit):
        questions = sorted(by_unit[unit_id])
        writers = sorted({w for w, _ in questions})
        if len(writers) < 2:
            continue
        phrasing_texts = [t for w, t in questions if w == writers[0]][:PHRASINGS_PER_ANSWER]
        asks = [t for w, t in questions if w != writers[0]][:ASKS_PER_ANSWER]
        centre = np.stack([vectors[t] for t in phrasing_texts])
        own = {t for _, t in questions}
        closeness = (all_vectors @ centre.T).max(axis=1)
        ranked = [all_texts[i] for i in np.argsort(-closeness) if all_texts[i] not in own]
        # The closest questions of other units, and some from anywhere: both must not match.
        spread = max(1, len(ranked) // ASKS_PER_ANSWER)
        others = ranked[:ASKS_PER_ANSWER] + ranked[ASKS_PER_ANSWER::spread]
        by_closeness = np.argsort(-(refused_vectors @ centre.T).max(axis=1))
        refused_spread = max(1, len(refused) // 3)
        near_refused = [refused[i] for i in by_closeness[:2]] + [
            refused[i] for i in by_closeness[2::refused_spread]
        ]
        candidates = [phrasing(t) for t in phrasing_texts]
        for text, same in [(t, True) for t in asks] + [(t, False) for t in others + near_refused]:
            rows.append(similarity.features(phrasing(text), vectors[text], candidates, centre))
            labels.append(same)
    return PhrasingMatcher.fit(np.stack(rows), np.asarray(labels), FALSE_MATCHES)


def train(
    builder: EvidenceBuilder,
    corpus: QuestionCorpus,
    anchors: dict[str, Unit],
    questions: Sequence[TrainingQuestion],
    embed: Callable[[Sequence[str]], np.ndarray],
    trained_on: str,
) -> Learned:
    texts = list(
        dict.fromkeys(
            [q.text for q in questions]
            + [q.focus for q in questions if q.focus]
            + [q.after for q in questions if q.after]
        )
    )
    vectors = dict(zip(texts, embed(texts), strict=True))

    def evidence_of(q: TrainingQuestion, context: int | None) -> Evidence:
        focus = vectors[q.focus] if q.focus else None
        unit = builder.units[context].id if context is not None else None
        asked = Asked(q.text, q.focus, None, unit)
        hidden = {"hide_writer": q.writer, "hide_document": q.hide_document}
        return builder.build(asked, vectors[q.text], focus, **hidden)

    def year_missing(evidence: Evidence, unit: int) -> bool:
        return builder.years_missing(evidence.years, builder.units[unit])

    similarity = QuestionSimilarity(lambda: builder.retriever)
    refused_texts = [r.text for r in corpus.refused if r.after is None]
    missing = [t for t in refused_texts if t not in vectors]
    if missing:
        vectors.update(zip(missing, embed(missing), strict=True))
    phrasings = fit_phrasing_matcher(similarity, corpus, anchors, vectors)
    learned = fit(questions, evidence_of, year_missing, phrasings, trained_on)
    log.info("learned from %d questions: %s", len(questions), learned.report)
    return learned
