"""Mobile care team (mobilt vårdteam, Skåne): which of the six enrolment criteria a described person meets.

The Skåne routine (``skane-samverkan-rutin``, section "Vilka är patienterna?") requires four of six
criteria. This module only counts criteria in a Swedish free-text description; it gives no medical
advice, and a criterion the text does not settle stays *unknown* so that the bot can ask for it.

    >>> a = assess("80 år, hemsjukvård, fyra kroniska diagnoser")
    >>> a.met_count, len(a.unknown), a.eligible
    (3, 3, None)
    >>> a = a.merge(assess_answers({"hospital_admissions": True}))
    >>> a.eligible
    True

Matching works on folded text (lower case, å/ä→a, ö→o), so text written without å/ä/ö works too;
the evidence returned is the phrase of the original text.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

REQUIRED = 4  # four of six criteria


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Criterion:
    """One criterion: its id, its label as the source words it, and a question whose "ja" means met."""

    id: str
    label: str
    question: str
    threshold: int | None = None  # for criteria that compare a number (count or age)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "chronic_diagnoses",
        "tre eller fler kroniska diagnoser",
        "Har personen tre eller fler kroniska diagnoser?",
        3,
    ),
    Criterion(
        "hospital_admissions",
        "inlagd på sjukhus tre gånger eller mer de senaste tolv månaderna",
        "Har personen varit inlagd på sjukhus tre gånger eller mer de senaste tolv månaderna?",
        3,
    ),
    Criterion(
        "medications",
        "sex stående mediciner eller fler (exkl. ögondroppar, salvor etc.)",
        "Har personen sex stående mediciner eller fler, utan att räkna ögondroppar, salvor och liknande?",
        6,
    ),
    Criterion(
        "personal_care",
        "klarar inte den personliga omvårdnaden",
        "Behöver personen hjälp med den personliga omvårdnaden?",
    ),
    Criterion("age", "75 år eller äldre", "Är personen 75 år eller äldre?", 75),
    Criterion("home_care", "har hemsjukvård", "Har personen hemsjukvård?"),
)
CRITERIA_BY_ID: Mapping[str, Criterion] = {criterion.id: criterion for criterion in CRITERIA}


@dataclass(frozen=True)
class Finding:
    """The status of one criterion and the phrase of the text it rests on (if any)."""

    criterion: Criterion
    status: Status = Status.UNKNOWN
    evidence: str | None = None

    @property
    def known(self) -> bool:
        return self.status is not Status.UNKNOWN


@dataclass(frozen=True)
class Assessment:
    """One finding per criterion, in the order of ``CRITERIA``."""

    findings: tuple[Finding, ...]

    def __post_init__(self) -> None:
        if tuple(f.criterion.id for f in self.findings) != tuple(c.id for c in CRITERIA):
            raise ValueError("an assessment needs exactly one finding per criterion, in CRITERIA order")

    @classmethod
    def empty(cls) -> Assessment:
        return cls(tuple(Finding(criterion) for criterion in CRITERIA))

    def finding(self, criterion_id: str) -> Finding:
        return self.findings[_index(criterion_id)]

    def _with(self, status: Status) -> tuple[Criterion, ...]:
        return tuple(f.criterion for f in self.findings if f.status is status)

    @property
    def met(self) -> tuple[Criterion, ...]:
        return self._with(Status.MET)

    @property
    def not_met(self) -> tuple[Criterion, ...]:
        return self._with(Status.NOT_MET)

    @property
    def unknown(self) -> tuple[Criterion, ...]:
        return self._with(Status.UNKNOWN)

    @property
    def met_count(self) -> int:
        return len(self.met)

    @property
    def eligible(self) -> bool | None:
        """True with four or more met; False when four can no longer be reached; else None."""
        if self.met_count >= REQUIRED:
            return True
        if self.met_count + len(self.unknown) < REQUIRED:
            return False
        return None

    def with_finding(self, finding: Finding) -> Assessment:
        index = _index(finding.criterion.id)
        return Assessment((*self.findings[:index], finding, *self.findings[index + 1 :]))

    def merge(self, other: Assessment) -> Assessment:
        """This assessment updated with ``other`` (e.g. a follow-up answer): what ``other`` settles wins."""
        return Assessment(
            tuple(
                new if new.known or (not old.known and new.evidence) else old
                for old, new in zip(self.findings, other.findings, strict=True)
            )
        )

    def to_dict(self) -> dict[str, dict[str, str | None]]:
        """A JSON-friendly form (e.g. for a Rasa slot): ``{criterion id: {"status", "evidence"}}``."""
        return {f.criterion.id: {"status": f.status.value, "evidence": f.evidence} for f in self.findings}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Assessment:
        """The inverse of ``to_dict``; missing or invalid entries are unknown."""
        findings = []
        for criterion in CRITERIA:
            entry = (data or {}).get(criterion.id) or {}
            status = entry.get("status") if isinstance(entry, Mapping) else None
            evidence = entry.get("evidence") if isinstance(entry, Mapping) else None
            findings.append(
                Finding(
                    criterion,
                    Status(status) if status in set(Status) else Status.UNKNOWN,
                    evidence if isinstance(evidence, str) else None,
                )
            )
        return cls(tuple(findings))


def _index(criterion_id: str) -> int:
    for index, criterion in enumerate(CRITERIA):
        if criterion.id == criterion_id:
            return index
    raise KeyError(f"no criterion {criterion_id!r}")


# --- Public entry points -------------------------------------------------------------------------


def assess(text: str) -> Assessment:
    """Which criteria the Swedish description ``text`` meets, does not meet, or leaves unknown."""
    doc = _Text.of(text)
    return Assessment(tuple(_DETECTORS[criterion.id](doc, criterion) for criterion in CRITERIA))


def assess_answers(answers: Mapping[str, bool | None]) -> Assessment:
    """An assessment from yes/no answers per criterion id (True = met); others stay unknown."""
    unknown_ids = set(answers) - set(CRITERIA_BY_ID)
    if unknown_ids:
        raise KeyError(f"no criterion {sorted(unknown_ids)[0]!r}")
    return Assessment(tuple(Finding(c, _status_of(answers.get(c.id))) for c in CRITERIA))


def parse_answer(criterion_id: str, text: str) -> Finding:
    """Read a reply to ``criterion.question``: a description ("hon är 82"), a number, or ja/nej."""
    criterion = CRITERIA_BY_ID[criterion_id]
    whole = assess(text)
    described = whole.finding(criterion_id)
    if described.known:
        return described
    evidence = _normalize(text)[:120] or None
    # A number counts for this criterion only when it is not about another one ("åtta mediciner").
    about_other = any(f.known for f in whole.findings if f.criterion.id != criterion_id)
    by_number = Status.UNKNOWN if about_other else _number_answer(criterion, _Text.of(text))
    by_word = _status_of(parse_yes_no(text))
    statuses = {s for s in (by_number, by_word) if s is not Status.UNKNOWN}
    status = statuses.pop() if len(statuses) == 1 else Status.UNKNOWN
    return Finding(criterion, status, evidence if status is not Status.UNKNOWN else described.evidence)


def parse_yes_no(text: str) -> bool | None:
    """ "ja"/"jo"/"stämmer" → True, "nej"/"inte"/"ingen" → False, unsure or mixed → None."""
    folded = _Text.of(text).folded
    if _UNSURE_REPLY.search(folded):
        return None
    words = _WORD.findall(folded)
    if not words:
        return None
    if _REPLY_YES & set(words) and _REPLY_NO & set(words):
        return None  # "ja och nej"
    if words[0] in _YES_WORDS or words[0] in _NO_WORDS:
        return words[0] in _YES_WORDS
    has_yes = any(w in _YES_WORDS for w in words)
    has_no = any(w in _NO_WORDS for w in words)
    if has_yes and has_no:
        negated_yes = any(a in _YES_WORDS and b in _NO_WORDS for a, b in itertools.pairwise(words))
        return False if negated_yes else None
    return True if has_yes else (False if has_no else None)


def is_unsure(text: str) -> bool:
    """Whether a reply says the writer does not know ("vet inte", "oklart", "kanske")."""
    return bool(_UNSURE_REPLY.search(_Text.of(text).folded))


def _status_of(answer: bool | None) -> Status:
    return Status.UNKNOWN if answer is None else (Status.MET if answer else Status.NOT_MET)


_YES_WORDS = frozenset(
    {"ja", "japp", "jepp", "jo", "joo", "javisst", "jada",
     "absolut", "visst", "precis", "stammer", "korrekt", "yes"}
)  # fmt: skip
_NO_WORDS = frozenset(
    {"nej", "nae", "na", "naa", "nope", "no", "nix", "inte", "ej", "icke", "aldrig", "ingen", "inga", "inget"}
)
_REPLY_YES = frozenset({"ja", "japp", "jepp", "jo", "joo", "javisst", "jada", "yes"})
_REPLY_NO = frozenset({"nej", "nae", "na", "naa", "nope", "no", "nix"})
_UNSURE_REPLY = re.compile(r"\b(?:vet (?:inte|ej)|oklart|osaker|kanske|ingen aning|okant|eventuellt)\b")
_WORD = re.compile(r"[\w+-]+")


# --- Text: folded for matching, original for evidence --------------------------------------------

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "–": "-", "—": "-", "\u00a0": " "})


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class _Text:
    original: str  # NFC
    folded: str  # same length as ``original``: lower case, å/ä→a, ö→o

    @classmethod
    def of(cls, text: str) -> _Text:
        original = unicodedata.normalize("NFC", text)
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in original)
        return cls(original, lowered.translate(_FOLD))

    def evidence(self, start: int, end: int) -> str:
        return _normalize(self.original[start:end]).strip(" ,;:.")

    def clause(self, start: int, end: int, boundaries: re.Pattern[str]) -> tuple[int, int]:
        """The span of the clause around ``start..end``, delimited by ``boundaries``."""
        left = max((m.end() for m in boundaries.finditer(self.folded, 0, start)), default=0)
        right = next((m.start() for m in boundaries.finditer(self.folded, end)), len(self.folded))
        return left, right


_SENTENCE = re.compile(r"[.;!?\n]+(?:\s|$)|[;!?\n]")
_CLAUSE = re.compile(r"[.;!?\n]+(?:\s|$)|[,;!?\n]|\b(?:men|medan)\b")
_CLAUSE_AND = re.compile(r"[.;!?\n]+(?:\s|$)|[,;!?\n]|\b(?:och|men|medan|samt|plus)\b")


# --- Numbers and quantities ------------------------------------------------------------------------

_UNITS = {"en": 1, "ett": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "atta": 8, "nio": 9}
_TEENS = {
    "noll": 0, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15,
    "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19, "hundra": 100, "etthundra": 100,
}  # fmt: skip
_TENS = {
    "tjugo": 20, "tjugu": 20, "trettio": 30, "tretti": 30, "fyrtio": 40, "forti": 40, "fyrti": 40,
    "femtio": 50, "femti": 50, "sextio": 60, "sexti": 60, "sjuttio": 70, "sjutti": 70,
    "attio": 80, "atti": 80, "nittio": 90, "nitti": 90,
}  # fmt: skip
_ZERO = {"inga": 0, "ingen": 0, "inget": 0}


def _number_words() -> dict[str, int]:
    words = {**_UNITS, **_TEENS, **_TENS, **_ZERO}
    for tens, value in _TENS.items():
        for unit, extra in _UNITS.items():
            words[tens + unit] = value + extra
    return words


_NUMBER_WORDS = _number_words()
_VAGUE: dict[str, tuple[float, float]] = {
    "flera": (2, math.inf), "manga": (2, math.inf), "nagra": (2, math.inf), "ett flertal": (2, math.inf),
    "ett par": (2, 3),
}  # fmt: skip


def _alternatives(words: Mapping[str, object]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Digits or number words; compounds ("sjuttiofem") as tens + unit, which keeps the pattern small.
_NUMBER = (
    rf"\d{{1,3}}|{_alternatives(_VAGUE)}|(?:{_alternatives(_TENS)})(?:{_alternatives(_UNITS)})?"
    rf"|{_alternatives(_TEENS)}|{_alternatives(_UNITS)}|{_alternatives(_ZERO)}"
)
_PREFIXES = {
    "minst": "ge", "atminstone": "ge", "over": "gt", "mer an": "gt", "fler an": "gt", "drygt": "gt",
    "hogst": "le", "max": "le", "maximalt": "le", "under": "lt", "mindre an": "lt", "farre an": "lt",
    "nastan": "lt", "knappt": "lt", "ca": "about", "ca.": "about", "cirka": "about", "runt": "about",
    "ungefar": "about", "omkring": "about", "kring": "about",
}  # fmt: skip
_PREFIX = "|".join(re.escape(p) for p in sorted(_PREFIXES, key=len, reverse=True))
_OPEN_SUFFIX = r"\s*\+|\s+eller\s+(?:fler|mer|mera|aldre|over)\b"
_CLOSED_SUFFIX = r"\s+eller\s+(?:farre|mindre|yngre|under)\b"
# A quantity: optional qualifier, a number (digits or words), optional "+" / "eller fler".
_QTY = rf"(?<![\w.,])(?:(?:{_PREFIX})\s+)?(?:{_NUMBER})(?:{_OPEN_SUFFIX}|{_CLOSED_SUFFIX})?"
_SUFFIX = rf"(?:{_OPEN_SUFFIX}|{_CLOSED_SUFFIX})?"
_QTY_PARTS = re.compile(
    rf"(?:(?P<pre>{_PREFIX})\s+)?(?P<num>{_NUMBER})(?P<open>{_OPEN_SUFFIX})?(?P<closed>{_CLOSED_SUFFIX})?"
)


@dataclass(frozen=True)
class _Range:
    low: float
    high: float

    def compare(self, threshold: int) -> Status:
        if self.low >= threshold:
            return Status.MET
        if self.high < threshold:
            return Status.NOT_MET
        return Status.UNKNOWN

    def negated(self) -> _Range:
        """ "inte tre" / "inte några": fewer than the stated (lowest) number."""
        return _Range(0, max(0, self.low - 1))


def _quantity(text: str, suffix: str = "") -> _Range | None:
    """The range a quantity phrase ("minst 3", "fyra", "75+", "ca 80", "flera") stands for."""
    m = _QTY_PARTS.fullmatch(_normalize(text))
    if not m:
        return None
    num = m.group("num")
    if num in _VAGUE:
        low, high = _VAGUE[num]
        return _Range(low, high)
    n = int(num) if num.isdigit() else _NUMBER_WORDS[num]
    rng = _qualified(n, _PREFIXES.get(m.group("pre") or ""))
    if m.group("open") or re.fullmatch(_OPEN_SUFFIX, suffix):
        rng = _Range(rng.low, math.inf)
    elif m.group("closed") or re.fullmatch(_CLOSED_SUFFIX, suffix):
        rng = _Range(0, rng.high)
    return rng


def _qualified(n: int, relation: str | None) -> _Range:
    if relation == "ge":
        return _Range(n, math.inf)
    if relation == "gt":
        return _Range(n + 1, math.inf)
    if relation == "le":
        return _Range(0, n)
    if relation == "lt":
        return _Range(0, max(0, n - 1))
    if relation == "about":
        margin = max(1, round(n * 0.05))
        return _Range(max(0, n - margin), n + margin)
    return _Range(n, n)


_NEGATION_BEFORE = re.compile(r"\b(?:inte|ej|icke)\s+(?:\w+\s+)?$")


def _negation_before(doc: _Text, start: int) -> int | None:
    """Where a negation starts in the (at most two) words before ``start``: "har inte tre ..."."""
    window = max(0, start - 25)
    m = _NEGATION_BEFORE.search(doc.folded[window:start])
    return window + m.start() if m else None


# --- Candidates and how they combine --------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    status: Status
    start: int
    end: int


def _combine(doc: _Text, criterion: Criterion, candidates: list[_Candidate]) -> Finding:
    """Agreeing candidates settle the criterion; conflicting ones leave it unknown."""
    known = [c for c in candidates if c.status is not Status.UNKNOWN]
    if known and len({c.status for c in known}) == 1:
        return Finding(criterion, known[0].status, doc.evidence(known[0].start, known[0].end))
    if known:
        return Finding(criterion, Status.UNKNOWN, "; ".join(doc.evidence(c.start, c.end) for c in known))
    if candidates:
        return Finding(criterion, Status.UNKNOWN, doc.evidence(candidates[0].start, candidates[0].end))
    return Finding(criterion, Status.UNKNOWN)


def _distinct(matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """Matches in text order, dropping any that overlaps one already kept."""
    kept: list[re.Match[str]] = []
    for m in sorted(matches, key=lambda m: (m.start(), -m.end())):
        if all(m.start() >= k.end() or m.end() <= k.start() for k in kept):
            kept.append(m)
    return kept


def _count_candidates(
    doc: _Text, criterion: Criterion, patterns: tuple[re.Pattern[str], ...], adjust: _Adjust | None = None
) -> list[_Candidate]:
    """Candidates from patterns with a ``q`` (quantity) and optional ``suf`` group."""
    if criterion.threshold is None:
        raise ValueError(f"criterion {criterion.id!r} has no threshold to count against")
    found = []
    for m in _distinct([m for p in patterns for m in p.finditer(doc.folded)]):
        rng = _quantity(m.group("q"), m.groupdict().get("suf") or "")
        if rng is None:
            continue
        negation = _negation_before(doc, m.start())
        if negation is not None:
            rng = rng.negated()
        end = m.end()
        if adjust is not None:
            rng, end = adjust(doc, m, rng)
        start = m.start() if negation is None else negation
        found.append(_Candidate(rng.compare(criterion.threshold), start, end))
    return found


_Adjust = Callable[[_Text, re.Match[str], _Range], tuple[_Range, int]]


# --- Chronic diagnoses ----------------------------------------------------------------------------

_DIAGNOSIS = r"(?:diagnos(?:er|erna)?|sjukdom(?:ar|arna)?|tillstand)"
_CHRONIC = (
    re.compile(
        rf"(?P<q>{_QTY})\s+(?:st(?:ycken)?\.?\s+)?(?:olika\s+)?kronisk[at]?\s+(?:\w+\s+)?{_DIAGNOSIS}\b"
        rf"(?P<suf>{_SUFFIX})"
    ),
    re.compile(rf"(?:antal\s+)?kronisk[at]?\s+{_DIAGNOSIS}\s*:\s*(?P<q>{_QTY})"),
)


def _chronic(doc: _Text, criterion: Criterion) -> Finding:
    return _combine(doc, criterion, _count_candidates(doc, criterion, _CHRONIC))


# --- Hospital admissions in the last twelve months ------------------------------------------------

_ADMITTED = (
    r"(?:inlagd|inlagt|inlaggd|inlagda|lagts\s+in|lagd\s+in|legat\s+inne|varit\s+inne|vardats|vardad"
    r"|sjukhusvardad|sjukhusvardats|inskriven\s+pa\s+sjukhus)"
)
_TIMES = r"(?:ganger|gang|ggr|gg)\b"
_ADMISSIONS_NOUN = (
    r"(?:sjukhus)?inlaggning(?:ar|en|arna)?|sjukhusvistelse(?:r|rna)?|(?:sluten)?vardtillfalle(?:n|na)?"
)
_ADMISSIONS = (
    re.compile(rf"\b{_ADMITTED}(?:\s+(?!(?:{_NUMBER})\b)[\w-]+){{0,3}}?\s+(?P<q>{_QTY})\s+{_TIMES}"),
    re.compile(rf"(?P<q>{_QTY})\s+{_TIMES}(?:\s+\w+){{0,2}}?\s+{_ADMITTED}"),
    re.compile(rf"(?P<q>{_QTY})\s+(?:st\s+)?(?:{_ADMISSIONS_NOUN})\b(?P<suf>{_SUFFIX})"),
    re.compile(rf"\b(?:{_ADMISSIONS_NOUN})\s*:\s*(?P<q>{_QTY})"),
)
_NEVER_ADMITTED = re.compile(rf"\b(?:inte|ej|aldrig)\s+(?:\w+\s+)?(?:varit\s+)?{_ADMITTED}")
_WINDOW = re.compile(
    rf"\b(?:senaste|sista)\s+(?:(?P<q>{_QTY})\s+)?(?P<unit>manader(?:na)?|manad(?:en)?|aren|ar(?:et)?|halvaret)\b"
    r"|\b(?P<this_year>i\s+ar)\b|\b(?P<last_year>i\s+fjol|forra\s+aret)\b"
)


def _window_months(doc: _Text, start: int, end: int) -> float | None:
    """The time window of an admission count in months (12 when none is given); None if unusable."""
    left, right = doc.clause(start, end, _CLAUSE)
    m = _WINDOW.search(doc.folded, left, right)
    if not m:
        return 12
    if m.group("this_year"):
        return 11  # this calendar year: within the last twelve months, but maybe not all of them
    if m.group("last_year"):
        return None
    unit = m.group("unit")
    rng = _quantity(m.group("q")) if m.group("q") else _Range(1, 1)
    if rng is None or rng.low != rng.high:
        return None
    if unit == "halvaret":
        return 6
    return rng.low * (1 if unit.startswith("manad") else 12)


def _within_window(doc: _Text, m: re.Match[str], rng: _Range) -> tuple[_Range, int]:
    """Widen the count's range for its time window: a longer or shorter window only bounds one side."""
    months = _window_months(doc, m.start(), m.end())
    if months is None:
        return _Range(0, math.inf), m.end()
    if months < 12:
        return _Range(rng.low, math.inf), m.end()
    if months > 12:
        return _Range(0, rng.high), m.end()
    return rng, m.end()


