"""Sentence units of a passage, for extractive answers.

A unit is a sentence, or a list item; a sentence that introduces a list (ends with ':')
forms one unit with its items, so an answer never quotes a lead-in without its list.
"""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = (
    "t.ex",
    "m.m",
    "bl.a",
    "exkl",
    "inkl",
    "etc",
    "ca",
    "nr",
    "s.k",
    "d.v.s",
    "dvs",
    "o.s.v",
    "kl",
)
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"“(])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a line of prose; abbreviation-aware."""
    pieces = _BOUNDARY.split(text.strip())
    out: list[str] = []
    for piece in pieces:
        if out and out[-1].lower().endswith(tuple(a + "." for a in _ABBREVIATIONS)):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def split_units(text: str) -> list[str]:
    """Sentence and list units of a passage, in order."""
    units: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("- "):
            if units and (units[-1].endswith(":") or units[-1].startswith("- ") or "\n- " in units[-1]):
                units[-1] = units[-1] + "\n" + line
            else:
                units.append(line)
            continue
        units.extend(split_sentences(line))
    return units
