"""A question as the answering core sees it: the text, what NLU made of it, and the context
Rasa keeps for the conversation (the previous question, the area and role slots)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.redact import PERSONNUMMER_PLACEHOLDER, SAMORDNINGSNUMMER_PLACEHOLDER
from knowledge.text import fold

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A follow-up leans on the question before it: it opens with "och"/"men", ends with "då", or
# refers back with a pronoun while saying little of its own.
_OPENS_FOLLOW_UP = re.compile(
    r"^(?:och|men|samt|an|aven|ocksa|sen|sedan|hur ar det med|vad galler|vad hander|galler det)\b"
)
_ENDS_FOLLOW_UP = re.compile(r"\b(?:da|dar|dit|ocksa|isf|i sa fall)\s*[?!.]*$")
_REFERS_BACK = re.compile(
    r"\b(?:den|det|dom|dem|de|denna|detta|dessa|hen|han|hon|dess|deras|dennes|samma|dar|dit|dar)\b"
)
FOLLOW_UP_MAX_WORDS = 8
# A short question with nothing of its own to be about ("vem fattar beslutet?") follows the
# one before it; an abbreviation, a capitalised name, a number or a long (compound) word such as
# "huvudöverenskommelsen" is something of its own.
SHORT_FOLLOW_UP_WORDS = 5
_ANCHOR = re.compile(r"\b[A-ZÅÄÖ]{2,}\b|(?<=\w )[A-ZÅÄÖ][a-zåäö]+|\d|\w{10,}")


def clean_text(text: str | None, limit: int) -> tuple[str, bool]:
    """The text as plain text within ``limit`` characters, and whether it was cut. The marks the
    front door leaves where it removed a personal identity number say nothing about the question."""
    text = _CONTROL.sub(" ", text or "")
    for mark in (PERSONNUMMER_PLACEHOLDER, SAMORDNINGSNUMMER_PLACEHOLDER):
        text = text.replace(mark, " ")
    text = " ".join(text.split())
    return text[:limit], len(text) > limit


@dataclass(frozen=True)
class Question:
    text: str
    intent: str | None = None
    intent_confidence: float = 0.0
    previous: str | None = None  # the conversation's previous question (Rasa slot)
    area: str | None = None  # the area slot (a register id)
    area_matched: str | None = None  # how the user wrote a near-miss area name
    role: str | None = None  # the coordinator_role slot ("gsa" | "ksa")
    context_unit: str | None = None  # the unit the previous answer quoted (Rasa slot)

    @property
    def is_follow_up(self) -> bool:
        """Whether the text only makes sense after the previous question ("och vem utser den?")."""
        if not self.previous or not self.text.strip():
            return False
        folded = fold(self.text)
        words = folded.split()
        if len(words) > FOLLOW_UP_MAX_WORDS * 2:
            return False
        if _OPENS_FOLLOW_UP.search(folded) or _ENDS_FOLLOW_UP.search(folded):
            return True
        if len(words) <= SHORT_FOLLOW_UP_WORDS and not _ANCHOR.search(self.text):
            return True
        return len(words) <= FOLLOW_UP_MAX_WORDS and bool(_REFERS_BACK.search(folded))

    @property
    def in_context(self) -> str:
        """The text to retrieve with: a follow-up together with the question it follows."""
        return f"{self.previous} {self.text}" if self.is_follow_up and self.previous else self.text