def _admissions(doc: _Text, criterion: Criterion) -> Finding:
    candidates = _count_candidates(doc, criterion, _ADMISSIONS, _within_window)
    candidates += [
        _Candidate(Status.NOT_MET, m.start(), m.end()) for m in _NEVER_ADMITTED.finditer(doc.folded)
    ]
    return _combine(doc, criterion, candidates)


# --- Regular medications (eye drops, ointments etc. excluded) -------------------------------------

_MED_NOUN = r"(?:lakemedel(?:en)?|mediciner(?:na)?|medicin(?:en)?|preparat(?:en)?)"
_MED_MODS = (
    r"(?:(?:st(?:ycken)?\.?|olika|staende|regelbundna|fasta|dagliga|ordinarie|ordinerade|kontinuerliga"
    r"|receptbelagda)\s+)*"
)
_MEDICATIONS = (
    re.compile(rf"(?P<q>{_QTY})\s+{_MED_MODS}{_MED_NOUN}\b(?P<suf>{_SUFFIX})"),
    re.compile(rf"(?P<q>{_QTY})\s+(?:st\s+)?staende\b(?P<suf>{_SUFFIX})"),
    re.compile(rf"\b(?:antal\s+)?(?:staende\s+)?(?:lakemedel|mediciner)\s*:\s*(?P<q>{_QTY})"),
)
_EXCLUDED = (
    r"(?:\w*dropp\w*|\w*salv(?:a|or|orna|an)?|\w*kram(?:er|en|erna)?|liniment\w*|vid\s+behov|behovs\w*)"
)
_OF_WHICH = re.compile(
    rf"^[\s,(]*varav\s+(?P<items>(?:(?:{_QTY})\s+{_EXCLUDED}\b(?:\s*,\s*|\s+och\s+|\s+samt\s+)?)+)"
)
_OF_WHICH_ITEM = re.compile(rf"(?P<q>{_QTY})\s+{_EXCLUDED}\b")
# "7 läkemedel men 2 av dem är ögondroppar"
_OF_THEM = re.compile(
    rf"^[\s,(]*(?:men|och|dock)\s+(?P<q>{_QTY})\s+(?:av\s+(?:dem|dessa|de|dom)\s+)?"
    rf"(?:ar\s+|utgors\s+av\s+)?{_EXCLUDED}\b"
)
_INCLUDING = re.compile(rf"^[\s,(]*(?:inklusive|inkl\.?|inraknat|medraknat)\s+(?:\w+\s+)?{_EXCLUDED}")


