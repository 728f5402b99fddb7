"""Query understanding: what a question's words mean in the agreements' vocabulary.

One place for everything that turns a typed question into the terms retrieval and the reader
match on:
- lemmas from the Swedish analyzer (with the reviewed lemma overrides it applies),
- domain synonyms and abbreviations (``index/data/synonyms.yaml``): "ggr" matches "gånger",
  "vc" matches "vårdcentral", "HÖK" matches "huvudöverenskommelse",
- misspellings of words the agreements use ("samverkn" → "samverkan"), corrected only when
  the typed word is no Swedish word at all,
- compounds written together that the agreements write apart, and the other way round,
- the kind of answer the question asks for (:mod:`index.answer_types`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from index.analysis import STEM_MARK, SwedishAnalyzer, conflate, stem_of, strip_suffix
from index.answer_types import AnswerType, question_type
from knowledge.text import fold

SYNONYMS_PATH = Path(__file__).parent / "data" / "synonyms.yaml"
_TOKEN = re.compile(r"[\w.-]+")
# A synonym found through a phrase of the question counts this much of a typed word in BM25.
EXPANSION_WEIGHT = 0.5
MIN_TYPO_LENGTH = 5
MIN_COMPOUND_PART = 3
MAX_STEM_EXTENSION = 3


# A synonym of several words ("samordnande vårdcentral" for "GSA"): every word must match,
# each through any of its readings.
Phrase = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class QueryTerm:
    """A content word of the question and every lemma that counts as a match for it."""

    text: str  # the folded word as typed
    lemma: str  # the reading used for it (the corpus's, when the corpus has one)
    variants: frozenset[str]  # readings, one-word synonyms, corrected spelling, compound parts
    known: bool  # whether the agreements use any variant
    weight: float = 1.0  # 1 for a typed word, less for an expansion of a phrase
    phrases: tuple[Phrase, ...] = ()  # synonyms of several words

    def matches(self, readings: frozenset[str] | set[str]) -> bool:
        """Whether a text with these lemma readings contains this term (or a synonym of it)."""
        if self.variants & readings:
            return True
        return any(all(word & readings for word in phrase) for phrase in self.phrases)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[QueryTerm, ...]
    answer_type: AnswerType
    dense_text: str  # the text the embedding model sees (abbreviations spelt out)

    @property
    def lemmas(self) -> tuple[str, ...]:
        return tuple(t.lemma for t in self.terms if t.weight >= 1.0)

    @property
    def unknown(self) -> tuple[str, ...]:
        """Typed words the agreements never use, in any reading or synonym."""
        return tuple(t.text for t in self.terms if not t.known and t.weight >= 1.0)


@dataclass(frozen=True)
class SynonymGroup:
    words: tuple[str, ...]  # folded words and phrases
    expand: str | None = None


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[SynonymGroup, ...]
    by_word: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # folded word -> groups

    @classmethod
    def load(cls, path: Path = SYNONYMS_PATH) -> Synonyms:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        groups = tuple(
            SynonymGroup(tuple(dict.fromkeys(fold(str(w)) for w in g["words"])), g.get("expand"))
            for g in raw.get("groups", [])
        )
        by_word: dict[str, list[int]] = {}
        for i, group in enumerate(groups):
            for word in group.words:
                by_word.setdefault(word, []).append(i)
        return cls(groups, {w: tuple(ids) for w, ids in by_word.items()})

    def phrases(self) -> list[tuple[str, tuple[int, ...]]]:
        """Multi-word members, longest first, for matching in the question's text."""
        multi = [(w, ids) for w, ids in self.by_word.items() if " " in w or "-" in w]
        return sorted(multi, key=lambda wi: -len(wi[0]))


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    return Synonyms.load()


