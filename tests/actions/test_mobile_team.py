import pytest

from actions.mobile_team import describes_patient, eligibility_answer
from knowledge.answer import AnswerKind
from knowledge.eligibility import assess


@pytest.mark.parametrize(
    ("text", "met", "verdict"),
    [
        ("80 år, hemsjukvård, fyra kroniska diagnoser", 3, "Det behövs 1 till"),
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
def test_counts_criteria_and_gives_the_rule(text, met, verdict):
    answer = eligibility_answer(assess(text))
    assert answer.kind is AnswerKind.RULE
    assert f"{met} av de sex kriterierna" in answer.text and verdict in answer.text
    assert "personen vill" in answer.text and "SIP" in answer.text and "gemensamt beslut" in answer.text
    assert {s.doc for s in answer.sources} == {"skane-samverkan-rutin"}


def test_undecided_asks_for_the_missing_criteria():
    answer = eligibility_answer(assess("80 år, hemsjukvård, fyra kroniska diagnoser"))
    assert "Har personen sex stående mediciner eller fler" in answer.text
    assert answer.confidence < 1


def test_a_general_question_is_not_a_patient_description():
    assert not describes_patient(assess("Vilka kriterier gäller för mobilt vårdteam?"))
    assert describes_patient(assess("hon är 80 år"))
