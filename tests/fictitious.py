"""Fictitious ids for tests, and the search for personal identity numbers in stored bytes.

Tests name conversations, senders and activities with random ids, and everything a user sends
is redacted (knowledge/redact.py) before it is forwarded, stored or logged. A random hex id holds
a plausible personnummer about once in a thousand draws ("3701160723" is 37-01-16 and four
digits), so a test that compares a stored id with the one it sent would fail at random. Every
test draws its ids here instead: base-32 letters and the digits 2–7, which hold no 0 or 1, so no
month (01–12) can be formed and no id is ever changed by the redactor.

The search finds a number the way it would be stored: in every format the redactor knows (a
date part of 6 or 8 digits, one of its separators or none, four final digits), bounded by
non-digits and not inside a number (the fraction of a float such as ``2.979198507091496e-05``,
or a longer digit run), so that floats, hashes and timestamps in a store cannot trip it while a
real leak in any format still does.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from knowledge.redact import unredactable_id

# The separators knowledge/redact.py accepts between the date part and the final four digits, as
# they appear in stored bytes: UTF-8, JSON's \u escapes, and percent- or form-encoded in a URL.
_SEPARATORS = ("-", "+", " ", "\u00a0", "\u202f", "\u2013", "\u2212")
_ENCODED_SEPARATORS = ("%2B", "%2b", "%20", "%2D", "%2d")


def fictitious_id(prefix: str = "", length: int = 24) -> str:
    """A random id that no redaction can change: lower-case base-32 (a–z, 2–7), ``prefix`` first."""
    return prefix + unredactable_id(secrets.token_bytes(length), length)


def _separator_forms() -> list[bytes]:
    forms: set[bytes] = {b""}
    for sep in _SEPARATORS:
        forms.add(sep.encode())
        if not sep.isascii():
            forms.add(f"\\u{ord(sep):04x}".encode())
            forms.add(f"\\u{ord(sep):04X}".encode())
    forms.update(s.encode() for s in _ENCODED_SEPARATORS)
    return sorted(forms, key=len, reverse=True)


def identity_number_pattern(number: str) -> re.Pattern[bytes]:
    """The stored forms of the personal identity number ``number`` (written any way the redactor
    knows): its date part with or without the century, any separator or none, the last four
    digits; not touching another digit and not the fraction of a float."""
    digits = re.sub(r"\D", "", number)
    if len(digits) not in (10, 12):
        raise ValueError(f"not a personal identity number: {number!r}")
    date, last = digits[:-4], digits[-4:]
    short = date[-6:]
    # With or without a century: the redactor takes 18, 19 or 20 before a two-digit year.
    dates = sorted({date, short, *(century + short for century in ("18", "19", "20"))}, key=len, reverse=True)
    date_part = b"(?:" + b"|".join(re.escape(d.encode()) for d in dates) + b")"
    separator = b"(?:" + b"|".join(re.escape(s) for s in _separator_forms() if s) + b")?"
    # Not after a digit, nor after "digit." (a fraction); not before a digit, nor before ".digit".
    return re.compile(rb"(?<!\d)(?<!\d\.)" + date_part + separator + last.encode() + rb"(?!\d)(?!\.\d)")


def identity_numbers_in(data: bytes, numbers: Iterable[str]) -> list[str]:
    """Those of ``numbers`` that ``data`` holds in a stored form (see :func:`identity_number_pattern`)."""
    return [n for n in numbers if identity_number_pattern(n).search(data)]


def identity_numbers_in_files(files: Iterable[Path], numbers: Iterable[str]) -> dict[str, list[str]]:
    """For each file that holds any of ``numbers``, its name and the numbers found in it."""
    numbers = tuple(numbers)
    found = {str(p): identity_numbers_in(p.read_bytes(), numbers) for p in files}
    return {name: hits for name, hits in found.items() if hits}