class Vocabulary:
    """The agreements' words: folded surface forms with their lemmas, and the lemma set."""

    def __init__(self, texts: Iterable[str], analyzer: SwedishAnalyzer, lemmas: Iterable[str]) -> None:
        self.analyzer = analyzer
        forms: dict[str, str] = {}
        stems: dict[str, set[str]] = {}
        for text in texts:
            for term in analyzer.content_terms(text):
                forms.setdefault(term.text, term.lemma)
                stems.setdefault(term.stem, set()).add(term.lemma)
        self.forms = forms
        self.stems = {k: frozenset(v) for k, v in stems.items()}  # marked stem -> corpus lemmas
        self.lemmas = frozenset(lemmas) | frozenset(self.stems)  # readings the corpus uses

    @cached_property
    def _by_first_letter(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for word in set(self.forms) | set(self.lemmas):
            if len(word) >= MIN_TYPO_LENGTH - 1 and word.isalpha():
                index.setdefault(word[0], []).append(word)
        return index

    def lemma_of(self, word: str) -> str:
        """The lemma of a corpus word form (a lemma is its own)."""
        return self.forms.get(word, word)

    def correct(self, word: str) -> str | None:
        """The corpus word a misspelt ``word`` (or its stem without an ending) most likely means."""
        if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
            return None
        for candidate in dict.fromkeys((word, strip_suffix(word))):
            limit = 1 if len(candidate) < 8 else 2
            best: tuple[int, int, str] | None = None
            for known in self._by_first_letter.get(candidate[0], ()):
                if abs(len(known) - len(candidate)) > limit:
                    continue
                distance = _edit_distance(candidate, known, limit)
                if distance <= limit and (best is None or (distance, -len(known)) < best[:2]):
                    best = (distance, -len(known), known)
            if best:
                return best[2]
        return None

    def longer_stem(self, stem: str) -> frozenset[str]:
        """The lemmas of corpus words whose stem extends ``stem`` by a suffix the stemmer left
        ("rapporten" ~ "rapporteras": "~rapport" and "~rapporter")."""
        if len(stem) < MIN_TYPO_LENGTH + 1:
            return frozenset()
        found = [
            lemmas
            for known, lemmas in self.stems.items()
            if known.startswith(stem) and len(known) - len(stem) <= MAX_STEM_EXTENSION
        ]
        return frozenset().union(*found) if found else frozenset()

    def _part(self, part: str) -> frozenset[str]:
        """The lemmas of a corpus word that ``part`` is (or is a form of)."""
        if part in self.forms:
            return frozenset({self.forms[part]})
        return self.stems.get(stem_of(part), frozenset()) if len(part) >= MIN_TYPO_LENGTH else frozenset()

    def split(self, word: str) -> frozenset[str]:
        """A compound the agreements write as two words ("uppföljningsdialog", "pandemiuppdrag"):
        the lemmas of its two parts (empty when it is no such compound)."""
        for i in range(len(word) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            head, tail = word[:i], word[i:]
            tail_lemmas = self._part(tail)
            if not tail_lemmas:
                continue
            for h in (head, head[:-1] if head.endswith("s") else None):
                head_lemmas = self._part(h) if h and len(h) >= MIN_COMPOUND_PART else frozenset()
                if head_lemmas:
                    return head_lemmas | tail_lemmas
        return frozenset()


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), stopping above ``limit``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class QueryAnalyzer:
    """Turns a question into a :class:`Query` against the corpus vocabulary."""

    def __init__(self, vocabulary: Vocabulary, synonyms: Synonyms | None = None) -> None:
        self.vocabulary = vocabulary
        self.analyzer = vocabulary.analyzer
        self.synonyms = synonyms or default_synonyms()

    @cached_property
    def _group_lemmas(self) -> tuple[tuple[frozenset[str], tuple[Phrase, ...]], ...]:
        """Per synonym group: the readings of its one-word members, and its phrases."""
        out = []
        for group in self.synonyms.groups:
            single: set[str] = set()
            phrases: list[Phrase] = []
            for member in group.words:
                words = [frozenset(t.readings) for t in self.analyzer.content_terms(member)]
                if len(words) == 1:
                    single |= words[0]
                elif words:
                    phrases.append(tuple(words))
            out.append((frozenset(single), tuple(phrases)))
        return tuple(out)

    def _groups_of(self, folded_word: str, readings: Sequence[str]) -> set[int]:
        groups = set(self.synonyms.by_word.get(folded_word, ()))
        for reading in readings:
            groups.update(self.synonyms.by_word.get(reading, ()))
        return groups

    def analyse(self, text: str) -> Query:
        vocabulary = self.vocabulary
        known = vocabulary.lemmas
        folded_text = fold(text)
        terms: list[QueryTerm] = []
        content = self.analyzer.content_terms(text)
        for position, term in enumerate(content):
            if len(term.text) < 2:
                continue  # "s" of "KSA:s", a stray letter
            readings = term.readings
            variants = set(readings) | {conflate(r) for r in readings if not r.startswith(STEM_MARK)}
            phrases: list[Phrase] = []
            for group in self._groups_of(term.text, readings):
                single, group_phrases = self._group_lemmas[group]
                variants |= single
                phrases.extend(group_phrases)
            in_corpus = any(r in known for r in readings)
            if not any(r in known for r in readings if not r.startswith(STEM_MARK)):
                variants |= vocabulary.stems.get(term.stem, frozenset())  # the corpus lemmas of its stem
            if (
                not in_corpus
                and not any(v in known for v in variants)
                and not self.analyzer.is_word(term.text)
            ):
                corrected = vocabulary.correct(term.text)
                if corrected is not None:
                    variants.add(vocabulary.lemma_of(corrected))
            if not in_corpus and not any(v in known for v in variants):
                variants |= vocabulary.split(term.text) or vocabulary.longer_stem(term.stem)
            if position + 1 < len(content):
                joined = term.text + content[position + 1].text
                if joined in vocabulary.forms:
                    variants.add(vocabulary.lemma_of(joined))
            lemma = next((r for r in readings if r in known and not r.startswith(STEM_MARK)), None)
            if lemma is None:
                lemma = next(
                    (v for v in sorted(variants) if v in known and not v.startswith(STEM_MARK)), term.lemma
                )
            is_known = any(v in known for v in variants) or any(
                all(word & known for word in phrase) for phrase in phrases
            )
            terms.append(QueryTerm(term.text, lemma, frozenset(variants), is_known, 1.0, tuple(phrases)))
        for phrase, groups in self.synonyms.phrases():
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded_text):
                words = set(phrase.split())
                for group in groups:
                    lemmas = self._group_lemmas[group][0] & known
                    # A typed word of the phrase ("tycka" of "tycka till") means what the phrase means.
                    terms = [
                        replace(t, variants=t.variants | lemmas, known=True)
                        if t.text in words and lemmas and t.weight >= 1.0 and not t.known
                        else t
                        for t in terms
                    ]
                    for lemma in sorted(lemmas):
                        terms.append(QueryTerm(phrase, lemma, frozenset({lemma}), True, EXPANSION_WEIGHT))
        return Query(text, tuple(terms), question_type(text), self._dense_text(text, folded_text))

    def _dense_text(self, text: str, folded_text: str) -> str:
        tokens = set(_TOKEN.findall(folded_text))
        expansions = [
            g.expand
            for g in self.synonyms.groups
            if g.expand
            and any(w in tokens for w in g.words if " " not in w)
            and fold(g.expand) not in folded_text
        ]
        return f"{text} ({'; '.join(dict.fromkeys(expansions))})" if expansions else text
