"""Repair of OCR text whose å/ä/ö were misread, driven by a reviewed correction map.

The map (``knowledge/ocr_map.tsv``) has two tab-separated columns, the broken form and the
repaired form; lines starting with ``#`` are comments. Matching is on whole tokens, where a
token is a run of Unicode word characters and ``&`` (the OCR writes ``&r`` for ``år``), so a
digit or symbol inside a word (``6verenskommelse``) is part of the token.

- A key in lower case matches the token in any case pattern and the replacement copies that
  pattern: ``for`` repairs ``for`` → ``för``, ``For`` → ``För``, ``FOR`` → ``FÖR``.
- A key with capitals (``HOK``, ``Gverens``) matches only exactly; its value is used verbatim.
- A key of several words (``ar 2018``) matches those tokens in a row, separated by whitespace,
  and wins over the single-word keys.

E-mail addresses and web addresses are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

MAP_PATH = Path(__file__).resolve().parent / "ocr_map.tsv"

TOKEN = re.compile(r"[\w&]+")
_PROTECTED = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*|(?:https?://|www\.)\S+")
_SEPARATOR = re.compile(r"\s+")


def load_ocr_map(path: Path | None = None) -> dict[str, str]:
    """Read a correction map; raise ``ValueError`` naming the line of a malformed entry."""
    source = path or MAP_PATH
    mapping: dict[str, str] = {}
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        line = unicodedata.normalize("NFC", raw.rstrip("\r\n"))
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise ValueError(f"{source}:{number}: expected 'broken<TAB>repaired', got {raw!r}")
        key, value = (" ".join(field.split()) for field in fields)
        if key in mapping:
            raise ValueError(f"{source}:{number}: duplicate entry for {key!r}")
        mapping[key] = value
    return mapping


def apply_case(token: str, value: str) -> str:
    """Give ``value`` the case pattern of ``token``: lower, Capitalised or UPPER."""
    if len(token) > 1 and token.isupper():
        return value.upper()
    if token[:1].isupper():
        return value[:1].upper() + value[1:]
    return value


@dataclass(frozen=True)
class _Rules:
    exact: dict[str, str]
    folded: dict[str, str]
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # longest first

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> _Rules:
        single = {key: value for key, value in mapping.items() if " " not in key}
        phrases = [(tuple(key.split(" ")), value) for key, value in mapping.items() if " " in key]
        phrases.sort(key=lambda item: -len(item[0]))
        folded = {key: value for key, value in single.items() if key == key.lower()}
        return cls(exact=single, folded=folded, phrases=tuple(phrases))

    def word(self, token: str) -> str | None:
        if token in self.exact:
            return self.exact[token]
        value = self.folded.get(token.lower())
        return None if value is None else apply_case(token, value)


def repair(text: str, mapping: Mapping[str, str]) -> str:
    """Replace every broken token of ``text`` listed in ``mapping`` by its repaired form."""
    rules = _Rules.from_mapping(mapping)
    out: list[str] = []
    last = 0
    for protected in _PROTECTED.finditer(text):
        out.append(_repair_segment(text[last : protected.start()], rules))
        out.append(protected.group())
        last = protected.end()
    out.append(_repair_segment(text[last:], rules))
    return "".join(out)


def _repair_segment(text: str, rules: _Rules) -> str:
    tokens = list(TOKEN.finditer(text))
    out: list[str] = []
    last = 0
    i = 0
    while i < len(tokens):
        matched = _match_phrase(text, tokens, i, rules)
        if matched is not None:
            count, value = matched
            start, end = tokens[i].start(), tokens[i + count - 1].end()
        else:
            count, start, end = 1, tokens[i].start(), tokens[i].end()
            value = rules.word(tokens[i].group()) or tokens[i].group()
        out.append(text[last:start])
        out.append(value)
        last = end
        i += count
    out.append(text[last:])
    return "".join(out)


def _match_phrase(text: str, tokens: list[re.Match[str]], i: int, rules: _Rules) -> tuple[int, str] | None:
    for words, value in rules.phrases:
        end = i + len(words)
        if end > len(tokens):
            continue
        window = tokens[i:end]
        if any(token.group().lower() != word.lower() for token, word in zip(window, words, strict=True)):
            continue
        gaps = (text[a.end() : b.start()] for a, b in pairwise(window))
        if all(_SEPARATOR.fullmatch(gap) for gap in gaps):
            return len(words), apply_case(window[0].group(), value)
    return None