def _excluding_topicals(doc: _Text, m: re.Match[str], rng: _Range) -> tuple[_Range, int]:
    """ "åtta mediciner varav två ögondroppar" → six; "inklusive salvor" → an unknown number fewer."""
    sentence_end = doc.clause(m.start(), m.end(), _SENTENCE)[1]
    tail = doc.folded[m.end() : sentence_end]
    of_which = _OF_WHICH.match(tail)
    if of_which:
        excluded = [_quantity(item.group("q")) for item in _OF_WHICH_ITEM.finditer(of_which.group("items"))]
        if all(r is not None and r.low == r.high for r in excluded):
            total = sum(r.low for r in excluded if r is not None)
            return _Range(max(0, rng.low - total), max(0, rng.high - total)), m.end() + of_which.end()
        return _Range(0, rng.high), m.end() + of_which.end()
    of_them = _OF_THEM.match(tail)
    if of_them:
        excluded_range = _quantity(of_them.group("q"))
        if excluded_range is not None and excluded_range.low == excluded_range.high:
            low, high = rng.low - excluded_range.low, rng.high - excluded_range.low
            return _Range(max(0, low), max(0, high)), m.end() + of_them.end()
        return _Range(0, rng.high), m.end() + of_them.end()
    including = _INCLUDING.match(tail)
    if including:
        return _Range(0, rng.high), m.end() + including.end()
    return rng, m.end()


