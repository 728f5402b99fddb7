import unicodedata

from knowledge.text import fold, normalize


def test_fold_lowercases_and_strips_swedish_diacritics():
    assert fold("Överenskommelse om HÄLSA, vård") == "overenskommelse om halsa, vard"
    assert fold("Å ä Ö é ü") == "a a o e u"


def test_fold_and_normalize_compose_decomposed_characters():
    decomposed = unicodedata.normalize("NFD", "vårdcentral")
    assert decomposed != "vårdcentral"
    assert normalize(decomposed) == "vårdcentral"
    assert fold(decomposed) == "vardcentral"


def test_normalize_collapses_whitespace_including_nbsp():
    assert normalize("  Hälso\u00a0 och\n\tsjukvård  ") == "Hälso och sjukvård"
    assert fold("  Hälso\u00a0 och\n sjukvård ") == "halso och sjukvard"
