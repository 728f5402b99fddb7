"""The written questions: for every answer unit of the sources (a sentence, or a list with its
lead-in), the questions staff ask that it answers, and the questions the sources do not answer.

They were written blind, from the sources alone, by writers with different personas (the prompts
are in ``prompts/``), and are what the assistant learns from: a question index (a user's question
is compared with questions), training pairs for the domain-tuned embedding model, and training
data for the decision to answer or abstain (see design.md, "Learning from written questions").

Layout: one YAML file per document, ``<document id>.yaml``::

    document: hok-oversikt
    units:
      - unit: "HÖK följs upp årligen genom dialog mellan parterna ..."   # the anchor
        questions:
          - {q: "hur ofta foljs hok upp?", by: district-administrator}
          - {q: "och vem gör det?", after: "hur ofta foljs hok upp?", by: new-coordinator}
      - unit: "Med vänlig hälsning"
        answers_nothing: true     # a unit no one would want as an answer

and the questions that must be refused in ``abstain.yaml``::

    questions:
      - {q: "vad tjanar en underskoterska?", category: near-topic, by: health-centre-nurse}

A question is anchored to its unit by the unit's own text, so re-chunking keeps it; the index
build refuses anchors that no longer match the sources (a changed source has its questions
reviewed). ``after`` marks a follow-up: the question only makes sense after that one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.text import normalize

QUESTIONS_DIR = Path(__file__).resolve().parent
ABSTAIN_FILE = "abstain.yaml"
CATEGORIES = ("near-topic", "off-topic", "chit-chat", "injection")


class QuestionFileError(ValueError):
    """A question file that is not in the documented format."""


def anchor_key(text: str) -> str:
    """The key a unit is anchored by: its text, whitespace and Unicode form aside."""
    return normalize(text)


def anchor_id(doc_id: str, text: str) -> str:
    """A short stable id of a unit's anchor (the same text of the same document, the same id)."""
    return hashlib.sha1(f"{doc_id}\n{anchor_key(text)}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class WrittenQuestion:
    """A question a unit answers; ``after`` is the question it follows when it is a follow-up."""

    text: str
    doc_id: str
    anchor: str  # the unit's text
    by: str  # the writer's persona
    after: str | None = None

    @property
    def anchor_id(self) -> str:
        return anchor_id(self.doc_id, self.anchor)


@dataclass(frozen=True)
class RefusedQuestion:
    """A question the sources do not answer, with its category (near-topic, off-topic, ...)."""

    text: str
    category: str
    by: str
    after: str | None = None


@dataclass(frozen=True)
class AnchoredUnit:
    """A unit as a question file names it: its document, its text and whether it answers anything."""

    doc_id: str
    text: str
    answers_nothing: bool = False

    @property
    def anchor_id(self) -> str:
        return anchor_id(self.doc_id, self.text)


@dataclass(frozen=True)
class QuestionCorpus:
    units: tuple[AnchoredUnit, ...]
    questions: tuple[WrittenQuestion, ...]
    refused: tuple[RefusedQuestion, ...]
    fingerprint: str  # changes whenever a question file changes

    def of_document(self, doc_id: str) -> tuple[WrittenQuestion, ...]:
        return tuple(q for q in self.questions if q.doc_id == doc_id)

    def without(self, doc_ids: Iterable[str]) -> QuestionCorpus:
        """The corpus with the written questions of ``doc_ids`` left out (a document before anyone
        wrote questions for it)."""
        left_out = frozenset(doc_ids)
        return QuestionCorpus(
            tuple(u for u in self.units if u.doc_id not in left_out),
            tuple(q for q in self.questions if q.doc_id not in left_out),
            self.refused,
            f"{self.fingerprint}-without-{'+'.join(sorted(left_out))}",
        )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuestionFileError(f"{where}: a question must be a non-empty text")
    return normalize(value)


def _item(item: Any, where: str) -> tuple[str, str | None, str, dict[str, Any]]:
    if not isinstance(item, dict) or "q" not in item:
        raise QuestionFileError(f"{where}: each question is a mapping with q (and by, after)")
    after = item.get("after")
    return (
        _text(item["q"], where),
        _text(after, where) if after is not None else None,
        str(item.get("by") or "unknown"),
        item,
    )


def load_document_questions(path: Path) -> tuple[list[AnchoredUnit], list[WrittenQuestion]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("document"), str):
        raise QuestionFileError(f"{path}: expected a mapping with document and units")
    doc_id = data["document"]
    if doc_id != path.stem:
        raise QuestionFileError(f"{path}: document {doc_id!r} does not match the file name")
    units: list[AnchoredUnit] = []
    questions: list[WrittenQuestion] = []
    for i, entry in enumerate(data.get("units") or [], start=1):
        where = f"{path.name}, unit {i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("unit"), str):
            raise QuestionFileError(f"{where}: each unit is a mapping with unit (its text)")
        anchor = anchor_key(entry["unit"])
        units.append(AnchoredUnit(doc_id, anchor, bool(entry.get("answers_nothing", False))))
        for item in entry.get("questions") or []:
            text, after, by, _ = _item(item, where)
            questions.append(WrittenQuestion(text, doc_id, anchor, by, after))
    return units, questions


def load_refused(path: Path) -> list[RefusedQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise QuestionFileError(f"{path}: expected a mapping with questions")
    out: list[RefusedQuestion] = []
    for i, item in enumerate(data["questions"], start=1):
        where = f"{path.name}, question {i}"
        text, after, by, raw = _item(item, where)
        category = raw.get("category")
        if category not in CATEGORIES:
            raise QuestionFileError(f"{where}: category must be one of {', '.join(CATEGORIES)}")
        out.append(RefusedQuestion(text, category, by, after))
    return out


def load_corpus(directory: Path = QUESTIONS_DIR) -> QuestionCorpus:
    """Every question file in ``directory`` (the documents' and the refused questions)."""
    units: list[AnchoredUnit] = []
    questions: list[WrittenQuestion] = []
    refused: list[RefusedQuestion] = []
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        if path.name == ABSTAIN_FILE:
            refused.extend(load_refused(path))
        else:
            found_units, found = load_document_questions(path)
            units.extend(found_units)
            questions.extend(found)
    return QuestionCorpus(tuple(units), tuple(questions), tuple(refused), digest.hexdigest()[:16])
