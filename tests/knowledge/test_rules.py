"""Rule texts and their citations: every citation must be verbatim in the real sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.answer import SourceRef
from knowledge.documents import get_document
from knowledge.rules import (
    DEFAULT_RULES_PATH,
    Citation,
    Rule,
    RulesError,
    get_rule,
    load_rules,
    parse_rules,
    rule_sources,
    sections,
    verify_citations,
)

SOURCES = Path(__file__).resolve().parents[2] / "knowledge" / "sources"
EXPECTED_IDS = {
    "gsa_designation",
    "gsa_support",
    "gsa_role",
    "ksa_designation",
    "ksa_role",
    "norrtalje",
    "convener_stockholm",
    "convener_skane",
    "convener_other_region_note",
    "skane_no_gsa",
    "mobile_team",
    "mobile_team_criteria",
}


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    return load_rules()


# --- The shipped rules ---------------------------------------------------------------------------


def test_the_shipped_rules_are_all_there(rules: dict[str, Rule]):
    assert set(rules) == EXPECTED_IDS
    assert all(rule.citations for rule in rules.values())


def test_every_citation_is_verbatim_in_the_real_sources(rules: dict[str, Rule]):
    assert verify_citations(rules, SOURCES) == []


def test_rule_texts_have_no_blank_lines(rules: dict[str, Rule]):
    # Rasa's REST channel would split a text with blank lines into several messages.
    assert all("\n\n" not in rule.text for rule in rules.values())


# Abbreviations a rule states only as an absence (the Skåne routine describes no GSA/KSA).
ABSENT_BY_DESIGN = {"skane_no_gsa": {"GSA", "KSA"}}


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_IDS))
def test_numbers_and_abbreviations_in_a_text_come_from_its_citations(rules: dict[str, Rule], rule_id: str):
    rule = rules[rule_id]
    cited = " ".join(f"{c.section} {c.excerpt}" for c in rule.citations)
    numbers = set(re.findall(r"\d+", rule.text))
    assert numbers <= set(re.findall(r"\d+", cited)), f"{rule_id}: numbers not in its citations"
    abbreviations = set(re.findall(r"\b[A-ZÅÄÖ]{2,}\b", rule.text)) - ABSENT_BY_DESIGN.get(rule_id, set())
    assert abbreviations <= set(re.findall(r"\b[A-ZÅÄÖ]{2,}\b", cited)), (
        f"{rule_id}: names not in its citations"
    )


def test_gsa_designation_says_who_designates_and_the_deadline(rules: dict[str, Rule]):
    text = rules["gsa_designation"].text
    assert "utser tillsammans" in text and "30 april" in text and "HSF" in text
    assert "privat regi" in text and "regionens egen regi" in text
    assert {c.doc for c in rules["gsa_designation"].citations} == {
        "storsthlm-rekommendation-hok-2021",
        "storsthlm-samordnande-funktioner",
    }


def test_convener_stockholm_cites_the_recommendations_sentence(rules: dict[str, Rule]):
    sentence = (
        "Om parterna inte kommer överens om annat så är det den samordnande vårdcentralen som har i sitt "
        "uppdrag att ansvara för att sammankalla till samverkan."
    )
    assert Citation(
        "storsthlm-rekommendation-hok-2021", "Organisering av den lokala samverkan", sentence
    ) in (rules["convener_stockholm"].citations)


def test_skane_rules_cite_only_the_skane_routine(rules: dict[str, Rule]):
    for rule_id in ("convener_skane", "convener_other_region_note", "skane_no_gsa", "mobile_team"):
        assert {c.doc for c in rules[rule_id].citations} == {"skane-samverkan-rutin"}
    assert "kommunen" in rules["convener_skane"].text and "regionen" in rules["convener_skane"].text


def test_norrtalje_names_kson(rules: dict[str, Rule]):
    assert "Kommunalförbundet Sjukvård och omsorg i Norrtälje (KSON)" in rules["norrtalje"].text


def test_mobile_team_states_wish_joint_decision_four_of_six_and_sip(rules: dict[str, Rule]):
    text = rules["mobile_team"].text
    for phrase in ("gemensamt beslut", "Region Skåne", "personen vill", "fyra av sex", "(SIP)"):
        assert phrase in text


def test_rule_sources_carry_document_titles(rules: dict[str, Rule]):
    refs = rule_sources(rules["norrtalje"], SOURCES)
    assert refs == (
        SourceRef(
            doc="storsthlm-samordnande-funktioner",
            title="Samordnande funktioner i den lokala samverkan",
            section="Samordnande funktioner i den lokala samverkan",
            excerpt=rules["norrtalje"].citations[0].excerpt,
        ),
    )


def test_get_rule(rules: dict[str, Rule]):
    assert get_rule("norrtalje") == rules["norrtalje"]
    with pytest.raises(KeyError):
        get_rule("no_such_rule")


def test_load_rules_returns_a_fresh_dict_each_time():
    first = load_rules()
    first.pop("norrtalje")
    assert "norrtalje" in load_rules()


# --- verify_citations catches what a source does not say ------------------------------------------

NORRTALJE = (
    "I Norrtälje kommun har Kommunalförbundet Sjukvård och omsorg i Norrtälje (KSON) hela samordningsansvaret"
)


def _rule(doc: str, section: str, excerpt: str) -> Rule:
    return Rule("testregel", "Text.", (Citation(doc, section, excerpt),))


def test_verify_accepts_an_excerpt_with_different_line_breaks():
    excerpt = NORRTALJE.replace(" har ", "\n  har\n")
    rule = _rule("storsthlm-samordnande-funktioner", "Samordnande funktioner i den lokala samverkan", excerpt)
    assert verify_citations([rule], SOURCES) == []


@pytest.mark.parametrize(
    ("doc", "section", "excerpt", "problem"),
    [
        ("no-such-doc", "Lokal samverkan", "Kommunen är sammankallande.", "no source document"),
        ("skane-samverkan-rutin", "Ingen sådan rubrik", "Kommunen är sammankallande.", "has no section"),
        ("skane-samverkan-rutin", "Lokal samverkan", "Regionen är sammankallande.", "does not occur"),
        ("skane-samverkan-rutin", "Lokal samverkan", "Möten fem ggr/år.", "does not occur"),
        # A true sentence, but cited under the wrong heading.
        (
            "storsthlm-samordnande-funktioner",
            "Kommunens samordnande funktion (KSA)",
            NORRTALJE,
            "does not occur",
        ),
    ],
)
def test_verify_reports_a_citation_the_source_does_not_support(doc, section, excerpt, problem):
    (found,) = verify_citations([_rule(doc, section, excerpt)], SOURCES)
    assert problem in found and "testregel" in found


def test_verify_works_on_a_fictitious_corpus(tiny_corpus: Path):
    good = _rule("testdok", "Sammankallande", "Testcentralen sammankallar till lokala samverkansmöten")
    bad = _rule("testdok", "Syfte", "Testcentralen sammankallar till lokala samverkansmöten")
    assert verify_citations([good], tiny_corpus) == []
    assert len(verify_citations({"bad": bad}, tiny_corpus)) == 1


def test_sections_split_at_every_heading_level():
    parts = sections(get_document("storsthlm-rekommendation-hok-2021", SOURCES))
    assert "Samordnande vårdcentral" in parts and "Kommunens samordnande funktion" in parts
    assert "30 april" in parts["Samordnande vårdcentral"]
    # A section ends at the next heading, whatever its level.
    assert "30 april" not in parts["Samordnande funktion i den lokala samverkan"]


# --- Validation of the rules file ------------------------------------------------------------------

GOOD_RULE = {"id": "regel", "text": "Text.", "citations": [{"doc": "d", "section": "s", "excerpt": "e"}]}


def test_parse_rules_builds_frozen_rules():
    (rule,) = parse_rules({"rules": [GOOD_RULE]})
    assert rule == Rule("regel", "Text.", (Citation("d", "s", "e"),))
    with pytest.raises(AttributeError):
        rule.text = "Annan text."  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "list under 'rules'"),
        ({"rules": {"regel": GOOD_RULE}}, "list under 'rules'"),
        ({"rules": [GOOD_RULE, GOOD_RULE]}, "duplicate rule id"),
        ({"rules": [{**GOOD_RULE, "id": "Regel-1"}]}, "lower-case"),
        ({"rules": [{**GOOD_RULE, "text": "  "}]}, "'text' must be a non-empty string"),
        ({"rules": [{**GOOD_RULE, "citations": []}]}, "non-empty list"),
        ({"rules": [{**GOOD_RULE, "source": "x"}]}, "unknown field"),
        ({"rules": [{k: v for k, v in GOOD_RULE.items() if k != "text"}]}, "missing text"),
        ({"rules": [{**GOOD_RULE, "citations": [{"doc": "d", "section": "s"}]}]}, "missing excerpt"),
        ({"rules": [{**GOOD_RULE, "citations": ["d"]}]}, "expected a mapping"),
    ],
)
def test_parse_rules_rejects_malformed_data(data, message):
    with pytest.raises(RulesError, match=re.escape(message)):
        parse_rules(data)


def test_load_rules_from_a_file(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n  - id: regel\n    text: Text.\n    citations:\n      - {doc: d, section: s, excerpt: e}\n",
        encoding="utf-8",
    )
    assert load_rules(path) == {"regel": Rule("regel", "Text.", (Citation("d", "s", "e"),))}


def test_load_rules_reports_invalid_yaml_and_missing_files(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(broken)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")


def test_default_path_is_the_packaged_rules_file():
    assert DEFAULT_RULES_PATH.name == "rules.yaml" and DEFAULT_RULES_PATH.is_file()