def _medications(doc: _Text, criterion: Criterion) -> Finding:
    return _combine(doc, criterion, _count_candidates(doc, criterion, _MEDICATIONS, _excluding_topicals))


# --- Age: 75 or older -----------------------------------------------------------------------------

_AGE_PATTERNS = (
    # "80-årig", "80 åring", "åttioårig"
    re.compile(rf"(?P<q>{_QTY})\s*-?\s*(?:arig|aring)(?:a|e|en)?\b"),
    # "80 år", "80 år gammal", "över 80 år", "75 år eller äldre"
    re.compile(rf"(?P<q>{_QTY})\s+(?P<yr>ar)(?P<old>\s+(?:gammal|gamla|fyllda))?\b(?P<suf>{_SUFFIX})"),
    # "ålder: 80"
    re.compile(rf"\balder(?:n)?\s*:?\s*(?P<q>{_QTY})(?:\s+ar\b)?"),
    # "hon är 82" (two or three digits, then the clause ends)
    re.compile(r"\bar\s+(?P<q>\d{2,3})(?=\s*(?:$|[,.;!?\n]|och\b|med\b|samt\b|men\b))"),
    # "en man på åttio", "kvinna på 82"
    re.compile(
        rf"\b(?:man|kvinna|person|patient|brukare|pat|dam|herre|pojke|flicka|hon|han|hen)\s+pa\s+(?P<q>{_QTY})"
        r"(?!\s*(?:ganger|gang|ggr|diagnos\w*|lakemedel\w*|medicin\w*|manader|dagar|veckor))"
    ),
)
_AGE_COMPARED = re.compile(rf"\b(?P<rel>aldre|yngre)\s+an\s+(?P<q>{_QTY})(?:\s+ar\b)?")
_DURATION_BEFORE = re.compile(r"\b(?:i|pa|sedan|for|under|efter|senaste|sista|inom|om|varje|per|de)\s+$")
_AGE_NEXT_OK = frozenset(
    {"gammal", "gamla", "fyllda", "och", "men", "samt", "med", "som", "har", "hade", "bor", "eller", "i"}
)


