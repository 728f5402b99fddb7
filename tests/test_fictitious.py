"""The tests' own helpers for ids and for finding personal identity numbers in stored bytes: ids
that the redactor never changes, and a search that finds every stored form of a number but not
the same digits inside a float or a longer digit run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.redact import redact
from tests.fictitious import fictitious_id, identity_numbers_in, identity_numbers_in_files

NUMBERS = ("19850709-9805", "850709-9805", "8507099805", "19121212+1212", "701063-2391")


def test_no_drawn_id_is_changed_by_the_redactor():
    ids = [fictitious_id() for _ in range(100_000)]
    assert [i for i in ids if redact(i).count or redact(f"widget-{i}").count] == []


def test_ids_are_unique_and_keep_their_prefix():
    ids = {fictitious_id("widget-") for _ in range(1000)}
    assert len(ids) == 1000 and all(i.startswith("widget-") and len(i) == len("widget-") + 24 for i in ids)
    assert len(fictitious_id(length=8)) == 8


def test_a_random_hex_id_can_look_like_a_personal_identity_number():
    """Why the helper exists: the id that failed CI, a uuid4().hex, is changed by the redactor."""
    assert redact("widget-3701160723d74fbbab47294cf591d1c4").count == 1


# Each format the redactor knows, as a store or a log would hold it.
PLANTED = [
    ("19850709-9805", b"fraga om 19850709-9805 i helgen"),
    ("19850709-9805", b'{"text": "198507099805"}'),
    ("19850709-9805", b"sender=850709-9805;"),  # without the century
    ("19850709-9805", b"850709 9805"),
    ("19850709-9805", "850709\u00a09805".encode()),  # a non-breaking space from pasted text
    ("19850709-9805", "850709\u20139805".encode()),  # an en dash
    ("19850709-9805", b'"850709\\u20139805"'),  # the same, as JSON escapes it
    ("19850709-9805", b"GET /api/search?q=samverkan+850709%2D9805 HTTP/1.1"),
    ("850709-9805", b"pnr 19850709-9805."),  # a century added
    ("19121212+1212", b"q=19121212%2B1212&x=1"),  # percent-encoded
    ("19121212+1212", b"121212+1212"),
    ("701063-2391", b"samordningsnummer 7010632391\n"),
    ("701063-2391", "19701063\u22122391".encode()),  # a minus sign
    ("8507099805", b"\x00\x01850709-9805\xff"),  # between binary bytes
]


@pytest.mark.parametrize(("number", "data"), PLANTED)
def test_every_stored_format_is_found(number: str, data: bytes, tmp_path: Path):
    stored = tmp_path / "store.db"
    stored.write_bytes(b"header " + data + b" trailer")
    assert identity_numbers_in_files([stored], [number]) == {str(stored): [number]}


# The same digits where they are part of another number: not a stored identity number.
INSIDE_A_NUMBER = [
    ("19850709-9805", b'"confidence": 2.979198507091496e-05'),  # the NLU confidence that tripped CI
    ("8507099805", b'"confidence": 0.8507099805'),
    ("8507099805", b'"score": 3.8507099805e-05'),
    ("8507099805", b"time 18507099805123"),  # a longer digit run
    ("8507099805", b"id 28507099805"),
    ("8507099805", b"8507099805.25 seconds"),
    ("19121212+1212", b"x=119121212+12123"),
]


@pytest.mark.parametrize(("number", "data"), INSIDE_A_NUMBER)
def test_the_same_digits_inside_a_number_are_not_found(number: str, data: bytes, tmp_path: Path):
    stored = tmp_path / "store.db"
    stored.write_bytes(data)
    assert identity_numbers_in_files([stored], [number]) == {}


def test_a_store_with_floats_ids_and_redacted_text_holds_no_number():
    data = json.dumps(
        {
            "sender": fictitious_id(),
            "text": "Gäller det [personnummer borttaget]?",
            "confidence": 2.979198507091496e-05,
            "timestamp": 1985070998.05,
        }
    ).encode()
    assert identity_numbers_in(data, NUMBERS) == []


def test_what_is_not_an_identity_number_is_refused():
    with pytest.raises(ValueError, match="not a personal identity number"):
        identity_numbers_in(b"", ["1985-07"])
