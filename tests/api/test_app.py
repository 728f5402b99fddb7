"""The knowledge service's HTTP API, on a tiny fictitious corpus with the fake embedder."""

from __future__ import annotations

import socket

import pytest
from fastapi.testclient import TestClient

from actions.app import create_app
from index.service import SearchEngine
from knowledge.inbox import Inbox
from knowledge.settings import Settings
from tests.conftest import FICTITIOUS_DOC, FakeEmbedder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    tmp_path = tmp_path_factory.mktemp("api")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    settings = Settings(
        sources_dir=sources,
        index_dir=tmp_path / "build",
        embedding_model="fake-embedder",
        rasa_url=f"http://127.0.0.1:{_free_port()}",  # nothing listens there
        abstain_min_dense=0.2,
        abstain_strong_dense=0.5,
        max_message_chars=200,
        database_url=f"sqlite:///{tmp_path / 'knowledge.db'}",
    )
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()  # the unit-test stand-in for the real model
    with TestClient(create_app(settings, engine)) as c:
        yield c


def test_webhook_answers_with_text_and_payload(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("Vem sammankallar till lokala samverkansmöten?"))
    assert r.status_code == 200
    responses = r.json()["responses"]
    text = responses[0]["text"]
    assert "sammankallar" in text and "Källa: Fiktiv testöverenskommelse" in text
    answer = responses[1]["custom"]["answer"]
    assert answer["kind"] == "passage"
    assert answer["sources"][0]["doc"] == "testdok"
    assert 0 <= answer["confidence"] <= 1


def test_webhook_abstains_off_topic(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("Vilken pizzeria har godast kebab?", intent="out_of_scope"))
    responses = r.json()["responses"]
    assert "inget svar" in responses[0]["text"]
    assert "skickar frågan vidare" in responses[0]["text"]
    assert responses[1]["custom"]["answer"] == {
        "kind": "abstain",
        "sources": [],
        "confidence": 0.0,
        "area": None,
    }


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "???"])
def test_webhook_empty_or_emoji_gets_a_swedish_hint(client, tracker_call, text):
    r = client.post("/webhook", json=tracker_call(text, intent="nlu_fallback"))
    assert r.status_code == 200
    assert "Jag förstod inte" in r.json()["responses"][0]["text"]


