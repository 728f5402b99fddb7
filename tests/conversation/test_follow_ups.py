"""Several questions in one chat, through the real servers: a question that stands on its own is
answered on its own whatever came before; a fragment that needs the previous answer gets it; two
questions in one message get both answers, each for its own area and role."""

from __future__ import annotations

import pytest

from knowledge.registry import DesignationStore
from tests.conversation.conftest import answer_of, text_of
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration


def _docs(replies) -> set[str]:
    return {s["doc"] for s in answer_of(replies).get("sources", [])}


def test_a_complete_question_after_an_area_question_is_answered_on_its_own(assistant):
    sender = fictitious_id()
    area = assistant.say("Vem är samordnande vårdcentral i Skärholmen?", sender)
    assert answer_of(area)["area"] == "skarholmen"
    replies = assistant.say("hur följs överenskommelsen HÖK upp?", sender)
    assert answer_of(replies)["kind"] == "passage"
    assert "årligen" in text_of(replies) and _docs(replies) == {"hok-oversikt"}
    assert "Skärholmen" not in text_of(replies)


def test_a_role_question_after_an_area_question_is_not_answered_for_that_area(assistant):
    sender = fictitious_id()
    assistant.say("vem ar ksa i nacka", sender)
    replies = assistant.say("Vilken kompetens ska kommunens samordnande funktion ha?", sender)
    assert answer_of(replies)["kind"] == "passage"
    assert "Nacka" not in text_of(replies)
    assert "socialtjänstens organisation" in text_of(replies)


def test_an_area_fragment_after_an_area_answer_keeps_the_role(assistant):
    sender = fictitious_id()
    assistant.say("Vem är KSA i Nacka?", sender)
    replies = assistant.say("och i Täby då?", sender)
    assert answer_of(replies)["area"] == "taby" and "Täby" in text_of(replies)
    assert "samordnande funktion" in text_of(replies) or "KSA" in text_of(replies)


def test_a_fragment_is_answered_from_the_previous_answer(assistant):
    sender = fictitious_id()
    first = assistant.say("Vilket index räknas ersättningen till SLSO upp med?", sender)
    assert "hsn-2020-1821-slso-gsa-stod" in _docs(first)
    replies = assistant.say("och hur mycket är ersättningen?", sender)
    assert answer_of(replies)["kind"] == "passage"
    assert "hsn-2020-1821-slso-gsa-stod" in _docs(replies)
    assert "kronor" in text_of(replies)


def test_the_same_fragment_with_nothing_before_it_is_not_guessed(assistant):
    replies = assistant.say("när då?")
    assert not answer_of(replies).get("sources") and "Källa" not in text_of(replies)
    assert text_of(replies)  # a reply that says what it needs, not silence


def test_two_questions_in_one_message_get_both_answers_each_for_its_own_area(assistant):
    store = DesignationStore(assistant.database_url)
    store.set("osteraker", "gsa", "Testvårdcentralen Österåker (fiktiv)", by="Testperson (fiktiv)")
    store.set("danderyd", "ksa", "Testfunktionen Danderyd (fiktiv)", by="Testperson (fiktiv)")
    replies = assistant.say("vem är GSA i Österåker och KSA i Danderyd?")
    text = text_of(replies)
    assert "Testvårdcentralen Österåker (fiktiv)" in text
    assert "Testfunktionen Danderyd (fiktiv)" in text
    crossed = assistant.say("vem är KSA i Österåker och GSA i Danderyd?")
    assert "fiktiv" not in text_of(crossed)
