"""Tiny pure text helpers shared across the project."""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def normalize(text: str) -> str:
    """NFC-normalise ``text`` and collapse every run of whitespace to one space (stripped)."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower-case, normalised ``text`` with å/ä→a, ö→o, é→e, ü→u, for matching and indexing."""
    return normalize(text).lower().translate(_FOLD)
