"""Loading ../shared/eval/devset.yaml and judging passages against its cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from index.models import Chunk
from knowledge.settings import PROJECT_ROOT
from knowledge.text import fold

DEVSET = PROJECT_ROOT.parent / "shared" / "eval" / "devset.yaml"
ASK_BOT = PROJECT_ROOT.parent / "shared" / "eval" / "ask_bot.py"


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[str, ...]
    expect: tuple[tuple[str, ...], ...]
    source: str | None
    kind: str | None

    @property
    def question(self) -> str:
        return self.turns[-1]


def load_cases(path: Path = DEVSET) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            c["id"],
            tuple(c["ask"]) if isinstance(c["ask"], list) else (c["ask"],),
            tuple(tuple(g) for g in c.get("expect", [])),
            c.get("source"),
            c.get("kind"),
        )
        for c in raw
    ]


def answers(case: Case, chunk: Chunk) -> bool:
    """A passage is relevant when it comes from the case's source and holds the expected facts."""
    if case.source and chunk.doc_id != case.source:
        return False
    text = fold(chunk.indexed_text)
    return all(any(fold(alt) in text for alt in group) for group in case.expect)