def _age_candidate(doc: _Text, m: re.Match[str], pattern_index: int) -> _Candidate | None:
    rng = _quantity(m.group("q"), m.groupdict().get("suf") or "")
    if rng is None or rng.low > 120:
        return None
    if pattern_index == 1 and not _plausible_years(doc, m, rng):
        return None
    if pattern_index in (3, 4) and rng.low < 40:
        return None
    return _Candidate(rng.compare(75), m.start(), m.end())


def _plausible_years(doc: _Text, m: re.Match[str], rng: _Range) -> bool:
    """ "80 år" is an age, "i 3 år" or "3 år sedan" a duration, and "3 är" (without å) a verb."""
    if _DURATION_BEFORE.search(doc.folded[max(0, m.start() - 12) : m.start()]):
        return False
    written = doc.original[m.start("yr") : m.end("yr")].lower()
    if written == "är":
        return False
    rest = doc.folded[m.end() : m.end() + 20].lstrip()
    following = [] if not rest or not rest[0].isalnum() else _WORD.findall(rest)
    if following and following[0] in {"sedan", "tillbaka"}:
        return False
    if m.group("old"):
        return True
    if written == "ar" and following and following[0] not in _AGE_NEXT_OK:
        return False  # "3 ar kroniska" without diacritics is "är", not "år"
    return rng.low >= 40  # a bare "N år" below 40 is more likely a duration than an age


