import hashlib

import pytest

from knowledge.redact import (
    PERSONNUMMER_PLACEHOLDER,
    SAMORDNINGSNUMMER_PLACEHOLDER,
    Redaction,
    redact,
    redact_text,
    unredactable_id,
)

PNR = PERSONNUMMER_PLACEHOLDER
SNR = SAMORDNINGSNUMMER_PLACEHOLDER


@pytest.mark.parametrize(
    "number",
    [
        "198507099805",  # 12 digits, no separator
        "19850709-9805",
        "19850709 9805",
        "19850709+9805",
        "8507099805",  # 10 digits, no separator
        "850709-9805",
        "850709 9805",
        "850709+9805",  # "+": 100 years or older
        "20121212-1212",
        "18991231+1234",
        "850709\u20139805",  # en dash from a word processor
        "850709\u00a09805",  # non-breaking space
        "850709-9806",  # wrong check digit: still personal data
    ],
)
def test_a_personnummer_is_redacted(number):
    assert redact(number) == Redaction(PNR, 1)
    assert redact_text(f"Patienten har pnr {number}, vad gäller?") == f"Patienten har pnr {PNR}, vad gäller?"


@pytest.mark.parametrize(
    "number",
    ["701063-2391", "7010632391", "19701063-2391", "197010632391", "850761 1234", "851291+1234"],
)
def test_a_samordningsnummer_is_redacted_with_its_own_placeholder(number):
    assert redact(f"samordningsnummer {number}") == Redaction(f"samordningsnummer {SNR}", 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(850709-9805)", f"({PNR})"),
        ("”850709-9805”", f"”{PNR}”"),
        ("pnr:850709-9805.", f"pnr:{PNR}."),
        ("pnr850709-9805!", f"pnr{PNR}!"),
        ("850709-9805?", f"{PNR}?"),
        ("Hon är född 19850709-9805\noch bor i Farsta.", f"Hon är född {PNR}\noch bor i Farsta."),
    ],
)
def test_a_number_next_to_punctuation_or_letters_is_redacted(text, expected):
    assert redact_text(text) == expected


def test_several_numbers_in_one_text_are_all_redacted_and_counted():
    text = "Paret 850709-9805 och 19870212 1234 samt samordningsnummer 701063-2391 bor ihop."
    assert redact(text) == Redaction(f"Paret {PNR} och {PNR} samt samordningsnummer {SNR} bor ihop.", 3)
    assert redact("850709-9805,850710-9804") == Redaction(f"{PNR},{PNR}", 2)


@pytest.mark.parametrize(
    "text",
    [
        "Vem är GSA i Farsta?",
        "Överenskommelsen gäller från 2024.",
        "Beslutet togs 2024-04-30 och gäller 2024-05-01--2026-12-31.",
        "Datum 20240430.",
        "Ring 08-123 456 78 eller 070-123 45 67.",
        "Ring 08-12345678 eller +46 70 123 45 67 eller +46701234567.",
        "Postadress: Box 123, 123 45 Stockholm.",
        "Det kostar 1 250 000 kronor, eller 1250000 kr.",
        "4 av 6 kriterier är uppfyllda.",
        "Diarienummer HSN 2020-1821.",
        "Ordernummer 12345678901234567890.",
        "19850709-98051",  # a longer digit run
        "119850709-9805",
        "850709-98",
        "851309-1234",  # month 13
        "850009-1234",  # month 00
        "850700-1234",  # day 00
        "850732-1234",  # day 32
        "850760-1234",  # day 60: neither a day nor a samordningsnummer
        "850792-1234",  # day 92
        "21850709-1234",  # no such century
        "850709--1234",  # two separators
        "850709 - 1234",
        "",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert redact(text) == Redaction(text, 0)


def test_the_placeholders_are_swedish_and_never_redacted_again():
    once = redact_text("850709-9805")
    assert once == "[personnummer borttaget]" and redact(once) == Redaction(once, 0)
    assert SNR == "[samordningsnummer borttaget]"


def test_an_unredactable_id_is_never_changed_by_redaction():
    ids = [unredactable_id(hashlib.sha256(str(i).encode()).digest(), 40) for i in range(50_000)]
    assert all(redact(i).count == 0 for i in ids) and len(set(ids)) == len(ids)
    assert all(len(i) == 40 and set(i) <= set("abcdefghijklmnopqrstuvwxyz234567") for i in ids)
    # while the hex of the same digests holds plausible personnummer now and then
    assert any(redact(hashlib.sha256(str(i).encode()).hexdigest()[:40]).count for i in range(50_000))


def test_an_unredactable_id_needs_enough_bytes():
    with pytest.raises(ValueError, match="fewer than 40"):
        unredactable_id(b"short", 40)
