"""Which passages of the index hold a bank case's evidence (for the split and passage recall)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from index.models import Chunk
from knowledge.text import fold

_WORD = re.compile(r"\w{3,}")
# A passage holds the evidence when it has this share of the evidence's words; the evidence
# of the OCR document was copied from the unrepaired text, so not every word matches.
MIN_SHARE = 0.6


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def passages_for(case: dict[str, Any], chunks: Sequence[Chunk]) -> list[Chunk]:
    """The passages of the case's documents that hold its evidence, best first (maybe none)."""
    evidence = _words(case.get("evidence") or "")
    if not evidence:
        return []
    documents = set(case.get("sources") or [case.get("source")])
    scored = []
    for chunk in chunks:
        if chunk.doc_id not in documents:
            continue
        share = len(evidence & _words(f"{chunk.section} {chunk.text}")) / len(evidence)
        if share >= MIN_SHARE:
            scored.append((share, chunk))
    scored.sort(key=lambda sc: -sc[0])
    return [chunk for _, chunk in scored]


def answer_passages(case: dict[str, Any], chunks: Sequence[Chunk]) -> list[Chunk]:
    """Passages a right answer may come from: those holding the evidence, and, for a fact that
    several documents state, passages of those documents that hold every expected group."""
    found = passages_for(case, chunks)
    documents = set(case.get("sources") or [case.get("source")])
    groups = [[fold(a) for a in group] for group in case.get("expect") or []]
    if len(documents) > 1 and groups:
        for chunk in chunks:
            text = fold(f"{chunk.section} {chunk.text}")
            holds_answer = all(any(a in text for a in g) for g in groups)
            if chunk.doc_id in documents and chunk not in found and holds_answer:
                found.append(chunk)
    return found
