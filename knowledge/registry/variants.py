"""Mechanical variants of area names, and the matching key shared by the register and its export.

The register (areas.yaml) holds real names only; the spellings people type are generated here:
without å/ä/ö, with a hyphen, a space or nothing between the parts, the genitive ("Täbys",
"Upplands Väsbys"), lower case, and the forms with "kommun", "stad", "stadsdelsområde",
"stadsdelsförvaltning" or "sdf" around the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.text import fold, normalize

_TOKEN = re.compile(r"[^\W_]+")
_STRIP = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "Å": "A", "Ä": "A", "Ö": "O", "É": "E"}
)

# "{}" is the name, "{g}" its genitive.
KOMMUN_AFFIXES = ("{} kommun", "{g} kommun", "{} stad", "{g} stad")
DISTRICT_AFFIXES = (
    "{} stadsdel",
    "{} stadsdelsområde",
    "{g} stadsdelsområde",
    "stadsdelsområde {}",
    "stadsdelsområdet {}",
    "{} stadsdelsförvaltning",
    "{g} stadsdelsförvaltning",
    "stadsdelsförvaltning {}",
    "stadsdelsförvaltningen {}",
    "{} sdf",
    "sdf {}",
)
AFFIXES = {"kommun": KOMMUN_AFFIXES, "stadsdelsomrade": DISTRICT_AFFIXES}


def tokens(text: str) -> list[str]:
    """The folded words of ``text`` (hyphens, punctuation and spaces separate words)."""
    return _TOKEN.findall(fold(text))


def key(text: str) -> str:
    """The matching key of a name: folded words joined by one space ("Upplands-Bro" -> "upplands bro")."""
    return " ".join(tokens(text))


def strip_diacritics(text: str) -> str:
    """``text`` with å/ä→a, ö→o, é→e, ü→u, keeping the case."""
    return text.translate(_STRIP)


def genitive(name: str) -> str:
    """The Swedish genitive: "Täby" -> "Täbys", "Upplands Väsby" -> "Upplands Väsbys"; -s/-x/-z unchanged."""
    return name if name[-1:].lower() in ("s", "x", "z") else name + "s"


def spellings(name: str) -> set[str]:
    """``name`` written with a hyphen, a space or nothing between its parts."""
    parts = [p for p in re.split(r"[\s\-]+", normalize(name)) if p]
    if len(parts) < 2:
        return {normalize(name)}
    return {
        normalize(name),
        " ".join(parts),
        "-".join(parts),
        parts[0] + "".join(p.lower() for p in parts[1:]),
    }


def surface_forms(names: Iterable[str], kind: str, affixed: Iterable[str] = ()) -> set[str]:
    """Every generated written form of ``names``; ``affixed`` names also get the forms of ``kind``.

    Each form appears as written, without å/ä/ö, and in lower case."""
    forms: set[str] = set()
    affixed_names = set(affixed)
    for name in [*names, *affixed_names]:
        for spelled in spellings(name):
            forms |= {spelled, genitive(spelled)}
            if name in affixed_names:
                forms |= {affix.format(spelled, g=genitive(spelled)) for affix in AFFIXES[kind]}
    return {variant for form in forms for variant in _cases(form)}


def _cases(form: str) -> set[str]:
    stripped = strip_diacritics(form)
    return {form, stripped, form.lower(), stripped.lower()}
