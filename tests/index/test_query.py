"""Query understanding: lemma overrides, stop and question words, synonyms and abbreviations,
misspellings, compounds; against a small corpus vocabulary."""

from __future__ import annotations

import pytest

from index.analysis import OVERRIDES_PATH, SwedishAnalyzer
from index.query import QueryAnalyzer, Vocabulary
from knowledge.text import fold

CORPUS = [
    "Huvudöverenskommelsen (HÖK) följs upp årligen genom dialog mellan parterna.",
    "Uppföljningen ska ske gemensamt och rapporteras till tjänstemannastyrgruppen.",
    "Vårdcentralerna utser tillsammans en samordnande vårdcentral med geografiskt samordningsansvar (GSA).",
    "Möte 4 ggr per år. Överenskommelsen börjar gälla tidigast 1 juli 2022.",
    "För frågor om överenskommelsen kontakta processledaren via e-post.",
    "Förslaget har inga kända konsekvenser för jämställdhet mellan könen.",
    "Anmälan till mötet sker med e-post.",
]


@pytest.fixture(scope="module")
def analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer()


@pytest.fixture(scope="module")
def queries(analyzer: SwedishAnalyzer) -> QueryAnalyzer:
    lemmas = {lemma for text in CORPUS for lemma in analyzer.lemmas(text)}
    return QueryAnalyzer(Vocabulary(CORPUS, analyzer, lemmas))


def _term(queries: QueryAnalyzer, question: str, word: str):
    return next(t for t in queries.analyse(question).terms if t.text == fold(word))


def _overrides() -> list[tuple[str, str]]:
    rows = []
    for line in OVERRIDES_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            form, lemma, reason = line.split("\t")
            assert reason.strip(), f"no reason given for {form}"
            rows.append((form, lemma))
    return rows


@pytest.mark.parametrize(("form", "lemma"), _overrides())
def test_every_reviewed_lemma_override_applies_with_and_without_diacritics(analyzer, form, lemma):
    for written in {form, fold(form)}:
        (term,) = analyzer.content_terms(written)
        assert term.lemma == fold(lemma), written


def test_gälla_and_its_forms_share_a_lemma(analyzer):
    assert {analyzer.lemmas(w)[0] for w in ("gälla", "gäller", "gällde", "galla")} == {"galla"}


def test_question_words_carry_no_topic_but_agreement_words_do(analyzer):
    assert analyzer.lemmas("Vad betyder det egentligen?") == []
    assert analyzer.lemmas("Varför är primärvårdsstrategin viktig?") == ["primarvardsstrategi", "viktig"]


def test_abbreviations_match_their_long_forms(queries):
    ggr = _term(queries, "hur många gånger per år", "gånger")
    assert "ggr" in ggr.variants
    hok = _term(queries, "hok uppfoljning?", "hok")
    assert hok.known and "huvudoverenskommelse" in hok.variants
    vc = _term(queries, "vem utser samordnande vc", "vc")
    assert vc.known and "vardcentral" in vc.variants


def test_a_phrase_synonym_matches_only_when_all_its_words_are_there(queries, analyzer):
    gsa = _term(queries, "vem ar gsa", "gsa")
    assert gsa.matches(analyzer.readings("en samordnande vårdcentral"))
    assert not gsa.matches(analyzer.readings("en vårdcentral i kommunen"))


def test_a_misspelt_corpus_word_is_corrected_but_a_real_word_is_not(queries):
    typo = _term(queries, "hur rapoteras uppfoljnigen", "uppfoljnigen")
    assert typo.known
    real = _term(queries, "vad kostar en pizza", "pizza")
    assert not real.known


def test_inflections_the_lookup_table_reads_apart_still_match(queries, analyzer):
    # spaCy's table reads "jämställdheten" and "jämställdhet" (and "kontaktar"/"kontakta") apart.
    term = _term(queries, "Påverkar förslaget jämställdheten?", "jämställdheten")
    assert term.known and term.matches(analyzer.readings("konsekvenser för jämställdhet"))
    assert _term(queries, "vem kontaktar jag", "kontaktar").known


def test_a_compound_the_corpus_writes_apart_is_known_by_its_parts(queries):
    term = _term(queries, "vad ska uppföljningsdialogen leda till", "uppföljningsdialogen")
    assert term.known and {"dialog", "uppfoljning"} <= term.variants


def test_unknown_words_are_reported(queries):
    assert queries.analyse("Vad blir vädret i helgen?").unknown == ("vadret", "helgen")
    assert queries.analyse("Hur följs HÖK upp?").unknown == ()


def test_the_embedding_model_gets_abbreviations_spelt_out(queries):
    assert "samordnande vårdcentral (GSA)" in queries.analyse("vem är gsa").dense_text
    assert queries.analyse("vem utser den samordnande vårdcentralen").dense_text.endswith("vårdcentralen")


def test_a_form_the_stemmer_cuts_short_finds_the_longer_corpus_stem(queries, analyzer):
    # "rapporten" stems to "rapport", the corpus only has "rapporteras" (stem "rapporter").
    term = _term(queries, "vem far rapporten", "rapporten")
    assert term.known and term.matches(analyzer.readings("rapporteras till styrgruppen"))


def test_a_word_of_a_phrase_synonym_keeps_its_own_meaning(queries, analyzer):
    # "samordnande vårdcentral" means GSA, but "vårdcentral" alone does not match "GSA".
    term = _term(queries, "vem ar samordnande vardcentral i testby", "vardcentral")
    assert not term.matches(analyzer.readings("GSA"))
