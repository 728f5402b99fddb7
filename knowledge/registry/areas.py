"""The register of areas: municipalities and district areas, and finding the one a question mentions.

``load_areas()`` reads ``areas.yaml`` (path in settings) and validates it. ``Register.resolve(text)``
finds an area in free text: the longest exact match of a name or alias (folded: no case, no å/ä/ö,
hyphen = space) with word boundaries first, then a conservative fuzzy match (difflib) of one to
three words against the names, for typos such as "Farstaa".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

import yaml

from knowledge.registry.lexicon import swedish_words
from knowledge.registry.variants import genitive, key, surface_forms, tokens
from knowledge.settings import get_settings
from knowledge.text import fold, normalize

KINDS = ("kommun", "stadsdelsomrade")
REGIONS = ("stockholm", "skane")
KIND_LABELS = {"kommun": "kommun", "stadsdelsomrade": "stadsdelsområde"}
REGION_LABELS = {"stockholm": "Stockholms län", "skane": "Skåne"}

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"[^\W_]+")
_AREA_FIELDS = {"id", "name", "kind", "region", "parent", "aliases", "coordination"}
_COORDINATION_FIELDS = ("by", "note", "source", "section")
# Words that may precede a bare answer: "i Bromma", "på Söder".
FUZZY_CACHE_SIZE = 2048
_LEADING_FILLERS = {"i", "pa", "inom", "for", "fran", "det", "galler", "omrade", "omradet"}
MAX_FUZZY_WORDS = 3


class RegisterError(ValueError):
    """The register of areas is invalid (bad file, duplicate id or alias, unknown kind/region/parent)."""


@dataclass(frozen=True)
class Coordination:
    """What a source itself states about who coordinates in an area (not a designation)."""

    by: str
    note: str
    source: str
    section: str


@dataclass(frozen=True)
class Area:
    """A municipality (kommun) or a district area (stadsdelsområde) of the City of Stockholm."""

    id: str
    name: str
    kind: str
    region: str
    parent: str | None
    aliases: tuple[str, ...]
    coordination: Coordination | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def is_district(self) -> bool:
        return self.kind == "stadsdelsomrade"


@dataclass(frozen=True)
class Resolution:
    """An area found in a text: ``matched`` is the text as written; ``exact`` is False for a fuzzy match."""

    area: Area
    matched: str
    exact: bool
    score: float = 1.0


class Register:
    """All areas, validated, with lookup by id, by name or alias, and in free text."""

    def __init__(
        self,
        areas: Iterable[Area],
        not_areas: Iterable[str] = (),
        *,
        fuzzy_cutoff: float = 0.86,
        fuzzy_min_chars: int = 5,
        known_words: Callable[[], Container[str]] | None = None,
    ) -> None:
        """``known_words`` loads ordinary words that are never read as misspelt names ("bästa" is not
        "Båstad"); it is called only when a word comes close to a name."""
        self._areas = tuple(areas)
        self._known_words = known_words
        self._by_id: dict[str, Area] = {}
        self.fuzzy_cutoff = fuzzy_cutoff
        self.fuzzy_min_chars = fuzzy_min_chars
        for area in self._areas:
            if area.id in self._by_id:
                raise RegisterError(f"duplicate area id {area.id!r}")
            self._by_id[area.id] = area
        for area in self._areas:
            _check_area(area, self._by_id)
        self._forms: dict[str, tuple[str, ...]] = {}
        self._keys: dict[str, str] = {}
        self._fuzzy: dict[int, dict[tuple[str, ...], str]] = {}
        for area in self._areas:
            self._index(area)
        self._blocked = {key(form) for phrase in not_areas for form in (phrase, genitive(phrase))} - {""}
        if clash := sorted(self._blocked & self._keys.keys()):
            raise RegisterError(f"not_areas phrase {clash[0]!r} is also an alias of {self._keys[clash[0]]!r}")
        self._max_words = max((k.count(" ") + 1 for k in self._keys), default=1)
        self._vocabulary = sorted(
            {word for names in self._fuzzy.values() for words in names for word in words}
        )
        # Fuzzy matching compares every word with every name word: a turn asks the same text
        # several times (routing, the form, the region), so recent results are kept.
        self._fuzzy_cache: dict[tuple[str, bool], Resolution | None] = {}

    def _index(self, area: Area) -> None:
        names = (area.name, *area.aliases)
        forms = surface_forms(names, area.kind, affixed=(area.name,))
        self._forms[area.id] = tuple(sorted(forms, key=lambda f: (fold(f), f)))
        for k in sorted({key(f) for f in forms} | {key(area.id)}):
            other = self._keys.setdefault(k, area.id)
            if other != area.id:
                raise RegisterError(f"alias {k!r} belongs to both {other!r} and {area.id!r}")
        for form in surface_forms(names, area.kind):
            words = tuple(tokens(form))
            if len("".join(words)) >= self.fuzzy_min_chars and len(words) <= MAX_FUZZY_WORDS:
                self._fuzzy.setdefault(len(words), {})[words] = area.id

    # Lookup.

    def get(self, area_id: str) -> Area | None:
        return self._by_id.get(area_id)

    def all(self) -> tuple[Area, ...]:
        return self._areas

    def in_region(self, region: str) -> tuple[Area, ...]:
        return tuple(a for a in self._areas if a.region == region)

    def children(self, area_id: str) -> tuple[Area, ...]:
        return tuple(a for a in self._areas if a.parent == area_id)

    def surface_forms(self, area_id: str) -> tuple[str, ...]:
        """Every written form of the area's name and aliases, generated variants included (sorted)."""
        return self._forms[area_id]

    def alias_keys(self) -> Mapping[str, str]:
        """Every folded alias key and the id of its area."""
        return dict(self._keys)

    def lookup(self, name: str) -> Area | None:
        """The area whose id, name or alias (any generated variant) is exactly ``name``; no fuzzy matching."""
        area_id = self._keys.get(key(name))
        return self._by_id[area_id] if area_id else None

    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas)

    def __len__(self) -> int:
        return len(self._areas)

    def __contains__(self, area_id: object) -> bool:
        return area_id in self._by_id

    # Free text.

    def find_all(self, text: str) -> list[Resolution]:
        """Every area mentioned exactly in ``text``, in order; longer aliases win over the words inside
        them ("Hägersten-Liljeholmen" over "Hägersten"), and a district hides its parent ("Södermalm i
        Stockholm" is Södermalm)."""
        norm = normalize(text)
        words = list(_WORD.finditer(norm))
        folded = [fold(w.group()) for w in words]
        masked = self._masked(folded)
        found: list[tuple[int, int, str]] = []
        used = set(masked)
        for size in range(min(self._max_words, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if used.intersection(span):
                    continue
                area_id = self._keys.get(" ".join(folded[start : start + size]))
                if area_id:
                    found.append((start, start + size, area_id))
                    used.update(span)
        mentioned = {area_id for _, _, area_id in found}
        parents = {self._by_id[a].parent for a in mentioned}
        return [
            Resolution(self._by_id[area_id], norm[words[s].start() : words[e - 1].end()], exact=True)
            for s, e, area_id in sorted(found)
            if area_id not in parents
        ]

    def resolve(self, text: str) -> Resolution | None:
        """The area ``text`` is about: the first exact mention, else the best fuzzy match, else None."""
        found = self.find_all(text)
        if found:
            return found[0]
        return self._fuzzy_match(text, whole=False)

    def resolve_exact_name(self, text: str) -> Resolution | None:
        """The area named by a bare answer ("Bromma", "bromma.", "i Upplands Väsby"), exactly or fuzzily."""
        norm = normalize(text)
        words = list(_WORD.finditer(norm))
        while len(words) > 1 and fold(words[0].group()) in _LEADING_FILLERS:
            words = words[1:]
        if not words:
            return None
        name = norm[words[0].start() : words[-1].end()]
        area_id = self._keys.get(key(name))
        if area_id:
            return Resolution(self._by_id[area_id], name, exact=True)
        return self._fuzzy_match(name, whole=True)

    def _masked(self, folded: list[str]) -> set[int]:
        masked: set[int] = set()
        for phrase in self._blocked:
            size = phrase.count(" ") + 1
            for start in range(len(folded) - size + 1):
                if " ".join(folded[start : start + size]) == phrase:
                    masked.update(range(start, start + size))
        return masked

    def _fuzzy_match(self, text: str, *, whole: bool) -> Resolution | None:
        cache_key = (text, whole)
        if cache_key not in self._fuzzy_cache:
            if len(self._fuzzy_cache) >= FUZZY_CACHE_SIZE:
                self._fuzzy_cache.pop(next(iter(self._fuzzy_cache)))
            self._fuzzy_cache[cache_key] = self._fuzzy_match_uncached(text, whole=whole)
        return self._fuzzy_cache[cache_key]

    def _fuzzy_match_uncached(self, text: str, *, whole: bool) -> Resolution | None:
        norm = normalize(text)
        words = list(_WORD.finditer(norm))
        folded = [fold(w.group()) for w in words]
        masked = self._masked(folded)
        close = {word: self._close_words(word) for word in set(folded)}
        # Best by similarity, then by the longer name, then by the earlier position.
        best_rank: tuple[float, int, int] | None = None
        best: tuple[int, int, str] | None = None
        sizes = [len(words)] if whole else range(1, MAX_FUZZY_WORDS + 1)
        for size in sizes:
            candidates = self._fuzzy.get(size, {})
            for start in range(len(words) - size + 1):
                window = folded[start : start + size]
                if (
                    masked.intersection(range(start, start + size))
                    or len("".join(window)) < self.fuzzy_min_chars
                ):
                    continue
                # Every word of the window must be close to the word in the same place of a name.
                for combination in product(*(close[word].items() for word in window)):
                    area_id = candidates.get(tuple(word for word, _ in combination))
                    if area_id is None:
                        continue
                    score = sum(ratio for _, ratio in combination) / size
                    rank = (score, sum(len(word) for word, _ in combination), -start)
                    if best_rank is None or rank > best_rank:
                        best_rank, best = rank, (start, start + size, area_id)
        if best is None or best_rank is None:
            return None
        start, end, area_id = best
        return Resolution(
            self._by_id[area_id], norm[words[start].start() : words[end - 1].end()], False, best_rank[0]
        )

    def _close_words(self, word: str) -> dict[str, float]:
        """The words of area names at least ``fuzzy_cutoff`` similar to ``word`` (difflib ratio)."""
        close: dict[str, float] = {}
        matcher = SequenceMatcher(None, b=word)  # difflib caches what it learns about b
        for name_word in self._vocabulary:
            if name_word == word:
                close[name_word] = 1.0
                continue
            if _transposed(word, name_word):
                close[name_word] = self.fuzzy_cutoff  # "Sonla" for "Solna": two letters swapped
                continue
            shortest, longest = sorted((len(word), len(name_word)))
            if 2 * shortest / (shortest + longest) < self.fuzzy_cutoff:
                continue
            matcher.set_seq1(name_word)
            if matcher.quick_ratio() >= self.fuzzy_cutoff and (ratio := matcher.ratio()) >= self.fuzzy_cutoff:
                close[name_word] = ratio
        if (
            self._known_words is not None
            and any(r < 1.0 for r in close.values())
            and word in self._known_words()
        ):
            # An ordinary word, not a typo: it may only match a name exactly.
            return {w: r for w, r in close.items() if r == 1.0}
        return close


def _transposed(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with two neighbouring letters swapped (words of five letters or more)."""
    if len(a) != len(b) or len(a) < 5 or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _check_area(area: Area, by_id: Mapping[str, Area]) -> None:
    if not _ID.match(area.id):
        raise RegisterError(f"area id {area.id!r} is not a lower-case ascii slug")
    if not area.name.strip():
        raise RegisterError(f"area {area.id!r} has no name")
    if area.kind not in KINDS:
        raise RegisterError(f"area {area.id!r}: unknown kind {area.kind!r} (known: {', '.join(KINDS)})")
    if area.region not in REGIONS:
        raise RegisterError(f"area {area.id!r}: unknown region {area.region!r} (known: {', '.join(REGIONS)})")
    if area.is_district != (area.parent is not None):
        raise RegisterError(f"area {area.id!r}: a stadsdelsomrade has a parent kommun, a kommun has none")
    if area.parent is not None:
        parent = by_id.get(area.parent)
        if parent is None:
            raise RegisterError(f"area {area.id!r}: parent {area.parent!r} is not in the register")
        if parent.kind != "kommun" or parent.region != area.region:
            raise RegisterError(
                f"area {area.id!r}: parent {area.parent!r} must be a kommun in the same region"
            )
    for alias in area.aliases:
        if not key(alias):
            raise RegisterError(f"area {area.id!r}: empty alias {alias!r}")


# Loading.


def load_areas(path: Path | str | None = None) -> Register:
    """Read and validate the register (default: ``settings.areas_path``); raise ``RegisterError``."""
    settings = get_settings()
    path = Path(path) if path is not None else settings.areas_path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RegisterError(f"{path}: cannot read the register: {error}") from None
    except yaml.YAMLError as error:
        raise RegisterError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("areas"), list):
        raise RegisterError(f"{path}: expected a mapping with a list 'areas'")
    not_areas = data.get("not_areas") or []
    if not isinstance(not_areas, list) or not all(isinstance(p, str) for p in not_areas):
        raise RegisterError(f"{path}: 'not_areas' must be a list of strings")
    areas = [_area(entry, number, path) for number, entry in enumerate(data["areas"], start=1)]
    try:
        return Register(
            areas,
            not_areas,
            fuzzy_cutoff=settings.area_fuzzy_cutoff,
            fuzzy_min_chars=settings.area_fuzzy_min_chars,
            known_words=swedish_words,
        )
    except RegisterError as error:
        raise RegisterError(f"{path}: {error}") from None


@lru_cache(maxsize=1)
def get_register() -> Register:
    """The default register, loaded once per process on first use."""
    return load_areas()


def _area(entry: Any, number: int, path: Path) -> Area:
    where = f"{path}: area #{number}"
    if not isinstance(entry, dict):
        raise RegisterError(f"{where}: expected a mapping")
    where = f"{where} ({entry.get('id')!r})"
    if unknown := sorted(set(entry) - _AREA_FIELDS):
        raise RegisterError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for field in ("id", "name", "kind", "region"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise RegisterError(f"{where}: field {field!r} must be a non-empty string")
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise RegisterError(f"{where}: 'parent' must be an area id or null")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise RegisterError(f"{where}: 'aliases' must be a list of non-empty strings")
    return Area(
        id=entry["id"],
        name=normalize(entry["name"]),
        kind=entry["kind"],
        region=entry["region"],
        parent=parent,
        aliases=tuple(normalize(a) for a in aliases),
        coordination=_coordination(entry.get("coordination"), where),
    )


def _coordination(value: Any, where: str) -> Coordination | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != set(_COORDINATION_FIELDS):
        raise RegisterError(f"{where}: 'coordination' needs exactly {', '.join(_COORDINATION_FIELDS)}")
    if not all(isinstance(value[f], str) and value[f].strip() for f in _COORDINATION_FIELDS):
        raise RegisterError(f"{where}: 'coordination' fields must be non-empty strings")
    return Coordination(**{f: normalize(value[f]) for f in _COORDINATION_FIELDS})
