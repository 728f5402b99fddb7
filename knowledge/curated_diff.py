"""Two versions of a curated answer side by side, with the changed words marked.

A pure view model for the answer page: one row per field (each question, the answer text, the
sources, the region, the review date), each row a left side (the older version) and a right side
(the newer), each side a run of segments that are equal, removed (only on the left) or added
(only on the right). Words are compared with difflib on word tokens (words, punctuation and the
whitespace between them kept), so the two sides read as the text itself.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from knowledge.curated import Content, CuratedAnswer, Version

_TOKEN = re.compile(r"\s+|[^\W_]+|[^\w\s]|_")

FIELD_LABELS = {
    "question": "Fråga",
    "answer": "Svarstext",
    "source": "Källa",
    "region": "Region",
    "review_by": "Granskas senast",
}
REGION_LABELS = {"all": "Alla regioner", "stockholm": "Stockholms län", "skane": "Skåne"}


class SegmentKind(StrEnum):
    EQUAL = "equal"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str


@dataclass(frozen=True)
class DiffRow:
    """One field of both versions: ``left`` the older, ``right`` the newer (empty: none there)."""

    field: str  # "question" | "answer" | "source" | "region" | "review_by"
    label: str  # Swedish, for the page
    left: tuple[Segment, ...]
    right: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.kind is not SegmentKind.EQUAL for s in (*self.left, *self.right))


@dataclass(frozen=True)
class VersionDiff:
    left_title: str  # e.g. "Publicerad (version 2)"
    right_title: str  # e.g. "Utkast (version 3)"
    rows: tuple[DiffRow, ...]

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.rows)


def tokens(text: str) -> list[str]:
    """``text`` as words, punctuation and whitespace runs; joined they give ``text`` back."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The left (old) and right (new) sides of one text, the changed words marked."""
    a, b = tokens(old), tokens(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            _append(left, SegmentKind.EQUAL, "".join(a[i1:i2]))
            _append(right, SegmentKind.EQUAL, "".join(b[j1:j2]))
            continue
        _append(left, SegmentKind.REMOVED, "".join(a[i1:i2]))
        _append(right, SegmentKind.ADDED, "".join(b[j1:j2]))
    return tuple(left), tuple(right)


def side_by_side(
    old: Content | None, new: Content, left_title: str = "Publicerad", right_title: str = "Utkast"
) -> VersionDiff:
    """``old`` and ``new`` field by field (``old`` None: everything in ``new`` is added)."""
    before = old or Content((), "", (), "", None)
    rows: list[DiffRow] = []
    rows += _list_rows("question", before.questions, new.questions)
    rows.append(_row("answer", before.answer, new.answer))
    rows += _list_rows(
        "source",
        tuple(_source(s.doc, s.section) for s in before.sources),
        tuple(_source(s.doc, s.section) for s in new.sources),
    )
    rows.append(_row("region", REGION_LABELS.get(before.region, before.region), _region(new.region)))
    rows.append(
        _row(
            "review_by",
            before.review_by.isoformat() if before.review_by else "",
            new.review_by.isoformat() if new.review_by else "",
        )
    )
    if old is None:
        rows = [r for r in rows if r.right]
    return VersionDiff(left_title, right_title, tuple(rows))


def against_published(answer: CuratedAnswer) -> VersionDiff | None:
    """The latest version against the published one; None when nothing unpublished differs."""
    if answer.published is None or not answer.has_unpublished_changes:
        return None
    return side_by_side(
        answer.published,
        answer.content,
        f"Publicerad (version {answer.published_version})",
        f"Utkast (version {answer.version})",
    )


def between(older: Version, newer: Version) -> VersionDiff:
    """Two versions from an answer's history."""
    return side_by_side(older.content, newer.content, f"Version {older.number}", f"Version {newer.number}")


def _region(region: str) -> str:
    return REGION_LABELS.get(region, region)


def _source(doc: str, section: str) -> str:
    return f"{doc}, {section}" if section else doc


def _row(field: str, old: str, new: str) -> DiffRow:
    left, right = word_diff(old, new)
    return DiffRow(field, FIELD_LABELS[field], left, right)


def _list_rows(field: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[DiffRow]:
    """A list of texts (questions, sources): kept ones side by side, removed ones on the left
    only, added ones on the right only, a replaced one word by word against its replacement."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old[i1:i2], new[j1:j2]
        if op == "equal" or op == "replace":
            pairs = min(len(olds), len(news))
            rows += [_row(field, olds[k], news[k]) for k in range(pairs)]
            olds, news = olds[pairs:], news[pairs:]
        rows += [_row(field, text, "") for text in olds]
        rows += [_row(field, "", text) for text in news]
    return rows


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, with a space alone between two changes made part of the change (so
    "betalar själv" → "åker gratis" reads as one change, not two around an unchanged space)."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (op, i1, i2, j1, j2) in enumerate(ops):
        between = 0 < index < len(ops) - 1 and merged and merged[-1][0] != "equal"
        if op == "equal" and between and not "".join(a[i1:i2]).strip():
            op = "replace"
        if merged and op != "equal" and merged[-1][0] != "equal":
            _, p1, _, q1, _ = merged.pop()
            merged.append(("replace", p1, i2, q1, j2))
        else:
            merged.append((op, i1, i2, j1, j2))
    return merged


def _append(side: list[Segment], kind: SegmentKind, text: str) -> None:
    if not text:
        return
    if side and side[-1].kind is kind:
        side[-1] = Segment(kind, side[-1].text + text)
    else:
        side.append(Segment(kind, text))
