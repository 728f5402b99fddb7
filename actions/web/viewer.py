"""The source viewer: ``/kallor/<doc>`` shows a whole source document, with the passage an
answer cites scrolled into view and the quoted sentences highlighted, so staff can check an
answer in its context. ``/kallor/`` lists the documents.

The document is rendered from the index's own passages and sentence units, so the highlighted
sentences are exactly the ones quoted: ``?stycke=<passage id>&meningar=0,2#stycke-<passage id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from actions.core.citations import VIEWER_PATH, passage_anchor
from actions.web.deps import DocumentsDep, EngineDep
from index.models import Chunk
from index.sentences import split_units

TEMPLATES = Path(__file__).parent / "templates"
NOT_FOUND = "Det finns inget källdokument med det namnet."


@dataclass(frozen=True)
class Unit:
    """A sentence, or a list with its lead-in, as shown; ``quoted`` when an answer quoted it."""

    lead: str
    items: tuple[str, ...]
    quoted: bool


@dataclass(frozen=True)
class Part:
    """A section heading (``heading``) or a paragraph of units."""

    heading: str | None = None
    units: tuple[Unit, ...] = ()


@dataclass(frozen=True)
class Block:
    """One passage of the index, in reading order; ``cited`` when the answer quotes from it."""

    id: str
    cited: bool
    parts: tuple[Part, ...]


def _unit(text: str, quoted: bool) -> Unit:
    lines = text.split("\n")
    if lines[0].startswith("- "):
        return Unit("", tuple(line.removeprefix("- ") for line in lines), quoted)
    return Unit(lines[0], tuple(line.removeprefix("- ") for line in lines[1:]), quoted)


def blocks(chunks: list[Chunk], cited: str | None, quoted: set[int]) -> list[Block]:
    """The document's passages, with a heading wherever the section changes. Units are
    numbered as ``index.chunking.chunk_units`` numbers them, which the citation links use."""
    out: list[Block] = []
    section: str | None = None
    for chunk in chunks:
        parts: list[Part] = []
        position = 0
        paragraphs = chunk.text.split("\n\n")
        sections = chunk.paragraph_sections or (chunk.section,) * len(paragraphs)
        for paragraph_section, paragraph in zip(sections, paragraphs, strict=True):
            if paragraph_section != section and paragraph_section:
                parts.append(Part(heading=paragraph_section))
            section = paragraph_section
            units = []
            for text in split_units(paragraph):
                units.append(_unit(text, chunk.id == cited and position in quoted))
                position += 1
            parts.append(Part(units=tuple(units)))
        out.append(Block(chunk.id, chunk.id == cited, tuple(parts)))
    return out


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
    )


router = APIRouter()


@router.get(f"{VIEWER_PATH}/", response_class=HTMLResponse, include_in_schema=False)
async def index(documents: DocumentsDep) -> HTMLResponse:
    page = environment().get_template("kallor_index.html")
    return HTMLResponse(page.render(documents=sorted(documents.values(), key=lambda d: d.title)))


@router.get(f"{VIEWER_PATH}/{{doc_id}}", response_class=HTMLResponse, include_in_schema=False)
async def document(
    documents: DocumentsDep,
    engine: EngineDep,
    doc_id: str,
    stycke: str | None = Query(None, max_length=64),
    meningar: str | None = Query(None, max_length=200),
) -> HTMLResponse:
    found = documents.get(doc_id)
    if found is None:
        page = environment().get_template("kallor_saknas.html")
        return HTMLResponse(page.render(message=NOT_FOUND), status_code=404)
    chunks = [c for c in engine.retriever.stored.chunks if c.doc_id == doc_id]
    quoted = {int(n) for n in (meningar or "").split(",") if n.strip().isdigit()}
    cited = stycke if any(c.id == stycke for c in chunks) else None
    page = environment().get_template("kallor.html")
    html = page.render(
        document=found,
        blocks=blocks(chunks, cited, quoted),
        cited_anchor=passage_anchor(cited) if cited else None,
        anchor=passage_anchor,
    )
    return HTMLResponse(html)
