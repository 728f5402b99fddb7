"""Abbreviations the sources define themselves, as in "samordnad individuell plan (SIP)".

The long form is the run of words right before the parenthesis, back to the first word that
cannot belong to a name ("en", "med", "och" at its edge ...), trimmed from the left until it
starts with the abbreviation's first letter. "(förkortad HÖK)" defines the phrase before it.
Only the sources' own definitions are used: an abbreviation they never spell out (VIS, LPIK)
has no definition here, and a question about it is not answered from this table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.chunking import chunk_units
from index.models import Chunk
from knowledge.text import fold

MAX_WORDS = 7
_PAREN = re.compile(r"\((?:förkortad\s+)?([A-ZÅÄÖ]{2,6})\)")
_WORD = re.compile(r"[\wÅÄÖåäö]+(?:-[\wÅÄÖåäö]*)?")
# Words that end a name when read backwards from the parenthesis (kept inside when between words).
_BREAK = frozenset(
    fold(w)
    for w in [
        "en",
        "ett",
        "med",
        "för",
        "att",
        "är",
        "som",
        "har",
        "kan",
        "ska",
        "den",
        "det",
        "de",
        "av",
        "till",
        "på",
        "om",
        "vid",
        "från",
        "genom",
        "inom",
        "samt",
        "eller",
        "även",
        "också",
        "ingår",
        "finns",
        "utser",
        "enligt",
        "mellan",
        "där",
        "vilket",
        "vilka",
    ]
)
_INSIDE = frozenset({"och", "i"})


@dataclass(frozen=True)
class Definition:
    abbreviation: str  # as the source writes it, e.g. "SIP"
    long_form: str  # e.g. "samordnad individuell plan"
    chunk: Chunk
    section: str
    sentence: str  # the sentence (or heading) that defines it


def _long_form(before: str, abbreviation: str) -> str | None:
    words = _WORD.findall(before)
    run: list[str] = []
    for word in reversed(words):
        if fold(word) in _BREAK or len(run) >= MAX_WORDS:
            break
        run.insert(0, word)
    while run and (fold(run[0]) in _INSIDE or fold(run[0])[0] != fold(abbreviation)[0]):
        run.pop(0)
    while run and fold(run[-1]) in _INSIDE:
        run.pop()
    return " ".join(run) if run else None


def find_definitions(chunks: Iterable[Chunk]) -> dict[str, Definition]:
    """Folded abbreviation -> its first definition in the sources."""
    found: dict[str, Definition] = {}
    units = [(chunk, section, unit) for chunk in chunks for section, unit in chunk_units(chunk)]
    # Definitions in running text first; a heading ("Centralt Samverkansorgan (CS)") is the
    # definition only of an abbreviation the text never spells out.
    for in_heading in (False, True):
        for chunk, section, unit in units:
            text = section if in_heading else unit
            for match in _PAREN.finditer(text):
                abbreviation = match.group(1)
                key = fold(abbreviation)
                long_form = _long_form(text[: match.start()], abbreviation)
                if key not in found and long_form and fold(long_form) != key:
                    found[key] = Definition(abbreviation, long_form, chunk, section, text)
    return found