def test_webhook_huge_message_is_cut_not_crashed(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("samverkan " * 3000))
    assert r.status_code == 200
    assert r.json()["responses"][0]["text"].startswith("Din fråga var mycket lång")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"next_action": "action_answer_from_sources"}', 400),
        (b'{"next_action": "action_does_not_exist", "tracker": {"sender_id": "x"}, "domain": {}}', 404),
    ],
)
def test_webhook_rejects_malformed_calls(client, body, status):
    r = client.post("/webhook", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status


def test_chat_validates_before_forwarding(client):
    assert client.post("/chat", json={"sender": "u1", "message": "  "}).json()["detail"] == (
        "Meddelandet är tomt. Skriv en fråga."
    )
    long = client.post("/chat", json={"sender": "u1", "message": "x" * 201})
    assert long.status_code == 413 and "högst 200 tecken" in long.json()["detail"]
    bad = client.post("/chat", json={"message": "hej"})
    assert bad.status_code == 422 and bad.json()["detail"] == "Förfrågan kunde inte tolkas."
    bad_sender = client.post("/chat", json={"sender": "<script>", "message": "hej"})
    assert bad_sender.status_code == 422


def test_chat_says_so_in_swedish_when_rasa_is_unreachable(client):
    r = client.post("/chat", json={"sender": "u1", "message": "Vem sammankallar?"})
    assert r.status_code == 503
    assert r.json()["detail"] == "Assistenten går inte att nå just nu. Försök igen om en stund."


def test_answer_and_search_api(client):
    a = client.post("/api/answer", json={"question": "Hur följer parterna upp överenskommelsen?"}).json()
    assert a["answer"]["kind"] == "passage" and "varje år" in a["text"]
    s = client.get("/api/search", params={"q": "kontaktperson", "k": 2}).json()
    assert len(s["hits"]) <= 2 and s["hits"][0]["doc"] == "testdok"
    assert client.post("/api/answer", json={"question": " "}).status_code == 422
    assert client.post("/api/answer", json={"q": 1}).status_code == 422


def test_chat_page_is_swedish_and_renders_text_safely(client):
    r = client.get("/")
    assert r.status_code == 200 and '<html lang="sv">' in r.text
    assert "textContent" in r.text and "innerHTML" not in r.text


def test_health_reports_the_index(client):
    assert client.get("/health").json()["status"] == "ok"


def test_framework_errors_are_explained_in_swedish(client):
    r = client.post("/chat", content=b"\xff not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["detail"] == "Förfrågan kunde inte tolkas."
    assert client.get("/finns-inte").json()["detail"] == "Sidan eller resursen finns inte."
    assert client.get("/chat").status_code == 405


def test_an_unanswered_question_is_passed_on_when_the_user_accepts(client, tracker_call):
    offer = client.post(
        "/webhook", json=tracker_call("Vilken pizzeria har godast kebab?", intent="out_of_scope")
    )
    first = offer.json()["responses"][0]
    assert [b["payload"] for b in first["buttons"]] == ["/affirm", "/deny"]
    history = [
        {"event": "user", "text": "Vilken pizzeria har godast kebab?"},
        {"event": "bot", "text": first["text"], "data": {"custom": offer.json()["responses"][1]["custom"]}},
    ]
    inbox = Inbox(client.app.state.settings.database_url)
    before = len(inbox.list())

    no = tracker_call("nej tack", intent="deny")
    no["tracker"]["events"] = [*history, {"event": "user", "text": "nej tack"}]
    assert client.post("/webhook", json=no).json()["responses"][0]["text"].startswith("Okej")
    assert len(inbox.list()) == before

    yes = tracker_call("/affirm", intent="affirm")
    yes["tracker"]["events"] = [*history, {"event": "user", "text": "/affirm"}]
    done = client.post("/webhook", json=yes).json()["responses"][0]["text"]
    assert done.startswith("Tack! Jag har skickat frågan vidare")
    assert inbox.list()[-1].question == "Vilken pizzeria har godast kebab?"
    assert len(inbox.list()) == before + 1

    out_of_context = tracker_call("ja", intent="affirm")
    assert (
        "inte säker på vad du svarar på"
        in client.post("/webhook", json=out_of_context).json()["responses"][0]["text"]
    )


def test_a_missed_gsa_question_is_still_answered_from_the_register(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("vem ar gsa i farsta", intent="out_of_scope"))
    answer = r.json()["responses"][1]["custom"]["answer"]
    assert answer["area"] == "farsta" and answer["kind"] == "rule"


def _slots_of(body: dict) -> dict:
    return {e["name"]: e["value"] for e in body["events"] if e.get("event") == "slot"}


def test_mobile_team_asks_one_criterion_and_takes_the_reply_through_the_knowledge_action(
    client, tracker_call
):
    first = tracker_call(
        "80 år, hemsjukvård, fyra kroniska diagnoser. Mobilt vårdteam?",
        intent="ask_mobile_team_eligibility",
        action="action_check_mobile_team",
    )
    body = client.post("/webhook", json=first).json()
    slots = _slots_of(body)
    assert slots["mobile_team_asked"] == ["hospital_admissions"]
    assert [b["title"] for b in body["responses"][0]["buttons"]] == ["Ja", "Nej", "Vet inte"]

    reply = tracker_call("ja", intent="affirm")
    reply["tracker"]["slots"] = slots
    reply["tracker"]["events"] = [
        {"event": "user", "text": first["tracker"]["latest_message"]["text"]},
        {"event": "bot", "text": body["responses"][0]["text"]},
        {"event": "user", "text": "ja"},
    ]
    body = client.post("/webhook", json=reply).json()
    assert "4 av de sex kriterierna" in body["responses"][0]["text"]
    assert body["responses"][1]["custom"]["answer"]["sources"][0]["doc"] == "skane-samverkan-rutin"
    assert _slots_of(body)["mobile_team_asked"] is None


def test_yes_after_another_answer_is_not_taken_as_a_criterion(client, tracker_call):
    call = tracker_call("ja", intent="affirm")
    call["tracker"]["slots"] = {
        "mobile_team_assessment": {"age": {"status": "met", "evidence": "80 år"}},
        "mobile_team_asked": ["home_care"],
    }
    call["tracker"]["events"] = [
        {"event": "user", "text": "Vem är GSA i Farsta?"},
        {"event": "bot", "text": "Ingen samordnande vårdcentral är registrerad för Farsta."},
        {"event": "user", "text": "ja"},
    ]
    body = client.post("/webhook", json=call).json()
    assert "kriterier" not in body["responses"][0]["text"]
    assert _slots_of(body) == {"mobile_team_asked": None}


def test_a_new_question_while_a_criterion_is_pending_is_answered_as_a_question(client, tracker_call):
    call = tracker_call("Vem sammankallar till lokala samverkansmöten?")
    call["tracker"]["slots"] = {
        "mobile_team_assessment": {"age": {"status": "met", "evidence": "80 år"}},
        "mobile_team_asked": ["home_care"],
    }
    body = client.post("/webhook", json=call).json()
    assert "sammankallar" in body["responses"][0]["text"]
    assert _slots_of(body) == {"mobile_team_asked": None}


def test_dont_know_with_no_pending_question_says_what_it_can_do(client, tracker_call):
    body = client.post("/webhook", json=tracker_call("vet inte", intent="unsure")).json()
    assert body["responses"][0]["text"].startswith("Jag är inte säker på vad du svarar på")
