import re
from pathlib import Path

import pytest

from knowledge.documents import get_document
from knowledge.ocr import TOKEN, load_ocr_map, repair
from knowledge.settings import get_settings

OCR_DOC = "storsthlm-rekommendation-hok-2021"

# Broken forms seen in the raw OCR text, checked on top of every key of the map.
KNOWN_BROKEN = [
    "for", "pa", "ar", "dr", "nir", "gilla", "vil", "ldnet", "hélsa", "6verenskommelse",
    "6verenskommelsen", "Hikan", "Gverens", "&r", "Hélso", "HOK", "huvudoverenskommelse",
    "huvudéverenskommelse", "lansovergripande", "halsa", "vard", "fran", "frain", "sammantriadet",
    "tjainstemén", "deltailokala", "f6ljas", "6ver", "6nskar", "Overenskommelsen", "Arendegang",
    "Fragor", "Frégor", "Forbundsordforande", "Forbundsdirektor", "vinlig", "hilsning", "sjidlva",
    "husldakarmottagning", "omréadet", "svarsmoéte", "séinda", "tiacka", "diar", "invadnarna",
    "nivier", "niva", "lan", "lanet", "lank", "Lank", "bor", "ror", "sa", "satt", "basta", "fa",
    "varen", "varden", "dven", "aven", "dn", "bdde", "pd", "maste",
]  # fmt: skip


@pytest.fixture(scope="module")
def ocr_map() -> dict[str, str]:
    return load_ocr_map()


@pytest.fixture(scope="module")
def committed_body() -> str:
    """The body (without front matter, whose file name contains "hok") of the ingested document."""
    return get_document(OCR_DOC, get_settings().sources_dir).body


def test_map_loads_and_is_substantial(ocr_map):
    assert len(ocr_map) > 150
    assert ocr_map["6verenskommelse"] == "överenskommelse"
    assert ocr_map["Hikan"] == "Håkan"


@pytest.mark.parametrize("broken", KNOWN_BROKEN)
def test_known_broken_forms_are_in_the_map(ocr_map, broken):
    assert broken in ocr_map or broken.lower() in ocr_map


def test_no_broken_form_survives_in_the_ingested_document(ocr_map, committed_body):
    forms = {key for key in ocr_map if " " not in key} | set(KNOWN_BROKEN)
    lower_forms = {form for form in forms if form == form.lower()}
    survivors = sorted(
        token for token in TOKEN.findall(committed_body) if token in forms or token.lower() in lower_forms
    )
    assert survivors == []


def test_no_phrase_key_survives(ocr_map, committed_body):
    for key in (key for key in ocr_map if " " in key):
        pattern = r"(?<![\w&])" + r"\s+".join(map(re.escape, key.split())) + r"(?![\w&])"
        assert not re.search(pattern, committed_body, flags=re.IGNORECASE), key


def test_no_digit_or_symbol_inside_a_word_survives(committed_body):
    assert not re.search(r"[A-Za-zÅÄÖåäö][6&]|[6&][a-zåäö]", committed_body)


def test_case_pattern_is_preserved():
    mapping = {"for": "för", "6verenskommelse": "överenskommelse"}
    assert repair("for For FOR", mapping) == "för För FÖR"
    assert repair("6verenskommelse", mapping) == "överenskommelse"


def test_capitalised_keys_match_exactly_and_win():
    mapping = {"Gverens": "överens", "HOK": "HÖK", "hok": "hök"}
    assert repair("kommer Gverens om", mapping) == "kommer överens om"
    assert repair("(HOK) och hok", mapping) == "(HÖK) och hök"
    assert repair("gverens", mapping) == "gverens"


def test_digits_and_symbols_inside_words():
    mapping = {"6verenskommelsen": "överenskommelsen", "&r": "år", "f6ljas": "följas"}
    text = "anta 6verenskommelsen i februari &r 2022 och f6ljas upp"
    assert repair(text, mapping) == "anta överenskommelsen i februari år 2022 och följas upp"


def test_whole_tokens_only():
    mapping = {"pa": "på", "ar": "är"}
    assert repair("pa papper paar ar arbete", mapping) == "på papper paar är arbete"
    assert repair("pa.", mapping) == "på."


def test_phrases_win_over_single_words():
    mapping = {"ar": "är", "ar 2022": "år 2022"}
    assert repair("det ar klart ar 2022", mapping) == "det är klart år 2022"
    assert repair("Ar 2022", mapping) == "År 2022"


def test_email_addresses_are_not_touched():
    mapping = {"hakan": "håkan", "se": "sé"}
    assert (
        repair("till hakan.wramner@storsthlm.se och hakan", mapping)
        == "till hakan.wramner@storsthlm.se och håkan"
    )


def test_replacement_may_split_a_merged_token():
    assert repair("e deltailokala möten", {"deltailokala": "delta i lokala"}) == "e delta i lokala möten"


def test_load_ocr_map_rejects_malformed_lines(tmp_path: Path):
    bad = tmp_path / "map.tsv"
    bad.write_text("# comment\nfor\tför\nbroken-without-tab\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":3:"):
        load_ocr_map(bad)
    dup = tmp_path / "dup.tsv"
    dup.write_text("for\tför\nfor\tfär\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_ocr_map(dup)


def test_load_ocr_map_skips_comments_and_blank_lines(tmp_path: Path):
    path = tmp_path / "map.tsv"
    path.write_text("# header\n\nfor\tför\n  # indented comment\n&r\tår\n", encoding="utf-8")
    assert load_ocr_map(path) == {"for": "för", "&r": "år"}


def test_every_map_entry_occurs_in_the_raw_ocr_text(ocr_map):
    """The map is reviewed data for one document: no speculative or stale entries."""
    source = get_settings().shared_sources_dir / f"{OCR_DOC}.txt"
    if not source.is_file():
        pytest.skip("../shared/sources is not present")
    raw = source.read_text(encoding="utf-8")
    tokens = TOKEN.findall(raw)
    for key in ocr_map:
        words = key.split()
        if len(words) == 1:
            assert key in tokens or (key == key.lower() and key in {t.lower() for t in tokens}), key
        else:
            pattern = r"(?<![\w&])" + r"\s+".join(map(re.escape, words)) + r"(?![\w&])"
            assert re.search(pattern, raw, flags=re.IGNORECASE), key
