"""Links from a cited source to the source viewer (``/kallor/<doc>``), which shows the whole
document with the cited passage scrolled into view and the quoted sentences highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import quote, urlencode

from index.chunking import chunk_units
from index.models import Chunk
from knowledge.answer import Answer, SourceRef
from knowledge.text import fold

VIEWER_PATH = "/kallor"


def passage_anchor(chunk_id: str) -> str:
    return f"stycke-{chunk_id}"


def document_link(doc: str) -> str:
    return f"{VIEWER_PATH}/{quote(doc)}"


def passage_link(doc: str, chunk_id: str, units: Sequence[int]) -> str:
    """The viewer page of ``doc`` with units ``units`` of passage ``chunk_id`` highlighted."""
    query = urlencode({"stycke": chunk_id, "meningar": ",".join(str(u) for u in units)})
    return f"{document_link(doc)}?{query}#{passage_anchor(chunk_id)}"


class Citations:
    """Finds where a cited excerpt stands in the indexed passages, to link to it."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks

    def link(self, source: SourceRef) -> str:
        """The viewer link for a source: to the sentences holding its excerpt, else the document."""
        excerpt = fold(source.excerpt).rstrip("….")
        if excerpt:
            for chunk in self.chunks:
                if chunk.doc_id != source.doc:
                    continue
                units = [
                    u for u, (_, text) in enumerate(chunk_units(chunk)) if _overlaps(excerpt, fold(text))
                ]
                if units:
                    return passage_link(source.doc, chunk.id, units)
        return document_link(source.doc)

    def linked(self, answer: Answer) -> Answer:
        """The answer with a viewer link on every source."""
        if all(s.url for s in answer.sources):
            return answer
        sources = tuple(s if s.url else replace(s, url=self.link(s)) for s in answer.sources)
        return replace(answer, sources=sources)


def _overlaps(excerpt: str, unit: str) -> bool:
    """Whether a unit holds the excerpt, or the excerpt (several sentences) holds the unit."""
    unit = unit.rstrip(".")
    return excerpt in unit or (len(unit) > 20 and unit in excerpt)
