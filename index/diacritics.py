"""Putting back the å, ä and ö a question was typed without, before the embedding model reads it.

Staff often write without å/ä/ö ("hur ofta raknas ersattningen upp"). The sparse index folds
diacritics away (:mod:`index.analysis`), but the embedding model reads the text as typed, and to
multilingual-e5-small "raknas ersattningen" is not "räknas ersättningen": the cosine to the very
questions written for the answer falls, and with it the decision to answer. So every text embedded
as a query (the user's question, the written questions, curated phrasings) is first restored:

- a word typed without diacritics becomes the form with them that the agreements and the written
  questions use clearly more often (``MIN_LEAD`` times): "raknas" → "räknas", "for" → "för",
  "hok" → "HÖK" (an all-capitals form is kept as such); "var" stays "var", as "vår" is not used
  clearly more often;
- a word they never use becomes the one Swedish word form (spaCy's lookup table) with diacritics
  that folds to it, when the word typed is no Swedish word itself and only one form fits
  ("tjanar" → "tjänar").

Everything else is left as typed. The forms are learnt from the texts when the engine starts and
when the index is built, so both read questions the same way.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from knowledge.text import fold

MIN_LEAD = 4  # how many times more often the form with diacritics must be used than the one typed
_WORD = re.compile(r"[^\W\d_]+")
_DIACRITICS = re.compile(r"[åäöéü]")


def has_diacritics(text: str) -> bool:
    return _DIACRITICS.search(text.lower()) is not None


@dataclass(frozen=True)
class DiacriticRestorer:
    forms: Mapping[str, str] = field(default_factory=dict)  # folded word -> the form to write instead
    lexicon: Mapping[str, str] = field(default_factory=dict)  # folded word -> its only form with
    # diacritics in the lookup table (words the texts never use)
    words: Collection[str] = frozenset()  # every Swedish word form the lookup table knows, lower-case

    def restore(self, text: str) -> str:
        """``text`` with each word typed without diacritics written as the texts write it."""
        return _WORD.sub(lambda m: self._word(m.group(0)), text)

    def _word(self, typed: str) -> str:
        lower = typed.lower()
        if has_diacritics(lower):
            return typed
        form = self.forms.get(lower)
        if form is None and lower not in self.words:
            form = self.lexicon.get(lower)
        if form is None:
            return typed
        if form.isupper() or not typed[:1].isupper():
            return form
        return form[:1].upper() + form[1:]

    @classmethod
    def learn(cls, texts: Iterable[str], words: Collection[str] = ()) -> DiacriticRestorer:
        """From ``texts`` written with diacritics (the sources, the written questions that use
        them) and the lower-case Swedish word forms ``words`` (for words the texts never use)."""
        used: Counter[str] = Counter()  # exactly as written
        for text in texts:
            used.update(_WORD.findall(text))
        by_lower: dict[str, Counter[str]] = defaultdict(Counter)
        for form, n in used.items():
            by_lower[form.lower()][form] += n
        by_fold: dict[str, Counter[str]] = defaultdict(Counter)
        for lower, spellings in by_lower.items():
            by_fold[fold(lower)][lower] += sum(spellings.values())
        forms: dict[str, str] = {}
        for folded, candidates in by_fold.items():
            best, n = max(candidates.items(), key=lambda c: (c[1], c[0]))
            if best != folded and n >= MIN_LEAD * candidates.get(folded, 0):
                written = by_lower[best].most_common(1)[0][0]
                forms[folded] = written if written.isupper() and len(written) > 1 else best
        with_diacritics: dict[str, set[str]] = defaultdict(set)
        for word in words:
            if has_diacritics(word):
                with_diacritics[fold(word)].add(word)
        lexicon = {f: next(iter(w)) for f, w in with_diacritics.items() if len(w) == 1 and f not in by_fold}
        return cls(forms, lexicon, words)
