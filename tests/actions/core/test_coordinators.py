"""Structured answers from the real register, rules and a SQLite store with fictitious designations."""

from __future__ import annotations

import pytest

from actions.core.coordinators import Coordinators
from knowledge.answer import AnswerKind
from knowledge.registry import DesignationStore, get_register
from tests.databases import initialised, sqlite_url


@pytest.fixture
def coordinators(tmp_path) -> Coordinators:
    store = DesignationStore(initialised(sqlite_url(tmp_path)))
    store.set(
        "farsta", "gsa", "Testvårdcentralen Farsta (fiktiv)", by="Test Testsson (fiktiv)",
        contact="test@example.invalid", unit="Fiktiva enheten",
    )  # fmt: skip
    return Coordinators(get_register(), store)


def _docs(answer):
    return {s.doc for s in answer.sources}


def test_registered_gsa_is_named_with_the_date_it_was_recorded_and_the_rule(coordinators):
    a = coordinators.answer("gsa", get_register().resolve("Vem är GSA i Farsta?"))
    assert a.kind is AnswerKind.REGISTRY and a.area == "farsta"
    assert "Testvårdcentralen Farsta (fiktiv)" in a.text and "test@example.invalid" in a.text
    recorded = coordinators.store.get("farsta", "gsa").recorded_at.date().isoformat()
    assert f"Registrerat {recorded}." in a.text
    # The workspace user who recorded it is shown to workspace users only, never to end users.
    assert "Testsson" not in a.text and "Registrerat av" not in a.text
    assert "storsthlm-samordnande-funktioner" in _docs(a)


def test_unregistered_gsa_says_so_and_gives_the_rule_never_a_name(coordinators):
    a = coordinators.answer("gsa", get_register().resolve("vem ar gsa pa sodermalm"))
    assert a.kind is AnswerKind.RULE and a.area == "sodermalm"
    assert a.text.startswith("Det finns ingen samordnande vårdcentral (GSA) för Södermalm")
    assert "30 april" in a.text and "HSF" in a.text and "SLSO" in a.text
    assert {"storsthlm-rekommendation-hok-2021", "hsn-2020-1821-slso-gsa-stod"} <= _docs(a)


def test_ksa_rule_names_storsthlm_support(coordinators):
    a = coordinators.answer("ksa", get_register().resolve("Vem är KSA i Huddinge?"))
    assert a.kind is AnswerKind.RULE and "Huddinge" in a.text and "Storsthlm" in a.text


def test_norrtalje_is_kson(coordinators):
    a = coordinators.answer("ksa", get_register().resolve("Vem är KSA i Norrtälje?"))
    assert a.kind is AnswerKind.RULE and "KSON" in a.text
    assert _docs(a) == {"storsthlm-samordnande-funktioner"}


def test_stockholm_alone_asks_for_the_district(coordinators):
    a = coordinators.answer("gsa", get_register().resolve("Vem är GSA i Stockholm?"))
    assert a.kind is AnswerKind.CLARIFY and "stadsdelsområde" in a.text
    assert len(a.buttons) == 13 and ("Farsta", "Farsta") in a.buttons


def test_skane_municipality_gets_the_skane_agreement_and_an_offer_to_pass_the_question_on(coordinators):
    # Skåne's routine names no GSA: who holds it is not known, which is said plainly and offered
    # to the process lead, with what the routine has instead.
    a = coordinators.answer("gsa", get_register().resolve("Vem är GSA i Lund?"))
    assert a.kind is AnswerKind.ABSTAIN and a.area == "lund" and a.buttons
    assert "Skåne" in a.text and "det kommunen som sammankallar den lokala samverkan" in a.text
    assert a.text.endswith("Vill du att jag skickar frågan vidare till processledaren?")
    assert _docs(a) == {"skane-samverkan-rutin"}


def test_a_near_miss_says_which_area_it_understood(coordinators):
    a = coordinators.answer("gsa", get_register().resolve("Vem är GSA i Farstaa?"))
    assert a.text.startswith("Jag tolkar ”Farstaa” som Farsta.")


def test_convener_is_region_aware(coordinators):
    default = coordinators.convener(None)
    assert "samordnande vårdcentral" in default.text and "Skåne" in default.text
    skane = coordinators.convener(get_register().resolve("i Malmö"))
    assert _docs(skane) == {"skane-samverkan-rutin"} and skane.area == "malmo"
    stockholm = coordinators.convener(get_register().resolve("i Nacka"))
    assert "storsthlm-rekommendation-hok-2021" in _docs(stockholm) and "Skåne" not in stockholm.text


def test_missing_area_is_a_question(coordinators):
    a = coordinators.answer("gsa", None)
    assert a.kind is AnswerKind.CLARIFY and a.text == "Vilken kommun eller stadsdel gäller det?"


def test_route_answers_only_who_is_gsa_or_ksa_in_a_named_area(coordinators):
    routed = coordinators.route("vem ar ksa i midsommarkransen")
    assert routed is not None and routed.area == "hagersten-alvsjo"
    assert coordinators.route("ksa farsta").area == "farsta"
    assert coordinators.route("Vad ska KSA göra?") is None  # no area: a question for the sources
    assert coordinators.route("Kan du rekommendera en pizzeria i Solna?") is None  # no role


@pytest.mark.parametrize(
    ("text", "role", "area"),
    [
        ("vilken vc ar samordnande i Bromma", "gsa", "bromma"),
        ("samordnande vc i Farsta?", "gsa", "farsta"),
        ("vilken vårdcentral har samordningsansvaret i Solna", "gsa", "solna"),
        ("vem är regionens samordnande funktion i Solna", "gsa", "solna"),
        ("vilken är kommunens samordnande funktion i Nacka", "ksa", "nacka"),
        ("vem är samordnande funktion för kommunen i Nacka", "ksa", "nacka"),
    ],
)
def test_route_knows_a_role_by_its_parts_as_well_as_by_its_abbreviation(coordinators, text, role, area):
    routed = coordinators.route(text)
    assert routed is not None and routed.area == area
    assert f"({role.upper()})" in routed.text


def test_route_leaves_questions_about_coordinating_in_general_to_the_sources(coordinators):
    # Coordination without a role, or what a role is for, is answered from the sources.
    assert coordinators.route("Kan vårdcentralerna i Skåne samordna sig när det gäller hembesök?") is None
    assert (
        coordinators.route("vem ansvarar for att det finns en vc med samordningsansvar i varje kommun")
        is None
    )


@pytest.mark.parametrize(
    ("text", "about_the_role"),
    [
        ("Vilka kunskaper behöver kommunens samordnande funktion?", True),
        ("vad gör ksa", True),
        ("vem utser gsa", True),
        ("vilken roll har gsa i lokal samverkan", True),
        ("Vem är GSA hos oss?", False),
        ("vem har gsa-uppdraget i Farsta", False),
        ("kontaktuppgifter till ksa", False),
        ("vilken vårdcentral är gsa", False),
    ],
)
def test_a_question_about_the_role_is_told_from_a_question_about_its_holder(
    coordinators, text, about_the_role
):
    assert coordinators.asks_about_the_role(text) is about_the_role
