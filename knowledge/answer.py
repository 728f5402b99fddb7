"""The answer a knowledge action gives, and its payload contract (see design.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AnswerKind(StrEnum):
    REGISTRY = "registry"
    RULE = "rule"
    PASSAGE = "passage"
    CURATED = "curated"
    CLARIFY = "clarify"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class SourceRef:
    doc: str
    title: str
    section: str
    excerpt: str
    url: str | None = None  # the source viewer's page with the cited passage highlighted


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    text: str
    sources: tuple[SourceRef, ...] = ()
    confidence: float = 0.0
    area: str | None = None
    buttons: tuple[tuple[str, str], ...] = field(default=())  # (title, payload)
    unit: str | None = None  # the answer unit of the sources it quotes (or found best, abstaining)

    def __post_init__(self) -> None:
        needs_sources = self.kind not in (AnswerKind.CLARIFY, AnswerKind.ABSTAIN)
        if needs_sources and not self.sources:
            raise ValueError(f"a {self.kind} answer must cite its sources")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError("confidence must be within 0..1")

    def payload(self) -> dict[str, Any]:
        """The custom payload ``{"answer": {...}}`` that travels with the text."""
        return {
            "answer": {
                "kind": self.kind.value,
                "sources": [_source(s) for s in self.sources],
                "confidence": round(self.confidence, 3),
                "area": self.area,
            }
        }


def _source(ref: SourceRef) -> dict[str, str]:
    out = {"doc": ref.doc, "title": ref.title, "section": ref.section, "excerpt": ref.excerpt}
    if ref.url:
        out["url"] = ref.url
    return out
