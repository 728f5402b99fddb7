"""What a question asks for, and which sentences hold an answer of that kind."""

from __future__ import annotations

import pytest

from index.answer_types import STRICT, AnswerType, counted, holds, question_type, strength


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hur ofta följs HÖK upp?", AnswerType.FREQUENCY),
        ("folj hok upp varje ar?", AnswerType.FREQUENCY),
        ("När börjar HÖK gälla?", AnswerType.DATE),
        ("fran vilket datum galler det", AnswerType.DATE),
        ("vilkets tid ar motet", AnswerType.OTHER),
        ("Hur mycket pengar får SLSO?", AnswerType.AMOUNT),
        ("står det att kommunen får 10 miljoner kronor per år?", AnswerType.AMOUNT),
        ("Hur många prioriterade åtgärder finns det?", AnswerType.COUNT),
        ("Vem beslutar om riktlinjen?", AnswerType.PERSON),
        ("vem ar ordforande i styrgruppen", AnswerType.NAMED_PERSON),
        ("Vad heter kontaktpersonen på testförbundet?", AnswerType.NAMED_PERSON),
        ("vem på testförbundet var projektledare för förstudien?", AnswerType.NAMED_PERSON),
        ("vad heter chefen for testcentralen", AnswerType.NAMED_PERSON),
        # A role may be the contact person, and a group of heads is not one person.
        ("Vem är kontaktperson för andra aktörer?", AnswerType.PERSON),
        ("vilka är med i chefsgruppen", AnswerType.PERSON),
        ("mejladress till processledaren?", AnswerType.CONTACT),
        ("vad har han for telefonnummer?", AnswerType.PHONE),
        ("diarienummer för genomförandeplanen?", AnswerType.IDENTIFIER),
        ("Varför behövs en riktlinje?", AnswerType.REASON),
        ("Vad betyder SIP?", AnswerType.DEFINITION),
        ("Ska KSA delta i lokal samverkan?", AnswerType.YES_NO),
        ("Hur ska den lokala samverkan organiseras?", AnswerType.OTHER),
    ],
)
def test_question_type(question, kind):
    assert question_type(question) is kind


def test_a_when_inside_a_sentence_is_no_date_question():
    # "när det redan finns" is a conjunction, not "when?"
    assert question_type("Varför behövs en HÖK när det redan finns en massa överenskommelser?") is (
        AnswerType.REASON
    )
    assert question_type("vilken ar den digitala portalen") is not AnswerType.DATE  # "är", not "år"
    assert question_type("Från vilket konto tas kostnaderna?") is not AnswerType.DATE


def test_sentences_are_recognised_by_the_answer_they_hold():
    assert holds(AnswerType.FREQUENCY, "HÖK följs upp årligen genom dialog.")
    assert holds(AnswerType.FREQUENCY, "Möte 4 ggr per år.")
    assert not holds(AnswerType.FREQUENCY, "HÖK följs upp genom dialog.")
    assert holds(AnswerType.AMOUNT, "SLSO får 3 266 000 kronor i ersättning.")
    assert not holds(AnswerType.AMOUNT, "SLSO får ersättning från HSN.")
    assert holds(AnswerType.CONTACT, "Anmälan sker till hakan.wramner@storsthlm.se")
    assert holds(AnswerType.IDENTIFIER, "en genomförandeplan (HSN 2019–0945)")
    assert not holds(AnswerType.PHONE, "Anmälan sker till hakan.wramner@storsthlm.se")


def test_a_day_answers_a_date_question_better_than_a_year():
    day = strength(AnswerType.DATE, "Åtgärden träder i kraft den 1 februari 2021.")
    month = strength(AnswerType.DATE, "Riktlinjen fastställs i februari år 2022.")
    year = strength(AnswerType.DATE, "Förfrågningsunderlaget för husläkarverksamheten 2021.")
    assert day > month > year > 0


def test_a_count_is_answered_by_a_number_next_to_the_counted_noun():
    noun = counted("Hur många prioriterade åtgärder har planen?")
    assert noun == "prioriterade"
    assert strength(AnswerType.COUNT, "en plan med 22 prioriterade åtgärder", noun) == 1.0
    assert strength(AnswerType.COUNT, "beslutade i juni 2019 om en plan", noun) < 1.0


def test_strict_kinds_are_the_ones_that_cannot_be_answered_with_another_fact():
    assert {AnswerType.DATE, AnswerType.AMOUNT, AnswerType.FREQUENCY, AnswerType.PHONE} <= STRICT
    assert AnswerType.PERSON not in STRICT and AnswerType.OTHER not in STRICT
