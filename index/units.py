"""Answer units: the sentences (or lists with their lead-in) of the passages, each with a stable
id, its passage and its place in it, and the written questions anchored to them.

A unit is what an answer quotes and what a written question points at (knowledge/questions/).
Its id is derived from its document and text, so re-chunking keeps it; an anchor that matches no
unit any more fails the build with the file and the text it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.chunking import chunk_units
from index.models import Chunk
from knowledge.questions import QuestionCorpus, anchor_id, anchor_key


class AnchorError(ValueError):
    """Written questions whose unit no longer matches the sources."""


@dataclass(frozen=True)
class Unit:
    """One answer unit of a passage."""

    id: str  # stable: the document and the unit's text (and its occurrence, for a repeated text)
    doc_id: str
    title: str
    section: str
    text: str
    chunk_id: str
    position: int  # its place among its passage's units
    order: int  # its place in the whole corpus, in reading order

    @property
    def indexed_text(self) -> str:
        """The unit with the title and section it often leaves implicit."""
        return f"{self.title}. {self.section}. {self.text}" if self.section else f"{self.title}. {self.text}"


def units_of(chunks: Sequence[Chunk]) -> tuple[Unit, ...]:
    """Every unit of ``chunks``, in reading order."""
    out: list[Unit] = []
    seen: dict[str, int] = {}
    for chunk in chunks:
        for position, (section, text) in enumerate(chunk_units(chunk)):
            base = anchor_id(chunk.doc_id, text)
            n = seen.get(base, 0)
            seen[base] = n + 1
            uid = base if n == 0 else f"{base}-{n}"
            out.append(Unit(uid, chunk.doc_id, chunk.title, section, text, chunk.id, position, len(out)))
    return tuple(out)


def beside(units: Sequence[Unit], i: int, j: int) -> bool:
    """Whether ``units[j]`` is a neighbour of ``units[i]`` in its passage and section (one a quote
    may bring along)."""
    return (
        0 <= j < len(units)
        and units[j].chunk_id == units[i].chunk_id
        and units[j].section == units[i].section
    )


def anchored(units: Sequence[Unit], corpus: QuestionCorpus, documents: Iterable[str]) -> dict[str, Unit]:
    """The unit each anchor of ``corpus`` names, by anchor id (a text repeated in one document
    names its first occurrence). Raises :class:`AnchorError` naming every anchor of a document in
    ``documents`` that matches no unit, and ignores anchors of documents not indexed."""
    by_anchor: dict[str, Unit] = {}
    for unit in units:
        by_anchor.setdefault(anchor_id(unit.doc_id, unit.text), unit)
    indexed = frozenset(documents)
    missing = [a for a in corpus.units if a.doc_id in indexed and a.anchor_id not in by_anchor]
    if missing:
        listed = "\n".join(f"  - knowledge/questions/{a.doc_id}.yaml: {a.text[:100]!r}" for a in missing)
        raise AnchorError(
            f"{len(missing)} units of the written questions no longer match the sources; review "
            f"their questions (the source changed) and anchor them to the new text:\n{listed}"
        )
    return {a.anchor_id: by_anchor[a.anchor_id] for a in corpus.units if a.anchor_id in by_anchor}


def unanchored(units: Sequence[Unit], corpus: QuestionCorpus) -> list[Unit]:
    """Units of the indexed documents that no question file names (a new source, or new text)."""
    named = {a.anchor_id for a in corpus.units}
    return [u for u in units if anchor_id(u.doc_id, u.text) not in named]


__all__ = ["AnchorError", "Unit", "anchor_key", "anchored", "unanchored", "units_of"]
