"""Build, save and load the search index under ``index/build/``.

Layout: ``manifest.json``, ``chunks.json`` (passages with their sentence units),
``passages.faiss`` (passage vectors), ``units.npy`` (sentence-unit vectors), ``questions.json`` and
``questions.faiss`` (the written questions and their vectors, :mod:`index.question_index`) and
``learned.json`` (the ranker and the answer-or-abstain decision fitted on them, :mod:`index.learned`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.analysis import SwedishAnalyzer
from index.chunking import CHUNKER_VERSION, chunk_document, chunk_units
from index.dense import DenseIndex
from index.embedder import Embedder
from index.learned import Learned
from index.manifest import FORMAT_VERSION, Manifest, corpus_hash, model_fingerprint
from index.models import Chunk
from index.question_index import IndexedQuestion, QuestionIndex, entries_of
from index.units import anchored, units_of
from knowledge.documents import Document, load_documents
from knowledge.questions import QuestionCorpus, load_corpus

log = logging.getLogger(__name__)


class StaleIndexError(RuntimeError):
    """The index is missing, stale or does not match the configured model."""


@dataclass(frozen=True)
class StoredIndex:
    manifest: Manifest
    chunks: tuple[Chunk, ...]
    units: tuple[tuple[str, ...], ...]  # sentence units per chunk
    dense: DenseIndex
    unit_vectors: np.ndarray  # one row per unit, in chunk order
    questions: tuple[IndexedQuestion, ...] = ()  # the written questions
    question_vectors: DenseIndex | None = None
    learned: Learned | None = None  # None: no written questions to learn from

    @cached_property
    def _unit_offsets(self) -> dict[str, tuple[int, int]]:
        offsets, start = {}, 0
        for i, chunk in enumerate(self.chunks):
            offsets[chunk.id] = (i, start)
            start += len(self.units[i])
        return offsets

    def units_of(self, chunk: Chunk) -> tuple[tuple[str, ...], np.ndarray]:
        """The sentence units of a passage and their vectors."""
        i, start = self._unit_offsets[chunk.id]
        units = self.units[i]
        return units, self.unit_vectors[start : start + len(units)]


def chunk_corpus(documents: list[Document]) -> list[Chunk]:
    return [c for d in documents for c in chunk_document(d.id, d.title, d.body)]


def expected_manifest(
    sources_dir: Path,
    model: str,
    dimension: int,
    chunks: int = 0,
    units: int = 0,
    corpus: QuestionCorpus | None = None,
    questions: int = 0,
) -> Manifest:
    return Manifest(
        format_version=FORMAT_VERSION,
        model_id=Path(model).name or model,
        model_fingerprint=model_fingerprint(model),
        dimension=dimension,
        corpus_hash=corpus_hash(list(sources_dir.glob("*.md"))),
        chunker_version=CHUNKER_VERSION,
        chunks=chunks,
        units=units,
        questions_fingerprint=corpus.fingerprint if corpus is not None else "",
        questions=questions,
    )


def _corpus(questions_dir: Path | None) -> QuestionCorpus | None:
    return load_corpus(questions_dir) if questions_dir is not None else None


def build(
    sources_dir: Path,
    out_dir: Path,
    embedder: Embedder,
    model: str,
    questions_dir: Path | None = None,
    analyzer: SwedishAnalyzer | None = None,
) -> Manifest:
    """Build the index of ``sources_dir`` into ``out_dir``; with ``questions_dir``, the question
    index and what is learned from it too (raising :class:`index.units.AnchorError` when a written
    question's unit no longer matches the sources)."""
    documents = load_documents(sources_dir)
    chunks = chunk_corpus(documents)
    units = [chunk_units(c) for c in chunks]
    log.info("embedding %d passages and %d sentence units", len(chunks), sum(map(len, units)))
    passage_vectors = embedder.embed_passages([c.indexed_text for c in chunks])
    # A sentence is embedded with its document title and section, which it often leaves implicit.
    unit_vectors = embedder.embed_passages(
        [f"{c.title}. {s}. {u}" for c, us in zip(chunks, units, strict=True) for s, u in us]
    )
    corpus = _corpus(questions_dir)
    entries: list[IndexedQuestion] = []
    if corpus is not None:
        anchors = anchored(units_of(chunks), corpus, [d.id for d in documents])
        entries = entries_of(corpus, anchors)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Write the manifest last: an interrupted build leaves no valid-looking index.
    (out_dir / "manifest.json").unlink(missing_ok=True)
    (out_dir / "learned.json").unlink(missing_ok=True)
    payload = [{**asdict(c), "units": [u for _, u in us]} for c, us in zip(chunks, units, strict=True)]
    (out_dir / "chunks.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    DenseIndex.build(passage_vectors).save(out_dir / "passages.faiss")
    np.save(out_dir / "units.npy", unit_vectors)
    manifest = expected_manifest(
        sources_dir,
        model,
        int(passage_vectors.shape[1]),
        len(chunks),
        len(unit_vectors),
        corpus,
        len(entries),
    )
    if corpus is not None and entries:
        log.info("embedding %d written questions", len(entries))
        vectors = embedder.embed_queries([e.text for e in entries])
        QuestionIndex(entries, DenseIndex.build(vectors), analyzer or SwedishAnalyzer()).save(out_dir)
        _learn(sources_dir, out_dir, embedder, model, corpus, manifest, analyzer or SwedishAnalyzer())
    (out_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _learn(
    sources_dir: Path,
    out_dir: Path,
    embedder: Embedder,
    model: str,
    corpus: QuestionCorpus,
    manifest: Manifest,
    analyzer: SwedishAnalyzer,
) -> None:
    """Fit the ranker and the decision on the index just written, and save them."""
    from index.evidence import EvidenceBuilder
    from index.learning import train, training_questions
    from index.retriever import Retriever

    stored = _read(out_dir, manifest)
    retriever = Retriever(stored, embedder, analyzer)
    questions = QuestionIndex(stored.questions, _question_vectors(stored), analyzer)
    builder = EvidenceBuilder(retriever, questions)
    anchors = anchored(builder.units, corpus, {c.doc_id for c in stored.chunks})
    learned = train(
        builder,
        corpus,
        anchors,
        training_questions(corpus, anchors, builder.units),
        embedder.embed_queries,
        f"{manifest.corpus_hash}/{manifest.questions_fingerprint}/{manifest.model_fingerprint}",
    )
    learned.save(out_dir / "learned.json")


def _question_vectors(stored: StoredIndex) -> DenseIndex:
    if stored.question_vectors is None:
        raise StaleIndexError("the index has no written questions. Run `python -m index build`.")
    return stored.question_vectors


def staleness(sources_dir: Path, out_dir: Path, model: str, questions_dir: Path | None = None) -> list[str]:
    """Why the index in ``out_dir`` cannot be used now (empty when it is up to date)."""
    path = out_dir / "manifest.json"
    if not path.exists():
        return [f"no index at {out_dir}"]
    try:
        built = Manifest.read(path)
    except (ValueError, TypeError) as exc:
        return [f"unreadable manifest ({exc})"]
    return built.mismatches(
        expected_manifest(sources_dir, model, built.dimension, corpus=_corpus(questions_dir))
    )


def load(sources_dir: Path, out_dir: Path, model: str, questions_dir: Path | None = None) -> StoredIndex:
    """Load an up-to-date index, or raise :class:`StaleIndexError` saying why it cannot be used."""
    reasons = staleness(sources_dir, out_dir, model, questions_dir)
    if reasons:
        raise StaleIndexError(
            "the search index is stale: " + "; ".join(reasons) + ". Run `python -m index build`."
        )
    return _read(out_dir, Manifest.read(out_dir / "manifest.json"))


def _read(out_dir: Path, manifest: Manifest) -> StoredIndex:
    raw = json.loads((out_dir / "chunks.json").read_text(encoding="utf-8"))
    chunks = tuple(
        Chunk(
            **{k: v for k, v in r.items() if k != "units"}
            | {"paragraph_sections": tuple(r["paragraph_sections"])}
        )
        for r in raw
    )
    units = tuple(tuple(r["units"]) for r in raw)
    dense = DenseIndex.load(out_dir / "passages.faiss")
    unit_vectors = np.load(out_dir / "units.npy")
    questions: tuple[IndexedQuestion, ...] = ()
    question_vectors: DenseIndex | None = None
    learned: Learned | None = None
    if manifest.questions:
        raw_questions = json.loads((out_dir / "questions.json").read_text(encoding="utf-8"))
        questions = tuple(IndexedQuestion(**r) for r in raw_questions)
        question_vectors = DenseIndex.load(out_dir / "questions.faiss")
        if (out_dir / "learned.json").exists():
            learned = Learned.load(out_dir / "learned.json")
    if (
        dense.size != len(chunks)
        or dense.dimension != manifest.dimension
        or len(unit_vectors) != manifest.units
        or len(questions) != manifest.questions
        or (question_vectors is not None and question_vectors.size != len(questions))
    ):
        raise StaleIndexError(
            "the search index files disagree with its manifest. Run `python -m index build --force`."
        )
    return StoredIndex(manifest, chunks, units, dense, unit_vectors, questions, question_vectors, learned)
