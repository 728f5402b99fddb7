"""Links from a cited source to the source viewer (``/kallor/<doc>``), which shows the whole
document with the cited passage scrolled into view and the quoted sentences highlighted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from urllib.parse import quote, urlencode

from index.chunking import chunk_units
from index.models import Chunk
from index.units import Unit
from knowledge.answer import Answer, SourceRef
from knowledge.text import fold

VIEWER_PATH = "/kallor"
# The source of a curated answer that rests on no passage: the process lead, no document, so
# nothing in the viewer to link to.
PROCESS_LEAD_DOC = "processledaren"


def passage_anchor(chunk_id: str) -> str:
    return f"stycke-{chunk_id}"


def document_link(doc: str) -> str:
    return f"{VIEWER_PATH}/{quote(doc)}"


def passage_link(doc: str, chunk_id: str, units: Sequence[int] = ()) -> str:
    """The viewer page of ``doc`` with passage ``chunk_id`` in view and its units ``units``
    highlighted (none: the passage is marked, no sentence in it)."""
    fields = {"stycke": chunk_id}
    if units:
        fields["meningar"] = ",".join(str(u) for u in units)
    return f"{document_link(doc)}?{urlencode(fields)}#{passage_anchor(chunk_id)}"


def quoted_sources(best: Unit, quoted: Sequence[Unit], excerpt: Callable[[str], str]) -> list[SourceRef]:
    """The sources of a quote from one document: one per passage it draws on, the best unit's
    first, each linked to the viewer with its quoted sentences highlighted."""
    out = []
    for chunk_id in dict.fromkeys([best.chunk_id, *(u.chunk_id for u in quoted)]):
        mine = [u for u in quoted if u.chunk_id == chunk_id] or [best]
        link = passage_link(best.doc_id, chunk_id, [u.position for u in mine])
        text = "\n".join(u.text for u in mine)
        out.append(SourceRef(best.doc_id, best.title, mine[0].section, excerpt(text), link))
    return out


class Citations:
    """Finds where a cited excerpt stands in the indexed passages, to link to it."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks

    def link(self, source: SourceRef) -> str | None:
        """The viewer link for a source: to the sentences holding its excerpt, else to the first
        passage of its section, else to the document; None for the process lead's own answer,
        which the viewer has no page for."""
        if source.doc == PROCESS_LEAD_DOC:
            return None
        chunks = [c for c in self.chunks if c.doc_id == source.doc]
        excerpt = fold(source.excerpt).rstrip("….")
        if excerpt:
            for chunk in chunks:
                units = [
                    u for u, (_, text) in enumerate(chunk_units(chunk)) if _overlaps(excerpt, fold(text))
                ]
                if units:
                    return passage_link(source.doc, chunk.id, units)
        if source.section:
            for chunk in chunks:
                if source.section in (chunk.section, *chunk.paragraph_sections):
                    return passage_link(source.doc, chunk.id)
        return document_link(source.doc)

    def linked(self, answer: Answer) -> Answer:
        """The answer with a viewer link on every source the viewer shows."""
        if all(s.url for s in answer.sources):
            return answer
        sources = tuple(s if s.url else replace(s, url=self.link(s)) for s in answer.sources)
        return replace(answer, sources=sources)


def _overlaps(excerpt: str, unit: str) -> bool:
    """Whether a unit holds the excerpt, or the excerpt (several sentences) holds the unit."""
    unit = unit.rstrip(".")
    return excerpt in unit or (len(unit) > 20 and unit in excerpt)
