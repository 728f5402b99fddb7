"""Domain objects of retrieval."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def chunk_id(doc_id: str, text: str) -> str:
    """A stable id: the same passage of the same document always gets the same id."""
    return hashlib.sha1(f"{doc_id}\n{text}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Chunk:
    """A passage of a source document, with the title and section it belongs to."""

    id: str
    doc_id: str
    title: str
    section: str
    text: str
    position: int
    paragraph_sections: tuple[str, ...] = ()  # the section of each "\n\n"-separated paragraph

    @property
    def heading(self) -> str:
        """The title and section, prefixed to the passage for indexing."""
        return f"{self.title}. {self.section}" if self.section else self.title

    @property
    def indexed_text(self) -> str:
        return f"{self.heading}. {self.text}"


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the scores that found it."""

    chunk: Chunk
    score: float  # fused (reciprocal-rank) score
    rank: int
    bm25: float
    dense: float