def _age(doc: _Text, criterion: Criterion) -> Finding:
    found = [
        candidate
        for index, pattern in enumerate(_AGE_PATTERNS)
        for m in pattern.finditer(doc.folded)
        if (candidate := _age_candidate(doc, m, index)) is not None
    ]
    for m in _AGE_COMPARED.finditer(doc.folded):
        rng = _quantity(m.group("q"))
        if rng is not None:
            rng = _Range(rng.low + 1, math.inf) if m.group("rel") == "aldre" else _Range(0, rng.high - 1)
            found.append(_Candidate(rng.compare(75), m.start(), m.end()))
    return _combine(doc, criterion, _without_overlaps(found))


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start, -c.end)):
        if all(c.start >= k.end or c.end <= k.start for k in kept):
            kept.append(c)
    return kept


# --- Words around a mention (personal care, home care) --------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


def _words(doc: _Text, start: int, end: int) -> list[_Word]:
    return [_Word(m.group(0), m.start(), m.end()) for m in _WORD.finditer(doc.folded, start, end)]


_NEGATIONS = frozenset({"inte", "ej", "icke", "ingen", "inget", "inga", "aldrig"})


# --- Personal care ------------------------------------------------------------------------------------

_PERSONAL_CARE = re.compile(
    r"\b(?:(?:sin|den|hennes|hans|dess)\s+)?"
    r"(?:personliga?\s+(?:omvardnad(?:en)?|vard(?:en)?)|omvardnad(?:en)?)\b"
)
_ABILITY = frozenset(
    {"klarar", "klara", "klarade", "klarat", "skoter", "skota", "skotte", "hanterar",
     "sjalvstandig", "oberoende"}
)  # fmt: skip
_NEEDS_HELP = frozenset({"hjalp", "hjalpbehov", "beroende", "stod", "assistans", "behover", "behov"})
_HELP_FILLERS = frozenset({"av", "med", "for", "nagon", "mycket", "stort", "stor"})
_PARTLY = frozenset({"delvis", "ibland", "viss", "visst", "vissa", "lite", "nagot"})


