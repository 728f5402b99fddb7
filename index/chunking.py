"""Heading-aware chunking of the Markdown source copies into passages of roughly 40–150 words.

A passage never crosses a section heading, except that a section too short to stand alone
is merged with the next one. A paragraph that introduces a list (ends with ':') stays with
its list items. Each passage keeps its document title and section for indexing and citing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.models import Chunk, chunk_id

CHUNKER_VERSION = "3"
MIN_WORDS = 40
MAX_WORDS = 150

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Block:
    """A paragraph or a list (with its lead-in) under one section."""

    section: str
    text: str
    paragraph_sections: tuple[str, ...] = ()  # the section of each paragraph ("\n\n"-separated)

    def __post_init__(self) -> None:
        if not self.paragraph_sections:
            object.__setattr__(self, "paragraph_sections", (self.section,))

    @property
    def words(self) -> int:
        return len(self.text.split())


def _merge(a: Block, b: Block, section: str) -> Block:
    return Block(section, a.text + "\n\n" + b.text, a.paragraph_sections + b.paragraph_sections)


def parse_blocks(body: str) -> list[Block]:
    """Split a Markdown body into blocks, tracking the current section heading."""
    blocks: list[Block] = []
    section = ""
    paragraphs = re.split(r"\n\s*\n", body.strip())
    for para in paragraphs:
        lines = [ln.rstrip() for ln in para.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        heading = _HEADING.match(lines[0])
        if heading:
            section = heading.group(2).strip("*_ ").strip()
            lines = lines[1:]
            if not lines:
                continue
        text = _join_lines(lines)
        if blocks and blocks[-1].section == section and _continues_list(blocks[-1].text, text):
            blocks[-1] = Block(section, blocks[-1].text + "\n" + text)
        else:
            blocks.append(Block(section, text))
    return blocks


def _join_lines(lines: list[str]) -> str:
    """List items stay one per line (as '- item'); other lines are joined with spaces."""
    out: list[str] = []
    for line in lines:
        if _BULLET.match(line):
            out.append("- " + _BULLET.sub("", line).strip())
        elif out and not out[-1].startswith("- "):
            out[-1] = out[-1] + " " + line.strip()
        elif out:
            out.append(line.strip())
        else:
            out.append(line.strip())
    return "\n".join(out)


def _continues_list(previous: str, text: str) -> bool:
    """A list belongs to the paragraph before it when that one introduces it or is a list too."""
    if not text.startswith("- "):
        return False
    last_line = previous.splitlines()[-1]
    return last_line.endswith(":") or last_line.startswith("- ")


def _split_long(block: Block) -> list[Block]:
    """Split a block over MAX_WORDS at sentence or line boundaries."""
    from index.sentences import split_units

    parts: list[Block] = []
    current: list[str] = []
    count = 0
    for unit in split_units(block.text):
        n = len(unit.split())
        if current and count + n > MAX_WORDS:
            parts.append(Block(block.section, "\n".join(current)))
            current, count = [], 0
        current.append(unit)
        count += n
    if current:
        parts.append(Block(block.section, "\n".join(current)))
    return parts


def _pack_section(blocks: list[Block]) -> list[Block]:
    """Blocks of one section as few passages of at most MAX_WORDS, split evenly."""
    pieces = [p for b in blocks for p in (_split_long(b) if b.words > MAX_WORDS else [b])]
    total = sum(p.words for p in pieces)
    target = total / max(1, -(-total // MAX_WORDS))  # even split into ceil(total / MAX) parts
    passages: list[Block] = []
    for piece in pieces:
        last = passages[-1] if passages else None
        if last and last.words + piece.words <= MAX_WORDS and (last.words < target or last.words < MIN_WORDS):
            passages[-1] = _merge(last, piece, last.section)
        else:
            passages.append(piece)
    return passages


def _group(blocks: Iterable[Block]) -> list[Block]:
    """Pack each section into passages; a passage too short to stand alone joins a neighbour."""
    sections: list[list[Block]] = []
    for block in blocks:
        if sections and sections[-1][0].section == block.section:
            sections[-1].append(block)
        else:
            sections.append([block])
    passages: list[Block] = []
    for section in sections:
        for piece in _pack_section(section):
            last = passages[-1] if passages else None
            if (
                last
                and (last.words < MIN_WORDS or piece.words < MIN_WORDS)
                and last.words + piece.words <= MAX_WORDS
            ):
                passages[-1] = _merge(last, piece, _join_sections(last, piece))
            else:
                passages.append(piece)
    return passages


def _join_sections(a: Block, b: Block) -> str:
    parts = [p for s in (a.section, b.section) for p in s.split(" / ") if p]
    return " / ".join(dict.fromkeys(parts))


def chunk_document(doc_id: str, title: str, body: str) -> list[Chunk]:
    """The passages of one document, in reading order."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for i, p in enumerate(_group(parse_blocks(body))):
        # A passage repeated word for word in one document gets its occurrence in its id.
        n = seen.get(p.text, 0)
        seen[p.text] = n + 1
        cid = chunk_id(doc_id, p.text if n == 0 else f"{p.text}\n#{n}")
        chunks.append(Chunk(cid, doc_id, title, p.section, p.text, i, p.paragraph_sections))
    return chunks


def chunk_units(chunk: Chunk) -> list[tuple[str, str]]:
    """The sentence units of a passage, each with the section it stands under."""
    from index.sentences import split_units

    paragraphs = chunk.text.split("\n\n")
    sections = chunk.paragraph_sections or (chunk.section,) * len(paragraphs)
    return [
        (section, unit)
        for section, para in zip(sections, paragraphs, strict=True)
        for unit in split_units(para)
    ]
