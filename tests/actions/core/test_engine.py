"""Routing in the answering core: the register and rules, definitions, other regions,
follow-ups, small talk, and NLU's intent taken as a hint rather than the judge."""

from __future__ import annotations

from actions.core.engine import AnsweringCore
from actions.core.question import Question
from knowledge.answer import AnswerKind


def test_a_passage_answer_cites_its_section_and_links_to_the_viewer(core: AnsweringCore):
    answer = core.answer(Question("Hur mycket ersättning får testcentralen?"))
    assert answer.kind is AnswerKind.PASSAGE and "100 000 kronor" in answer.text
    (source,) = answer.sources
    assert source.section == "Ersättning" and "avsnittet ”Ersättning”" in answer.text
    assert source.url is not None and source.url.startswith("/kallor/lasdok?stycke=")


def test_an_abbreviation_the_sources_define_is_spelt_out(core: AnsweringCore):
    answer = core.answer(Question("vad betyder STP?"))
    assert answer.kind is AnswerKind.PASSAGE
    assert answer.text.startswith("STP står för samordnad testplan.")
    assert answer.sources[0].section == "Testfunktionen"


def test_an_abbreviation_the_sources_never_spell_out_is_not_guessed(core: AnsweringCore):
    answer = core.answer(Question("Vad står LPIK för?"))
    assert answer.kind is AnswerKind.ABSTAIN and "förklarar den inte" in answer.text
    assert answer.buttons  # the offer to pass the question on


def test_another_regions_agreements_are_not_answered_from_these(core: AnsweringCore):
    answer = core.answer(Question("Hur ser samverkan ut mellan Region Uppsala och kommunerna?"))
    assert answer.kind is AnswerKind.ABSTAIN and "Region Uppsala" in answer.text


def test_who_is_gsa_in_an_area_is_answered_from_the_register_whatever_nlu_said(core: AnsweringCore):
    answer = core.answer(Question("vem ar gsa i sonla", intent="out_of_scope"))
    assert answer.kind is AnswerKind.RULE and answer.area == "solna"
    assert "Jag tolkar ”sonla” som Solna" in answer.text
    assert all(s.url for s in answer.sources)  # rule citations link to the viewer too


def test_a_follow_up_naming_another_area_repeats_the_previous_question_there(core: AnsweringCore):
    answer = core.answer(Question("och i Norrtälje då?", previous="Vem är KSA i Huddinge?"))
    assert answer.kind is AnswerKind.RULE and "KSON" in answer.text


def test_a_follow_up_naming_the_other_region_gets_its_convener(core: AnsweringCore):
    previous = "Vem är sammankallande för lokal samverkan i Skåne?"
    answer = core.answer(Question("och i Stockholms län då?", previous=previous))
    assert answer.kind is AnswerKind.RULE
    assert answer.text.startswith("I Stockholms län är det den samordnande")


def test_who_convenes_is_region_aware_but_another_bodys_meetings_are_not_the_rule(core: AnsweringCore):
    skane = core.answer(Question("vem sammankallar den lokala samverkan i Skåne?"))
    assert skane.kind is AnswerKind.RULE and "kommunen" in skane.text
    other = core.answer(Question("Vem kallar till SIP-möte?"))
    assert other.kind is not AnswerKind.RULE


def test_a_role_question_nlu_sent_to_the_register_is_answered_from_the_sources(core: AnsweringCore):
    answer = core.coordinator(Question("Vilken kunskap bör KSA ha?", intent="ask_ksa"))
    assert answer.kind in (AnswerKind.PASSAGE, AnswerKind.ABSTAIN)  # never a register answer


def test_a_register_intent_without_the_role_in_the_text_is_not_a_register_answer(core: AnsweringCore):
    answer = core.coordinator(Question("Vem är MAS i Botkyrka?", intent="ask_gsa", area="botkyrka"))
    assert answer.kind is not AnswerKind.RULE


def test_the_area_slot_answers_a_bare_area_after_the_form_asked(core: AnsweringCore):
    answer = core.coordinator(Question("Bromma", intent="inform_area", area="bromma", role="gsa"))
    assert answer.kind is AnswerKind.RULE and answer.area == "bromma"


def test_a_mobile_team_description_outside_the_form_gets_the_verdict(core: AnsweringCore):
    answer = core.answer(
        Question(
            "Patient 85 år, hemsjukvård, fem kroniska diagnoser, inlagd fyra gånger i år. Mobilt vårdteam?"
        )
    )
    assert answer.kind is AnswerKind.RULE and "Minst fyra av sex kriterier är uppfyllda" in answer.text


def test_small_talk_is_told_from_a_question_nlu_took_for_small_talk(core: AnsweringCore):
    assert core.is_small_talk(Question("Hej hej!", intent="greet"))
    assert core.is_small_talk(Question("Tack så mycket!", intent="thanks"))
    assert core.is_small_talk(Question("Vad kan du hjälpa till med?", intent="ask_capabilities"))
    assert not core.is_small_talk(Question("Tack! Hur mycket ersättning får testcentralen?", intent="thanks"))
    # A question about something the sources never mention is a question, not small talk.
    blankett = Question("Vilken blankett använder vi för att beställa hjälpmedel?", intent="ask_capabilities")
    assert not core.is_small_talk(blankett)
    follow_up = Question("vem bestämmer den då?", intent="goodbye", previous="Vad är riktlinjen?")
    assert not core.is_small_talk(follow_up)
    why = Question("varför just dom?", intent="deny", previous="Vem stödjer de samordnande vårdcentralerna?")
    assert not core.is_small_talk(why)
    assert core.is_small_talk(Question("ja", intent="affirm", previous="Vem stödjer vårdcentralerna?"))
