"""Conversations with the real Rasa server and knowledge service over HTTP."""

from __future__ import annotations

import pytest
import yaml

from tests.bench.devset import DEVSET
from tests.conversation.conftest import answer_of, text_of
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

DOC_IDS = {
    "storsthlm-samordnande-funktioner",
    "hok-oversikt",
    "storsthlm-rekommendation-hok-2021",
    "hsn-2020-1821-slso-gsa-stod",
    "skane-samverkan-rutin",
}


def _dev_cases() -> list[dict]:
    return yaml.safe_load(DEVSET.read_text(encoding="utf-8"))


# The shared dev set through the bot. The answers are learned, not written per question, so the
# gate is the share right and every must-abstain question refused. Measured: 21 of 23 answerable at
# the threshold the dev halves chose (0.58), 20 of 23 at the one the calibration set chose (0.66:
# "När började HÖK gälla tidigast?" now abstains), both must-abstain refused; 21 of 23 in process
# with the runner-up quoted and the words in the nearest questions' vote (threshold 0.59). Then the
# leakage check compared questions with their å/ä/ö restored, as the assistant reads them, and
# dropped the written questions that were a dev-set question typed with or without them: 19 of 23
# (threshold 0.68), in process and through the bot.
MIN_DEV_SET_ANSWERS = 0.78  # 18 of 23


def test_the_dev_set_is_answered_through_the_bot(assistant, ask_bot):
    wrong: dict[str, list[str]] = {}
    answerable = 0
    for case in _dev_cases():
        turns = case["ask"] if isinstance(case["ask"], list) else [case["ask"]]
        sender = fictitious_id()
        replies = [assistant.say(t, sender) for t in turns]
        problems = ask_bot.check(case, replies[0], replies[-1])
        if case.get("kind") == "abstain":
            assert problems == [], f"{case['id']} must abstain: {problems}"
            continue
        answerable += 1
        if problems:
            wrong[case["id"]] = problems
    assert (answerable - len(wrong)) / answerable >= MIN_DEV_SET_ANSWERS, wrong


def test_a_question_is_answered_with_its_source(assistant):
    replies = assistant.say("Vilka bilagor finns till hälso- och sjukvårdsavtalet i Skåne?")
    text = text_of(replies)
    answer = answer_of(replies)
    assert answer["kind"] == "passage"
    assert answer["sources"][0]["doc"] == "skane-samverkan-rutin"
    assert "Palliativ vård" in text and "Källa: Rutin för samverkan" in text
    assert set(answer["sources"][0]) == {"doc", "title", "section", "excerpt", "url"}
    assert answer["sources"][0]["url"].startswith(f"/kallor/{answer['sources'][0]['doc']}?stycke=")
    assert 0 < answer["confidence"] <= 1


def test_a_question_without_diacritics_is_answered(assistant):
    answer = answer_of(assistant.say("nar trader overenskommelsen mellan hsn och slso i kraft"))
    assert answer["kind"] == "passage" and answer["sources"][0]["doc"] == "hsn-2020-1821-slso-gsa-stod"


@pytest.mark.parametrize(
    "question",
    ["Vad blir det för väder i helgen?", "Hur byter jag lösenord i datorn?", "Vem vann Allsvenskan i fjol?"],
)
def test_off_topic_questions_abstain_and_offer_to_pass_on(assistant, question):
    replies = assistant.say(question)
    answer = answer_of(replies)
    assert answer == {"kind": "abstain", "sources": [], "confidence": answer["confidence"], "area": None}
    assert "inget svar" in text_of(replies) and "skickar frågan vidare" in text_of(replies)


def test_small_talk_says_what_the_assistant_answers(assistant):
    greeting = text_of(assistant.say("Hej!"))
    assert "HÖK" in greeting or "överenskommelse" in greeting
    assert any(
        w in text_of(assistant.say("är du en människa?")).lower() for w in ("automatisk", "inte en människa")
    )
    thanks = text_of(assistant.say("tack så mycket"))
    assert "fråg" in thanks and not answer_of(
        assistant.say("tack så mycket")
    )  # small talk, no knowledge answer


@pytest.mark.parametrize(
    "message",
    ["🙂🙂🙂", "<script>alert('hej')</script>", "\x00\x01 binärt \ufffd"],
    ids=["emoji", "markup", "binary"],
)
def test_odd_input_gets_a_swedish_reply(assistant, message):
    text = text_of(assistant.say(message))
    assert "Traceback" not in text and "Error" not in text
    assert any(w in text for w in ("Jag", "jag", "Din fråga"))


@pytest.mark.parametrize("route", ["/chat", "/webhooks/rest/webhook"])
def test_the_front_door_refuses_empty_huge_and_malformed_turns_in_swedish(assistant, route):
    status, body = assistant.post(route, {"sender": "proxy-test", "message": "x" * 20000})
    assert status == 413 and "för långt" in body["detail"]
    status, body = assistant.post(route, {"sender": "proxy-test", "message": ""})
    assert status == 422 and "tomt" in body["detail"]
    for malformed in (b"\xff\xfe not json", b"", b"[]", b"{}"):
        status, body = assistant.post(route, malformed)
        assert status == 422 and "kunde inte tolkas" in body["detail"], malformed


def test_rasa_answers_only_the_front_door(assistant):
    turn = {"sender": "utan-ingang", "message": "Hur följs HÖK upp?"}
    for token in (None, "gissat", ""):
        status, body = assistant.to_rasa(turn, token)
        assert status == 401 and "kunskapstjänsten" in body["detail"]
    for malformed in (b"", b"[]", b"null", b'{"sender": 5, "message": "hej"}', b"\xff"):
        status, body = assistant.to_rasa(malformed, assistant.rasa_token)
        assert status == 400 and "kunde inte tolkas" in body["detail"], malformed
    status, body = assistant.to_rasa(
        {"sender": "lang", "message": "samverkan " * 100_000}, assistant.rasa_token
    )
    assert status == 413 and "för långt" in body["detail"]  # refused at once, not read for a minute
    status, replies = assistant.to_rasa(turn, assistant.rasa_token)
    assert status == 200 and answer_of(replies)["sources"][0]["doc"] == "hok-oversikt"


def test_chat_proxy_forwards_and_guards(assistant):
    status, replies = assistant.chat({"sender": "proxy-test", "message": "Hur följs HÖK upp?"})
    assert status == 200 and answer_of(replies)["sources"][0]["doc"] == "hok-oversikt"
    status, replies = assistant.chat({"sender": "proxy-test", "message": "<b>Vem stödjer GSA?</b>"})
    assert status == 200 and all(s["doc"] in DOC_IDS for s in answer_of(replies)["sources"])
