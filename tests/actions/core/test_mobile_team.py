"""The mobile care team questioning's decisions and wording (the Rasa form uses these)."""

from __future__ import annotations

import pytest

from actions.core import mobile_team
from knowledge.answer import AnswerKind
from knowledge.eligibility import assess


def slots_for(text: str) -> dict[str, str | None]:
    described = assess(text)
    return {mobile_team.slot_of(f.criterion.id): mobile_team.slot_value(f) for f in described.findings}


@pytest.mark.parametrize(
    ("text", "met", "verdict"),
    [
        ("82 år, hemsjukvård, fyra kroniska diagnoser, åtta stående mediciner", 4, "Minst fyra av sex"),
        (
            "85 år, hemsjukvård, tre kroniska diagnoser, sju stående läkemedel, inlagd fyra gånger senaste "
            "året och klarar inte den personliga omvårdnaden",
            6,
            "Minst fyra av sex",
        ),
        ("60 år, ingen hemsjukvård, en kronisk diagnos, två mediciner", 0, "kan inte uppfyllas"),
    ],
)
def test_a_decided_description_needs_no_question_and_gets_the_verdict(text, met, verdict):
    assessment = mobile_team.from_slots(slots_for(text))
    assert mobile_team.still_to_ask(assessment, mobile_team.asked_or_known(slots_for(text))) == []
    answer = mobile_team.verdict(assessment)
    assert answer.kind is AnswerKind.RULE
    assert f"{met} av de sex kriterierna" in answer.text and verdict in answer.text
    assert "personen vill" in answer.text and "SIP" in answer.text and "gemensamt beslut" in answer.text
    assert {s.doc for s in answer.sources} == {"skane-samverkan-rutin"}


def test_an_undecided_description_asks_one_criterion_at_a_time_with_buttons():
    slots = slots_for("80 år, hemsjukvård, fyra kroniska diagnoser")
    assessment = mobile_team.from_slots(slots)
    assert "3 av de sex kriterierna" in mobile_team.summary(assessment)
    to_ask = mobile_team.still_to_ask(assessment, mobile_team.asked_or_known(slots))
    assert to_ask[0] == "hospital_admissions"
    question = mobile_team.question(to_ask[0], assessment)
    assert "Det behövs 1 till" in question.text
    assert question.text.endswith(
        "Har personen varit inlagd på sjukhus tre gånger eller mer de senaste tolv månaderna?"
    )
    assert [title for title, _ in question.buttons] == ["Ja", "Nej", "Vet inte"]
    assert question.sources  # the criteria are cited while asking


def test_replies_ja_nej_vet_inte_and_numbers_are_read_for_the_criterion_asked():
    assert mobile_team.read_reply("hospital_admissions", "ja").status.value == "met"
    assert mobile_team.read_reply("hospital_admissions", "nej").status.value == "not_met"
    unsure = mobile_team.read_reply("medications", "vet inte")
    assert unsure is not None and not unsure.known
    assert mobile_team.read_reply("medications", "sju").status.value == "met"
    assert mobile_team.read_reply("medications", "Vem är GSA i Farsta?") is None


def test_dont_know_is_asked_once_then_counted_as_unknown():
    slots = slots_for("80 år, hemsjukvård, fyra kroniska diagnoser")
    slots[mobile_team.slot_of("hospital_admissions")] = mobile_team.ASKED_UNKNOWN
    assessment = mobile_team.from_slots(slots)
    settled = mobile_team.asked_or_known(slots)
    assert "hospital_admissions" in settled
    assert "hospital_admissions" not in mobile_team.still_to_ask(assessment, settled)


def test_an_unclear_short_reply_is_asked_again_but_a_question_is_not():
    assert mobile_team.is_unclear_reply("hmm")
    assert not mobile_team.is_unclear_reply("Vem är GSA i Farsta?")
    assert not mobile_team.is_unclear_reply("hon är 82")


def test_malformed_slot_values_count_as_unknown():
    assessment = mobile_team.from_slots({mobile_team.slot_of("age"): "kanske", "criterion_nonsense": "met"})
    assert assessment.met_count == 0 and len(assessment.unknown) == 6


def test_a_general_question_is_not_a_patient_description():
    assert not mobile_team.describes_patient(assess("Vilka kriterier gäller för mobilt vårdteam?"))
    assert mobile_team.describes_patient(assess("hon är 80 år"))
    general = mobile_team.rule_answer()
    assert "fyra av sex kriterier" in general.text and "75 år eller äldre" in general.text
    assert {s.doc for s in general.sources} == {"skane-samverkan-rutin"}
