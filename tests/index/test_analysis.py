import pytest

from index.analysis import SwedishAnalyzer


@pytest.fixture(scope="module")
def analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer()


def test_questions_without_diacritics_get_the_same_lemmas(analyzer):
    assert analyzer.lemmas("Vårdcentralerna utser samordnande vårdcentral") == analyzer.lemmas(
        "vardcentralerna utser samordnande vardcentral"
    )


def test_inflected_forms_share_a_lemma(analyzer):
    assert analyzer.lemmas("överenskommelser")[0] == analyzer.lemmas("överenskommelsen")[0]
    # An unknown compound is lemmatised through its known tail.
    assert analyzer.lemmas("samverkansmöten") == analyzer.lemmas("samverkansmöte")


def test_a_word_typed_without_diacritics_keeps_the_reading_with_them(analyzer):
    (correct,) = analyzer.content_terms("samverkansmöten")
    (typed,) = analyzer.content_terms("samverkansmoten")
    assert correct.lemma in (typed.lemma, *typed.alternatives)


def test_stop_words_go_but_meaningful_small_words_stay(analyzer):
    lemmas = analyzer.lemmas("När började HÖK gälla tidigast?")
    assert len(lemmas) == 4 and "hok" in lemmas  # "tidigast" and "gälla" are not stop words here
    assert "nar" not in lemmas
    assert analyzer.lemmas("🙂 ??? och det") == []