def _phrase_start(words: list[_Word], i: int) -> int:
    """Back from the polarity word at ``i`` over its phrase: "behov av hjälp", "behöver stöd med"."""
    j = i
    while j >= 1 and (words[j - 1].text in _NEEDS_HELP or words[j - 1].text in _HELP_FILLERS):
        j -= 1
    while j < i and words[j].text in _HELP_FILLERS:
        j += 1
    return j


def _care_polarity(words: list[_Word]) -> tuple[Status, int] | None:
    """The status the polarity word nearest the mention gives, and where its phrase starts."""
    for i in range(len(words) - 1, -1, -1):
        word = words[i].text
        if word not in _ABILITY and word not in _NEEDS_HELP:
            continue
        j = _phrase_start(words, i)
        if any(w.text in _PARTLY for w in words):
            return Status.UNKNOWN, words[j].start
        negated = [k for k in range(max(0, j - 2), min(len(words), i + 3)) if words[k].text in _NEGATIONS]
        polar_before = [k - 1 for k in negated if k >= 1 and words[k - 1].text in _ABILITY | _NEEDS_HELP]
        start = words[min([j, *negated, *polar_before])].start
        if word in _ABILITY:
            return (Status.MET if negated else Status.NOT_MET), start
        return (Status.NOT_MET if negated else Status.MET), start
    return None


