"""Follow-ups: a question that only makes sense after the one before it."""

from __future__ import annotations

import pytest

from actions.core.question import Question, clean_text

PREVIOUS = "Vem utser den samordnande vårdcentralen?"


@pytest.mark.parametrize(
    "text",
    [
        "och vem stöttar dem?",
        "och i Skåne då?",
        "Men när gäller det?",
        "vem bestämmer den då?",
        "hur ofta sker det?",
    ],
)
def test_follow_ups_are_read_with_the_previous_question(text):
    question = Question(text, previous=PREVIOUS)
    assert question.is_follow_up
    assert question.in_context == f"{PREVIOUS} {text}"


@pytest.mark.parametrize(
    "text",
    [
        "Hur ofta följs huvudöverenskommelsen upp?",
        "Vilka kriterier gäller för mobilt vårdteam i Skåne?",
        "Vad är syftet med överenskommelsen mellan HSN och SLSO och vad ska SLSO göra för vårdcentralerna?",
    ],
)
def test_a_question_of_its_own_is_read_alone(text):
    question = Question(text, previous=PREVIOUS)
    assert not question.is_follow_up and question.in_context == text


def test_without_a_previous_question_nothing_is_a_follow_up():
    assert not Question("och vem stöttar dem?").is_follow_up


def test_clean_text_drops_control_characters_and_redaction_marks_and_cuts():
    text, cut = clean_text("Hur följs\x00 HÖK upp? [personnummer borttaget]", 100)
    assert (text, cut) == ("Hur följs HÖK upp?", False)
    assert clean_text("a" * 50, 10) == ("a" * 10, True)
