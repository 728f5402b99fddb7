"""Swedish word forms, to keep ordinary words from being read as misspelt area names.

"bästa" is one letter from "Båstad" and "kallas" one from "Akalla": no similarity cutoff that still
accepts "Farstaa" rejects them, but they are Swedish words and "Farstaa" is not. The forms come from
spaCy's Swedish lookup table (the pip package spacy-lookups-data, already used by the index), folded,
loaded on first use only and kept as a sorted array of hashes (a few MB instead of a set of strings).
"""

from __future__ import annotations

import gzip
import json
import logging
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
# knowledge.text.fold without its whitespace normalisation, which single words do not need.
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def _fold_word(word: str) -> str:
    return word.lower().translate(_FOLD)


class WordList:
    """Membership of folded words, stored as sorted 64-bit hashes (valid within one process)."""

    def __init__(self, words: Iterable[str]) -> None:
        self._hashes = array("q", sorted({hash(_fold_word(w)) for w in words}))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        h = hash(_fold_word(word))
        i = bisect_left(self._hashes, h)
        return i < len(self._hashes) and self._hashes[i] == h

    def __len__(self) -> int:
        return len(self._hashes)


@lru_cache(maxsize=1)
def swedish_words() -> WordList:
    """Every word form and lemma of spaCy's Swedish lookup table (empty if it is not installed)."""
    try:
        import spacy_lookups_data
    except ImportError:
        log.warning("spacy-lookups-data is not installed: fuzzy area matching cannot exclude Swedish words")
        return WordList(())
    path = Path(spacy_lookups_data.__file__).parent / "data" / "sv_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    return WordList(word for pair in table.items() for word in pair)
