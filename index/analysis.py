"""Swedish text analysis for the sparse index: spaCy tokens, lookup lemmas, folded diacritics.

Lemmas come from spaCy's Swedish lookup table (spacy-lookups-data) and are folded (å/ä→a,
ö→o) so that matching ignores diacritics. A word typed without å/ä/ö is ambiguous
("moten" is a form of both "mot" and, misspelt, "möte"): the analyzer then gives every
reading, and the retriever keeps the one the corpus uses.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from knowledge.text import fold

# spaCy's Swedish stop words, minus words that carry meaning in these agreements
# ("tidigast", "senast", "beslut", "tillsammans", numbers of criteria ...).
_MEANINGFUL = frozenset(
    {
        "beslut", "beslutat", "beslutit", "tidig", "tidigast", "tidigare", "senast", "sent", "tillsammans",
        "gälla", "gäller", "gällt", "tre", "fyra", "fem", "sex", "sju", "två", "kr",
        "enligt", "mellan", "olika", "ofta", "nummer", "dag", "dagar", "del", "delen",
        "stor", "hög", "högre", "nödvändig",
    }
)  # fmt: skip
_EXTRA_STOP = frozenset({"ni", "pa", "ar", "nagon", "nagot", "nagra", "vilka", "finns", "fa", "kan"})
_SUFFIXES = (
    "ernas",
    "arnas",
    "ornas",
    "erna",
    "arna",
    "orna",
    "ens",
    "ets",
    "en",
    "et",
    "er",
    "ar",
    "or",
    "na",
    "s",
)
_WORD = re.compile(r"\w+", re.UNICODE)
_DIACRITICS = re.compile(r"[åäöéü]")


def _strip_suffix(word: str) -> str:
    """A light stemmer for forms the lookup table does not know."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 5:
            return word[: -len(suffix)]
    return word


def conflate(lemma: str) -> str:
    """Join a verb's lemma with its noun's ("ansvara"/"ansvar", "samordna"/"samordn..."): the
    lookup table lemmatises them apart, but a question and its answer use either."""
    return lemma[:-1] if len(lemma) >= 6 and lemma[-1] in "ae" else lemma


@dataclass(frozen=True)
class LemmaTable:
    exact: dict[str, str]  # lower-case word form -> folded lemma
    folded: dict[str, tuple[str, ...]]  # folded form of a word with å/ä/ö -> its folded lemmas


@dataclass(frozen=True)
class Term:
    text: str  # the surface form, folded
    lemma: str  # the most likely folded lemma
    alternatives: tuple[str, ...]  # other readings of a word typed without å/ä/ö
    stop: bool


class SwedishAnalyzer:
    """Turns text into folded lemmas. Loads spaCy and its tables lazily, once."""

    def __init__(self, lemma_table: Callable[[], LemmaTable] | None = None) -> None:
        self._table_loader = lemma_table or load_lemma_table

    @cached_property
    def _nlp(self):
        import spacy

        return spacy.blank("sv")

    @cached_property
    def _table(self) -> LemmaTable:
        return self._table_loader()

    @cached_property
    def stop_words(self) -> frozenset[str]:
        words = {fold(w) for w in self._nlp.Defaults.stop_words if w not in _MEANINGFUL}
        return frozenset(words | _EXTRA_STOP)

    def _readings(self, word: str) -> list[str]:
        """Folded lemma readings of a lower-case word, most likely first."""
        table = self._table
        readings: list[str] = []
        exact = table.exact.get(word)
        if exact:
            readings.append(exact)
        if not _DIACRITICS.search(word):
            readings.extend(table.folded.get(word, ()))
        if not readings:
            # An unknown compound ("samverkansmöten"): lemmatise its longest known tail.
            for i in range(3, len(word) - 3):
                tail = self._readings(word[i:]) if word[i:] in table.exact or word[i:] in table.folded else []
                if tail:
                    head = fold(word[:i])
                    readings.extend(head + t for t in tail)
                    break
        readings.append(_strip_suffix(fold(word)))
        return list(dict.fromkeys(readings))

    def terms(self, text: str) -> list[Term]:
        out: list[Term] = []
        for token in self._nlp.make_doc(text[:20000]):
            for piece in _WORD.findall(token.text.lower()):
                readings = self._readings(piece)
                folded = fold(piece)
                stop = folded in self.stop_words or readings[0] in self.stop_words
                out.append(Term(folded, readings[0], tuple(readings[1:]), stop))
        return out

    def lemmas(self, text: str) -> list[str]:
        """The most likely content lemmas of a text (stop words dropped), in order."""
        return [t.lemma for t in self.terms(text) if not t.stop]

    def readings(self, text: str) -> set[str]:
        """Every lemma reading of every content word: for matching a question against a sentence,
        where the table's quirks ("ansvara" read as a form of "ansvi") should not cost a match."""
        return {r for t in self.content_terms(text) for r in (t.lemma, *t.alternatives)}

    def content_terms(self, text: str) -> list[Term]:
        return [t for t in self.terms(text) if not t.stop]


@lru_cache(maxsize=1)
def load_lemma_table() -> LemmaTable:
    """spaCy's Swedish lookup lemma table, folded for matching without diacritics."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "sv_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    exact: dict[str, str] = {}
    folded: dict[str, list[str]] = {}
    for form, lemma in table.items():
        lower = form.lower()
        lemma_folded = fold(lemma)
        exact.setdefault(lower, lemma_folded)
        if _DIACRITICS.search(lower):
            readings = folded.setdefault(fold(lower), [])
            if lemma_folded not in readings:
                readings.append(lemma_folded)
    return LemmaTable(exact, {k: tuple(v) for k, v in folded.items()})
