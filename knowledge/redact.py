"""Redaction of Swedish personal identity numbers (personnummer, samordningsnummer) from free text.

Applied to what users write before it is forwarded to Rasa or stored, so neither the tracker
store nor the knowledge database ever holds the number.

What is redacted: a date part of 6 (YYMMDD) or 8 (CCYYMMDD, century 18, 19 or 20) digits, an
optional separator (``-``, ``+`` for people aged 100 or more, a space; the look-alikes en dash,
minus sign and non-breaking spaces from pasted text too) and four final digits, standing alone:
neither side touches another digit. The date part must be plausible: month 01–12 and day 01–31,
or 61–91 for a samordningsnummer (day of birth + 60).

The check digit (Luhn) is deliberately not required: a mistyped number is still personal data,
and a plausible date followed by four digits is rarely anything else. The price is that a phone
number written as one run of ten digits can look like a personnummer and be redacted too; that
errs on the safe side. Dates (2024-04-30), years, phone numbers in groups (08-123 456 78),
postcodes (123 45) and longer digit runs are left alone.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

PERSONNUMMER_PLACEHOLDER = "[personnummer borttaget]"
SAMORDNINGSNUMMER_PLACEHOLDER = "[samordningsnummer borttaget]"

_MONTH = r"(?:0[1-9]|1[0-2])"
# 01–31 (personnummer) or 61–91 (samordningsnummer: day + 60).
_DAY = r"(?P<day>0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"
_SEPARATOR = "[-+ \u00a0\u202f\u2013\u2212]"
_PATTERN = re.compile(
    rf"(?<!\d)(?:(?:18|19|20)?[0-9]{{2}}){_MONTH}{_DAY}{_SEPARATOR}?[0-9]{{4}}(?!\d)",
)


@dataclass(frozen=True)
class Redaction:
    """Text with its personal identity numbers replaced, and how many there were."""

    text: str
    count: int


def _placeholder(match: re.Match[str]) -> str:
    return SAMORDNINGSNUMMER_PLACEHOLDER if int(match["day"]) > 60 else PERSONNUMMER_PLACEHOLDER


def redact(text: str) -> Redaction:
    """Replace every personnummer and samordningsnummer in ``text`` with a Swedish placeholder."""
    redacted, count = _PATTERN.subn(_placeholder, text)
    return Redaction(redacted, count)


def redact_text(text: str) -> str:
    """``text`` with its personal identity numbers replaced (see :func:`redact`)."""
    return redact(text).text


def unredactable_id(data: bytes, length: int) -> str:
    """An id of ``length`` characters drawn from ``data`` (a digest, random bytes) that redaction
    can never change: lower-case base 32 (a–z, 2–7) has no 0 or 1, so no month (01–12). A hex id
    holds a plausible personnummer about once in a thousand, and would be stored redacted."""
    encoded = base64.b32encode(data).decode().rstrip("=").lower()
    if len(encoded) < length:
        raise ValueError(f"{len(data)} bytes make fewer than {length} characters")
    return encoded[:length]


def redact_line(line: str) -> str:
    """A log line with its personal identity numbers replaced, also those percent-encoded in a
    URL ("19121212%2B1212", "+" for spaces); the line is then left decoded."""
    if "%" in line or "+" in line:
        decoded = unquote_plus(line)
        if _PATTERN.search(decoded):
            return redact_text(decoded)
    return redact_text(line)