def _personal_care(doc: _Text, criterion: Criterion) -> Finding:
    candidates = []
    for m in _PERSONAL_CARE.finditer(doc.folded):
        left, right = doc.clause(m.start(), m.end(), _CLAUSE)
        before = _care_polarity(_words(doc, left, m.start())[-6:])
        after = _words(doc, m.end(), right)[:5]
        if before is not None:
            candidates.append(_Candidate(before[0], before[1], m.end()))
        elif after and (polarity := _care_polarity(after)) is not None:
            candidates.append(_Candidate(polarity[0], m.start(), after[-1].end))
        else:
            candidates.append(_Candidate(Status.UNKNOWN, m.start(), m.end()))
    return _combine(doc, criterion, candidates)


# --- Home health care (hemsjukvård) ---------------------------------------------------------------

_HOME_CARE = re.compile(r"\bhemsjukvard\w*")
_HOME_CARE_NO = _NEGATIONS | {"saknar", "utan", "varken"}
_HOME_CARE_PENDING = frozenset(
    {"ansokt", "ansoka", "ansokan", "planeras", "planerad", "planerat", "vantar", "remiss", "remitterad",
     "bedoms", "bedomning", "eventuellt", "ev", "kanske", "behover", "behov", "tidigare", "hade", "om", "ska",
     "skall", "erbjuds", "erbjudits", "blir"}
)  # fmt: skip
_HOME_CARE_NO_AFTER = frozenset(
    {"saknas", "nej", "ej", "inte", "avslutad", "avslutades", "avslutats", "upphort"}
)


def _evidence_start(before: list[_Word], mention_start: int) -> int:
    """From one word before the deciding word (e.g. "har inte hemsjukvård"), else from "har"/"med"."""
    decisive = [i for i, w in enumerate(before) if w.text in _HOME_CARE_NO or w.text in _HOME_CARE_PENDING]
    if decisive:
        return before[max(0, decisive[0] - 1)].start
    if before and before[-1].text in {"har", "med", "i", "fatt", "far"}:
        return before[-2].start if len(before) > 1 and before[-1].text == "i" else before[-1].start
    return mention_start


def _home_care_status(before: list[_Word], after: list[_Word]) -> Status:
    if any(w.text in _HOME_CARE_PENDING for w in before):
        return Status.UNKNOWN
    if any(w.text in _HOME_CARE_NO for w in before) or any(w.text in _HOME_CARE_NO_AFTER for w in after):
        return Status.NOT_MET
    return Status.MET


def _home_care(doc: _Text, criterion: Criterion) -> Finding:
    candidates = []
    for m in _HOME_CARE.finditer(doc.folded):
        left, right = doc.clause(m.start(), m.end(), _CLAUSE_AND)
        before = _words(doc, left, m.start())[-4:]
        after = _words(doc, m.end(), right)[:3]
        status = _home_care_status(before, after)
        end = (
            after[-1].end
            if status is Status.NOT_MET and any(w.text in _HOME_CARE_NO_AFTER for w in after)
            else m.end()
        )
        candidates.append(_Candidate(status, _evidence_start(before, m.start()), end))
    return _combine(doc, criterion, candidates)


# --- Follow-up answers that are just a number ("två", "82") -----------------------------------------

_BARE_QTY = re.compile(rf"(?P<q>{_QTY})(?!\w)")


def _number_answer(criterion: Criterion, doc: _Text) -> Status:
    if criterion.threshold is None:
        return Status.UNKNOWN
    ranges = {rng for m in _BARE_QTY.finditer(doc.folded) if (rng := _quantity(m.group("q"))) is not None}
    return ranges.pop().compare(criterion.threshold) if len(ranges) == 1 else Status.UNKNOWN


_DETECTORS: Mapping[str, Callable[[_Text, Criterion], Finding]] = {
    "chronic_diagnoses": _chronic,
    "hospital_admissions": _admissions,
    "medications": _medications,
    "personal_care": _personal_care,
    "age": _age,
    "home_care": _home_care,
}
