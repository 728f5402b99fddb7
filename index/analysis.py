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
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from index.diacritics import has_diacritics
from knowledge.text import fold

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
OVERRIDES_PATH = Path(__file__).parent / "data" / "lemma_overrides.tsv"
QUESTION_WORDS_PATH = Path(__file__).parent / "data" / "question_words.txt"
STOP_WORDS_PATH = Path(__file__).parent / "data" / "stop_words.txt"


STEM_MARK = "~"  # stems live beside lemmas in one set of readings, never mistaken for them


@lru_cache(maxsize=65536)
def stem_of(folded: str) -> str:
    """The Snowball (Swedish) stem of a folded word, marked: "jamstalldheten" → "~jamstalld"."""
    return STEM_MARK + _stemmer().stemWord(folded)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("swedish")


def strip_suffix(word: str) -> str:
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
    stem: str = ""  # the Snowball stem, marked with STEM_MARK (see ``stem_of``)

    @property
    def readings(self) -> tuple[str, ...]:
        """Every reading that counts as this word: lemmas and the stem."""
        return (self.lemma, *self.alternatives, self.stem) if self.stem else (self.lemma, *self.alternatives)


class SwedishAnalyzer:
    """Turns text into folded lemmas. Loads spaCy and its tables lazily, once."""

    def __init__(
        self,
        lemma_table: Callable[[], LemmaTable] | None = None,
        overrides: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self._table_loader = lemma_table or load_lemma_table
        self._overrides_loader = overrides or load_overrides

    @cached_property
    def overrides(self) -> dict[str, str]:
        """Reviewed corrections of the lookup table: folded form -> folded lemma."""
        return self._overrides_loader()

    @cached_property
    def _nlp(self):
        import spacy

        return spacy.blank("sv")

    @cached_property
    def _table(self) -> LemmaTable:
        return self._table_loader()

    @cached_property
    def stop_words(self) -> frozenset[str]:
        return load_word_list(STOP_WORDS_PATH) | load_word_list(QUESTION_WORDS_PATH)

    def _readings(self, word: str) -> list[str]:
        """Folded lemma readings of a lower-case word, most likely first."""
        table = self._table
        readings: list[str] = []
        override = self.overrides.get(fold(word))
        if override:
            readings.append(override)
        exact = table.exact.get(word)
        if exact:
            readings.append(exact)
        if not has_diacritics(word):
            readings.extend(table.folded.get(word, ()))
        if not readings:
            # An unknown compound ("samverkansmöten"): lemmatise its longest known tail.
            for i in range(3, len(word) - 3):
                tail = self._readings(word[i:]) if word[i:] in table.exact or word[i:] in table.folded else []
                if tail:
                    head = fold(word[:i])
                    readings.extend(head + t for t in tail)
                    break
        readings.append(strip_suffix(fold(word)))
        return list(dict.fromkeys(readings))

    def terms(self, text: str) -> list[Term]:
        out: list[Term] = []
        for token in self._nlp.make_doc(text[:20000]):
            for piece in _WORD.findall(token.text.lower()):
                readings = self._readings(piece)
                folded = fold(piece)
                stop = folded in self.stop_words or readings[0] in self.stop_words
                out.append(Term(folded, readings[0], tuple(readings[1:]), stop, stem_of(folded)))
        return out

    def lemmas(self, text: str) -> list[str]:
        """The most likely content lemmas of a text (stop words dropped), in order."""
        return [t.lemma for t in self.terms(text) if not t.stop]

    def readings(self, text: str) -> set[str]:
        """Every lemma reading and stem of every content word: for matching a question against a
        sentence, where the table's quirks ("kontakta" read as "kontaka", "jämställdhet" and
        "jämställdheten" read apart) should not cost a match."""
        return {r for t in self.content_terms(text) for r in t.readings}

    def content_terms(self, text: str) -> list[Term]:
        return [t for t in self.terms(text) if not t.stop]

    @property
    def word_forms(self) -> Collection[str]:
        """Every lower-case word form the lookup table knows, as written (with å/ä/ö)."""
        return self._table.exact.keys()

    def is_word(self, folded: str) -> bool:
        """Whether a folded word is a Swedish word form the lookup table knows."""
        table = self._table
        return folded in table.exact or folded in table.folded or folded in self.overrides


@lru_cache(maxsize=4)
def load_word_list(path: Path) -> frozenset[str]:
    """A list of words (``index/data/*.txt``: words separated by white space, "#" comments), folded."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words.update(fold(w) for w in line.split("#", 1)[0].split())
    return frozenset(words)


@lru_cache(maxsize=1)
def load_overrides(path: Path = OVERRIDES_PATH) -> dict[str, str]:
    """The reviewed lemma overrides (``index/data/lemma_overrides.tsv``), folded."""
    overrides: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, lemma, *_reason = line.split("\t")
        overrides[fold(form.strip())] = fold(lemma.strip())
    return overrides


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
        if has_diacritics(lower):
            readings = folded.setdefault(fold(lower), [])
            if lemma_folded not in readings:
                readings.append(lemma_folded)
    return LemmaTable(exact, {k: tuple(v) for k, v in folded.items()})
