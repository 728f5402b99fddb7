"""Rasa owns the dialogue: every hand-over between actions is covered by a rule, so after any
answer the next message is answered; "ja"/"nej" mean what the last question asked."""

from __future__ import annotations

import pytest

from tests.bench.bank import load, must_abstain, turns
from tests.conversation.conftest import Client, answer_of, text_of
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

CIRCUIT_BREAKER = "Circuit breaker tripped"


def _breaker_lines(assistant: Client) -> int:
    return (
        (assistant.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace").count(CIRCUIT_BREAKER)
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Vilken kunskap bör kommunens samordnande funktion ha?", "socialtjänstens organisation"),
        ("Vilken kunskap bör den samordnande vårdcentralen ha?", "samordn"),
    ],
)
def test_a_question_about_a_role_is_answered_once_and_the_conversation_goes_on(assistant, question, expected):
    """These questions used to make Rasa run the knowledge action ten times and leave the
    conversation dead: every later message, "Hej" and "/restart" too, got no reply."""
    before = _breaker_lines(assistant)
    sender = fictitious_id()
    replies = assistant.say(question, sender)
    assert expected in text_of(replies)
    assert sum(1 for r in replies if isinstance(r.get("custom"), dict)) == 1  # one answer, not ten
    assert "Hej" in text_of(assistant.say("Hej", sender))
    restarted = assistant.say("/restart", sender)
    assert text_of(restarted).startswith("Vi börjar om")
    assert answer_of(assistant.say("Hur ofta följs HÖK upp?", sender))["kind"] == "passage"
    assert _breaker_lines(assistant) == before


def test_every_turn_of_a_long_mixed_conversation_is_answered(assistant):
    sender = fictitious_id()
    conversation = [
        "Hej!",
        "Vem är GSA?",  # the area form asks
        "Hur följs HÖK upp?",  # ... a question instead ends the form and is answered
        "Vem är KSA i Nacka?",
        "och i Norrtälje då?",
        "Vad blir vädret i helgen?",  # abstains and offers to pass the question on
        "nej",
        "ja",  # nothing asked now
        "Uppfyller en brukare på 81 år med hemsjukvård kriterierna för mobilt vårdteam?",
        "ja",  # a criterion
        "Vem sammankallar lokal samverkan i Skåne?",  # ends the questioning
        "vet inte",
        "Vad betyder SIP?",
        "tack",
        "hej då",
    ]
    before = _breaker_lines(assistant)
    for message in conversation:
        replies = assistant.say(message, sender)
        assert text_of(replies).strip(), f"no reply to {message!r}"
    assert _breaker_lines(assistant) == before


def test_yes_means_pass_on_only_right_after_the_offer(assistant):
    sender = fictitious_id()
    offer = assistant.say("Vad kostar en taxi till Arlanda?", sender)
    assert answer_of(offer)["kind"] == "abstain" and "skickar frågan vidare" in text_of(offer)
    assert "skickat frågan vidare" in text_of(assistant.say("ja", sender))
    assert "inte säker på vad du svarar på" in text_of(assistant.say("ja", sender))


def test_the_whole_question_bank_is_answered_without_loops_or_small_talk(assistant):
    """Every turn of the bank gets a reply; no agreement question gets small talk; Rasa never
    trips its circuit breaker (an action chain that does not end in listening)."""
    before = _breaker_lines(assistant)
    small_talk: list[str] = []
    for case in load("dev") + load("test"):
        sender = fictitious_id()
        for message in turns(case):
            replies = assistant.say(message, sender)
            assert text_of(replies).strip(), f"{case['id']}: no reply to {message!r}"
        if not must_abstain(case) and not answer_of(replies):
            small_talk.append(case["id"])
    assert small_talk == []
    assert _breaker_lines(assistant) == before
