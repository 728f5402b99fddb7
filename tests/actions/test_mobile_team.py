import pytest

from actions import mobile_team
from knowledge.answer import AnswerKind
from knowledge.eligibility import Assessment, assess


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
def test_a_decided_description_gets_the_count_and_the_rule(text, met, verdict):
    turn = mobile_team.start(assess(text))
    answer = turn.answer
    assert turn.pending is None and answer.kind is AnswerKind.RULE
    assert f"{met} av de sex kriterierna" in answer.text and verdict in answer.text
    assert "personen vill" in answer.text and "SIP" in answer.text and "gemensamt beslut" in answer.text
    assert {s.doc for s in answer.sources} == {"skane-samverkan-rutin"}


def test_undecided_asks_for_one_missing_criterion_with_buttons():
    turn = mobile_team.start(assess("80 år, hemsjukvård, fyra kroniska diagnoser"))
    text = turn.answer.text
    assert "3 av de sex kriterierna" in text and "Det behövs 1 till" in text
    assert turn.pending == "hospital_admissions"
    question = "Har personen varit inlagd på sjukhus tre gånger eller mer de senaste tolv månaderna?"
    assert text.endswith(question)
    assert "Har personen sex stående mediciner" not in text  # one question at a time
    assert [title for title, _ in turn.answer.buttons] == ["Ja", "Nej", "Vet inte"]
    assert turn.answer.sources  # the criteria are cited while asking


def test_a_yes_decides_and_ends_the_questions():
    first = mobile_team.start(assess("80 år, hemsjukvård, fyra kroniska diagnoser"))
    second = mobile_team.reply(first.assessment, first.asked, "ja")
    assert second is not None and second.pending is None
    assert "4 av de sex kriterierna" in second.answer.text and "Minst fyra av sex" in second.answer.text


def test_no_and_dont_know_move_on_to_the_next_criterion():
    first = mobile_team.start(assess("80 år, hemsjukvård, fyra kroniska diagnoser"))
    second = mobile_team.reply(first.assessment, first.asked, "nej")
    assert second is not None and second.pending == "medications"
    assert "Noterat: ✘ inlagd på sjukhus" in second.answer.text
    third = mobile_team.reply(second.assessment, second.asked, "vet inte")
    assert third is not None and third.pending == "personal_care"
    assert "Noterat: ? sex stående mediciner" in third.answer.text
    last = mobile_team.reply(third.assessment, third.asked, "nej, hon klarar sig själv")
    assert last is not None and last.pending is None  # every unknown criterion has been asked
    assert "Det går inte att avgöra ännu" in last.answer.text
    assert "- Har personen sex stående mediciner" in last.answer.text


def test_three_no_answers_mean_four_of_six_cannot_be_reached():
    turn = mobile_team.start(assess("hon är 80 år"))
    for _ in range(3):
        nxt = mobile_team.reply(turn.assessment, turn.asked, "nej")
        assert nxt is not None
        turn = nxt
    assert turn.pending is None and "kan inte uppfyllas" in turn.answer.text
    assert turn.answer.confidence == 1


def test_a_number_answers_a_counting_criterion():
    first = mobile_team.start(assess("hemsjukvård och fyra kroniska diagnoser, inlagd tre gånger i år"))
    assert first.pending == "medications"
    second = mobile_team.reply(first.assessment, first.asked, "sju")
    assert second is not None and second.pending is None
    assert "4 av de sex kriterierna" in second.answer.text and "✔ sex stående mediciner" in second.answer.text


def test_a_description_in_the_reply_is_merged():
    first = mobile_team.start(assess("80 år, hemsjukvård, fyra kroniska diagnoser"))
    second = mobile_team.reply(first.assessment, first.asked, "hon tar åtta stående mediciner")
    assert second is not None and "4 av de sex kriterierna" in second.answer.text


def test_an_unclear_short_reply_is_asked_again_and_a_new_question_is_not_a_reply():
    first = mobile_team.start(assess("80 år, hemsjukvård, fyra kroniska diagnoser"))
    again = mobile_team.reply(first.assessment, first.asked, "hmm")
    assert again is not None and again.pending == first.pending
    assert again.answer.text.startswith("Jag förstod inte svaret")
    assert mobile_team.reply(first.assessment, first.asked, "Vem är GSA i Farsta?") is None


def test_restore_drops_malformed_slot_values():
    assessment = assess("80 år").to_dict()
    restored = (Assessment.from_dict(assessment), ("age",))
    assert mobile_team.restore(assessment, ["age", "nonsense"]) == restored
    assert mobile_team.restore("not a dict", ["age"]) == (None, ())
    assert mobile_team.restore(assessment, None) == (None, ())


def test_a_general_question_is_not_a_patient_description():
    assert not mobile_team.describes_patient(assess("Vilka kriterier gäller för mobilt vårdteam?"))
    assert mobile_team.describes_patient(assess("hon är 80 år"))
    general = mobile_team.rule_answer()
    assert "fyra av sex kriterier" in general.text and "75 år eller äldre" in general.text
    assert {s.doc for s in general.sources} == {"skane-samverkan-rutin"}
