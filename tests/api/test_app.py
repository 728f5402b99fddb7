"""The knowledge service's HTTP API, on a tiny fictitious corpus with the fake embedder."""

from __future__ import annotations

import contextlib
import json
import socket

import httpx
import pytest
from fastapi.testclient import TestClient

from actions.web.app import create_app
from actions.web.deps import get_limits, get_rasa
from actions.web.frontdoor import Limits
from index.service import SearchEngine
from knowledge.db import DatabaseError
from knowledge.feedback import FeedbackSource, FeedbackStore
from knowledge.inbox import Inbox
from knowledge.secrets import ServiceSecrets
from knowledge.settings import Settings
from tests.conftest import ACTION_HEADERS, FICTITIOUS_DOC, FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url


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
        questions_dir=FICTITIOUS_QUESTIONS,
        secret_key=TEST_SECRET_KEY,
        sources_dir=sources,
        index_dir=tmp_path / "build",
        embedding_model="fake-embedder",
        rasa_url=f"http://127.0.0.1:{_free_port()}",  # nothing listens there
        max_message_chars=200,
        database_url=initialised(sqlite_url(tmp_path)),
    )
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()  # the unit-test stand-in for the real model
    with TestClient(create_app(settings, engine), headers=ACTION_HEADERS) as c:
        yield c


def test_webhook_answers_with_text_and_payload(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("Hur ofta följer parterna upp överenskommelsen?"))
    assert r.status_code == 200
    responses = r.json()["responses"]
    text = responses[0]["text"]
    assert "varje år" in text and "Källa: Fiktiv testöverenskommelse, avsnittet ”Syfte”" in text
    answer = responses[1]["custom"]["answer"]
    assert answer["kind"] == "passage"
    assert answer["sources"][0]["doc"] == "testdok" and answer["sources"][0]["section"] == "Syfte"
    assert answer["sources"][0]["url"].startswith("/kallor/testdok?")
    assert 0 <= answer["confidence"] <= 1


def test_webhook_answers_who_convenes_from_the_rule(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("Vem sammankallar till lokala samverkansmöten?"))
    responses = r.json()["responses"]
    assert "samordnande vårdcentralen (GSA)" in responses[0]["text"]
    assert responses[1]["custom"]["answer"]["kind"] == "rule"


def test_webhook_abstains_off_topic(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("Vilken pizzeria har godast kebab?", intent="out_of_scope"))
    responses = r.json()["responses"]
    assert "inget svar" in responses[0]["text"]
    assert "skickar frågan vidare" in responses[0]["text"]
    answer = responses[1]["custom"]["answer"]
    assert (answer["kind"], answer["sources"], answer["area"]) == ("abstain", [], None)
    assert 0 <= answer["confidence"] < 0.5
    assert _slots_of(r.json()) == {
        "previous_question": "Vilken pizzeria har godast kebab?",
        "context_unit": None,  # an abstention quotes no unit to resolve a follow-up against
        "pass_on_offered": True,
        "pass_on_question": "Vilken pizzeria har godast kebab?",
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
    assert bad.status_code == 422 and "”sender”" in bad.json()["detail"]
    bad_sender = client.post("/chat", json={"sender": "<script>", "message": "hej"})
    assert bad_sender.status_code == 422
    for body in (b"", b"[]", b"null", b'"hej"', b"\xff\xfe", b"[" * 1000):
        r = client.post("/chat", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and "JSON-objekt" in r.json()["detail"], body[:10]
    text = client.post("/chat", content=b"hej", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415 and "JSON" in text.json()["detail"]


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


def test_demo_page_is_swedish_and_embeds_the_widget_which_renders_text_safely(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="sv"' in page.text and "widget.js" in page.text
    script = client.get("/widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "textContent" in script.text and "innerHTML" not in script.text
    style = client.get("/widget.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


def test_health_is_503_and_says_so_when_rasa_is_down(client):
    health = client.get("/health")  # nothing listens at the Rasa URL of this app
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "unavailable" and body["rasa"] == "unreachable"
    assert body["index"] == "up to date" and body["database"] == "current" and body["model"] == "loaded"
    assert "går inte att nå" in body["rasa_problem"]
    assert client.get("/health/live").json() == {"status": "ok"}


def _settings_with_database(tmp_path, database_url: str) -> Settings:
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    return Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        secret_key=TEST_SECRET_KEY,
        sources_dir=sources,
        index_dir=tmp_path / "build",
        embedding_model="fake-embedder",
        rasa_url=f"http://127.0.0.1:{_free_port()}",
        database_url=database_url,
    )


def test_the_service_refuses_to_start_on_a_missing_database(tmp_path):
    settings = _settings_with_database(tmp_path, sqlite_url(tmp_path))
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    with pytest.raises(DatabaseError, match="db init"), TestClient(create_app(settings, engine)):
        pass
    assert not (tmp_path / "var" / "knowledge.db").exists()


def test_a_database_lost_while_running_shows_in_health(tmp_path):
    url = initialised(sqlite_url(tmp_path))
    settings = _settings_with_database(tmp_path, url)
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    with TestClient(create_app(settings, engine)) as c:
        (tmp_path / "var" / "knowledge.db").unlink()
        health = c.get("/health")
    assert health.status_code == 503
    assert health.json()["database"] == "missing" and "finns inte" in health.json()["database_problem"]


def test_framework_errors_are_explained_in_swedish(client):
    r = client.post("/api/feedback", content=b"\xff not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["detail"] == "Förfrågan kunde inte tolkas."
    assert client.get("/finns-inte").json()["detail"] == "Sidan eller resursen finns inte."
    assert client.get("/chat").status_code == 405


def test_an_unanswered_question_is_passed_on_when_the_user_accepts(client, tracker_call):
    inbox = Inbox(client.app.state.settings.database_url)
    before = len(inbox.list())
    pending = {"pass_on_offered": True, "pass_on_question": "Vilken pizzeria har godast kebab?"}

    no = tracker_call("nej tack", intent="deny", action="action_pass_on")
    no["tracker"]["slots"] = pending
    body = client.post("/webhook", json=no).json()
    assert body["responses"][0]["text"].startswith("Okej")
    assert _slots_of(body) == {"pass_on_offered": False, "pass_on_question": None}
    assert len(inbox.list()) == before

    yes = tracker_call("/affirm", intent="affirm", action="action_pass_on")
    yes["tracker"]["slots"] = pending
    done = client.post("/webhook", json=yes).json()["responses"][0]["text"]
    assert done.startswith("Tack! Jag har skickat frågan vidare")
    assert inbox.list()[-1].question == "Vilken pizzeria har godast kebab?"
    assert len(inbox.list()) == before + 1


def test_an_abstention_offers_the_pass_on_with_buttons(client, tracker_call):
    offer = client.post(
        "/webhook", json=tracker_call("Vilken pizzeria har godast kebab?", intent="out_of_scope")
    )
    first = offer.json()["responses"][0]
    assert [b["payload"] for b in first["buttons"]] == ["/affirm", "/deny"]


def test_a_missed_gsa_question_is_still_answered_from_the_register(client, tracker_call):
    r = client.post("/webhook", json=tracker_call("vem ar gsa i farsta", intent="out_of_scope"))
    answer = r.json()["responses"][1]["custom"]["answer"]
    assert answer["area"] == "farsta" and answer["kind"] == "rule"


def test_a_question_nlu_took_for_small_talk_is_answered(client, tracker_call):
    call = tracker_call("Tack! Och hur ofta följer parterna upp överenskommelsen?", intent="thanks")
    call["next_action"] = "action_small_talk"
    body = client.post("/webhook", json=call).json()
    assert "varje år" in body["responses"][0]["text"]
    greeting = tracker_call("Hej hej!", intent="greet", action="action_small_talk")
    (response,) = client.post("/webhook", json=greeting).json()["responses"]
    assert response["response"] == "utter_greet" and response["text"] is None  # Rasa's fixed greeting


def _slots_of(body: dict) -> dict:
    return {e["name"]: e["value"] for e in body["events"] if e.get("event") == "slot"}


# The chat proxy: personal identity numbers never reach Rasa; malformed bodies get a Swedish 4xx.


@contextlib.contextmanager
def _rasa_replaced(client, handler):
    """Rasa's REST channel stood in for by an in-process transport, within the block."""
    fake = httpx.AsyncClient(base_url="http://rasa.test", transport=httpx.MockTransport(handler))
    client.app.dependency_overrides[get_rasa] = lambda: fake
    try:
        yield
    finally:
        del client.app.dependency_overrides[get_rasa]


@pytest.fixture
def fake_rasa(client):
    """A stand-in for Rasa's REST channel; the request bodies it received."""
    received: list[dict] = []

    def rest_channel(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        received.append({**body, "authorization": request.headers.get("authorization")})
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "Hej!"}])

    with _rasa_replaced(client, rest_channel):
        yield received


def test_chat_forwards_the_message_with_personal_numbers_redacted(client, fake_rasa):
    r = client.post(
        "/chat", json={"sender": "u1", "message": "  Gäller HÖK för 19850709-9805 och 701063-2391?  "}
    )
    assert r.status_code == 200
    assert r.json() == [{"recipient_id": "u1", "text": "Hej!"}]  # the client's own id comes back
    (forwarded,) = fake_rasa
    assert (
        forwarded["message"] == "Gäller HÖK för [personnummer borttaget] och [samordningsnummer borttaget]?"
    )
    token = ServiceSecrets.from_key(TEST_SECRET_KEY).rasa_channel_token
    assert forwarded["authorization"] == f"Bearer {token}"


def test_a_conversation_is_bound_to_the_client_that_started_it(client, fake_rasa):
    """Rasa sees the same conversation for the same client (cookie) and sender; another client
    naming that sender starts a conversation of its own."""
    first, second = TestClient(client.app), TestClient(client.app)  # two browsers (no lifespan rerun)
    issued = first.post("/chat", json={"sender": "delad", "message": "Hej"}).headers["set-cookie"].lower()
    assert issued.startswith("hok_klient=") and "httponly" in issued and "samesite=lax" in issued
    cookie = first.cookies["hok_klient"]
    continued = first.post("/chat", json={"sender": "delad", "message": "Och KSA?"})
    assert "set-cookie" not in continued.headers  # the cookie it has is kept
    second.post("/chat", json={"sender": "delad", "message": "Vad sa du nyss?"})
    forged = TestClient(client.app, cookies={"hok_klient": cookie.split(".")[0] + ".fel"})
    forged.post("/chat", json={"sender": "delad", "message": "Och nu?"})
    senders = [r["sender"] for r in fake_rasa]
    assert senders[0] == senders[1]  # the same client continues its conversation
    assert senders[2] != senders[0] and senders[3] != senders[0]  # others cannot reach it
    assert "delad" not in senders


def test_chat_forwards_ordinary_numbers_unchanged(client, fake_rasa):
    message = "Gäller rutinen från 2024-04-30? Ring 08-123 456 78, 4 av 6 kriterier."
    assert client.post("/chat", json={"sender": "u1", "message": message}).status_code == 200
    assert fake_rasa[-1]["message"] == message


def test_chat_forwards_lone_surrogates_as_replacement_characters(client, fake_rasa):
    body = b'{"sender": "u1", "message": "hej \\ud800 d\\u00e5"}'
    r = client.post("/chat", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and fake_rasa[-1]["message"] == "hej \ufffd då"


@pytest.mark.parametrize(
    "reply",
    [httpx.Response(500, text="Internal Server Error"), httpx.Response(200, text="<html>not json")],
    ids=["error", "not-json"],
)
def test_chat_is_unavailable_in_swedish_when_rasa_answers_nonsense(client, reply):
    with _rasa_replaced(client, lambda _: reply):
        r = client.post("/chat", json={"sender": "u1", "message": "Hur följs HÖK upp?"})
    assert r.status_code == 503 and r.json()["detail"].startswith("Assistenten går inte att nå")


@pytest.mark.parametrize(
    "body",
    [
        b'{"sender": 1, "message": "hej"}',
        b'{"sender": "u1", "message": 5}',
        b'{"sender": "u1", "message": null}',
        b'{"sender": "u1", "message": ["hej"]}',
        b'{"sender": "u1", "message": {"text": "hej"}}',
        b'{"sender": "u1"}',
        b'{"message": "hej"}',
        b"{}",
        b"[]",
        b'"hej"',
        b"42",
        b"null",
        json.dumps({"sender": "a" * 10_000, "message": "hej"}).encode(),
        json.dumps({"sender": "", "message": "hej"}).encode(),
        json.dumps({"sender": "u 1", "message": "hej"}).encode(),
        bytes(range(256)),
        b"\x00\x01\x02",
        b'{"sender": "u1", "message": "hej"',
        b"[" * 100_000,
    ],
    ids=lambda b: b[:24].decode("latin-1"),
)
def test_chat_answers_malformed_bodies_with_a_swedish_4xx(client, fake_rasa, body):
    r = client.post("/chat", content=body, headers={"Content-Type": "application/json"})
    if r.status_code == 413:  # beyond any message's size: refused before it is parsed
        assert len(body) > 8 * 200 and r.json()["detail"].startswith("Meddelandet är för långt")
    else:
        assert r.status_code in (400, 422)
        assert "Meddelandet kunde inte tolkas. Skicka ett JSON-objekt" in r.json()["detail"]
    assert fake_rasa == []


# CORS: only the configured origins of an embedding page.

INTRANET = "https://intranet.example.se"


@pytest.fixture(scope="module")
def cors_client(client):
    """The same service with one allowed origin (configured with a trailing slash)."""
    settings = client.app.state.settings.model_copy(update={"cors_origins": [f"{INTRANET}/"]})
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    with TestClient(create_app(settings, engine)) as c:
        yield c


def _preflight(c: TestClient, origin: str, path: str = "/chat"):
    return c.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def test_an_allowed_origin_may_embed_the_widget(cors_client):
    for path in ("/chat", "/api/feedback"):
        pre = _preflight(cors_client, INTRANET, path)
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == INTRANET
        assert "POST" in pre.headers["access-control-allow-methods"]
        assert "content-type" in pre.headers["access-control-allow-headers"].lower()
    post = cors_client.post("/chat", json={"sender": "u1", "message": "hej"}, headers={"Origin": INTRANET})
    assert post.status_code == 503  # Rasa is not running here; the browser may still read why
    assert post.headers["access-control-allow-origin"] == INTRANET
    saved = cors_client.post("/api/feedback", json=FEEDBACK, headers={"Origin": INTRANET})
    assert saved.status_code == 201 and saved.headers["access-control-allow-origin"] == INTRANET
    health = cors_client.get("/health", headers={"Origin": INTRANET})
    assert health.headers.get("access-control-allow-origin") == INTRANET


def test_a_foreign_origin_gets_no_cors_headers(cors_client):
    pre = _preflight(cors_client, "https://elak.example.com")
    assert pre.status_code == 400 and "access-control-allow-origin" not in pre.headers
    post = cors_client.post(
        "/chat", json={"sender": "u1", "message": "hej"}, headers={"Origin": "https://elak.example.com"}
    )
    assert "access-control-allow-origin" not in post.headers


def test_no_cors_headers_by_default(client):
    pre = _preflight(client, INTRANET)
    assert pre.status_code == 405 and "access-control-allow-origin" not in pre.headers
    post = client.post("/chat", json={"sender": "u1", "message": "hej"}, headers={"Origin": INTRANET})
    assert "access-control-allow-origin" not in post.headers


# Feedback on answers.

FEEDBACK = {
    "conversation": "c0ffee-1",
    "question": "Hur följs HÖK upp?",
    "answer": "Parterna följer upp överenskommelsen varje år.",
    "kind": "passage",
    "sources": [
        {"doc": "testdok", "title": "Fiktiv testöverenskommelse", "section": "Syfte", "excerpt": "…"}
    ],
    "rating": "up",
    "comment": "Tydligt svar",
}


def _feedback_store(client) -> FeedbackStore:
    return FeedbackStore(client.app.state.settings.database_url)


def test_feedback_is_stored(client):
    r = client.post("/api/feedback", json=FEEDBACK)
    assert r.status_code == 201
    body = r.json()
    assert body == {"id": body["id"], "status": "sparad"} and isinstance(body["id"], int)
    stored = _feedback_store(client).list(1)[0]
    assert stored.id == body["id"]
    assert (stored.conversation, stored.question, stored.answer) == (
        "c0ffee-1",
        FEEDBACK["question"],
        FEEDBACK["answer"],
    )
    assert stored.kind == "passage" and stored.rating == "up" and stored.comment == "Tydligt svar"
    assert stored.sources == (FeedbackSource("testdok", "Fiktiv testöverenskommelse", "Syfte"),)


def test_feedback_without_sources_or_comment_is_stored(client):
    body = {**FEEDBACK, "kind": "abstain", "sources": [], "rating": "down", "comment": None}
    assert client.post("/api/feedback", json=body).status_code == 201
    stored = _feedback_store(client).list(1)[0]
    assert stored.sources == () and stored.comment is None and stored.rating == "down"
    del body["comment"]
    assert client.post("/api/feedback", json=body).status_code == 201


def test_feedback_is_stored_with_personal_numbers_redacted(client):
    body = {
        **FEEDBACK,
        "question": "Vem är GSA för 19850709-9805?",
        "comment": "Fel, samordningsnumret 701063-2391 gäller",
    }
    assert client.post("/api/feedback", json=body).status_code == 201
    stored = _feedback_store(client).list(1)[0]
    assert stored.question == "Vem är GSA för [personnummer borttaget]?"
    assert stored.comment == "Fel, samordningsnumret [samordningsnummer borttaget] gäller"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"conversation": ""}, "samtals-id"),
        ({"conversation": "a" * 129}, "samtals-id"),
        ({"conversation": "<script>"}, "samtals-id"),
        ({"conversation": None}, "samtals-id"),
        ({"question": 42}, "frågan"),
        ({"answer": ["svar"]}, "svaret"),
        ({"kind": "guess"}, "svarstypen"),
        ({"kind": None}, "svarstypen"),
        ({"sources": "testdok"}, "källorna"),
        ({"sources": [{"title": "utan doc"}]}, "källorna"),
        ({"sources": [{"doc": 1}]}, "källorna"),
        ({"sources": ["testdok"]}, "källorna"),
        ({"rating": "meh"}, "betyget"),
        ({"rating": 1}, "betyget"),
        ({"comment": 5}, "kommentaren"),
    ],
)
def test_invalid_feedback_is_refused_in_swedish_and_not_stored(client, change, field):
    before = len(_feedback_store(client).list(1000))
    r = client.post("/api/feedback", json={**FEEDBACK, **change})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Återkopplingen kunde inte tolkas. Kontrollera ")
    assert field in r.json()["detail"]
    assert len(_feedback_store(client).list(1000)) == before


@pytest.mark.parametrize("missing", ["conversation", "question", "answer", "kind", "rating"])
def test_feedback_missing_a_field_names_it(client, missing):
    body = {k: v for k, v in FEEDBACK.items() if k != missing}
    r = client.post("/api/feedback", json=body)
    assert r.status_code == 422 and f"({missing}:" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"[]", 422, "Återkopplingen kunde inte tolkas. Skicka ett JSON-objekt."),
        (b'"up"', 422, "Återkopplingen kunde inte tolkas. Skicka ett JSON-objekt."),
        (b"null", 422, "Återkopplingen kunde inte tolkas. Skicka ett JSON-objekt."),
        (b"\xff\xfe\x00 binary", 400, "Förfrågan kunde inte tolkas."),
        (b'{"conversation": "c1"', 400, "Förfrågan kunde inte tolkas."),
        (b"[" * 100_000, 400, "Förfrågan kunde inte tolkas."),
        (b"", 400, "Förfrågan kunde inte tolkas."),
    ],
)
def test_feedback_that_is_no_json_object_is_refused_in_swedish(client, body, status, detail):
    r = client.post("/api/feedback", content=body, headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()) == (status, {"detail": detail})


def test_feedback_must_be_sent_as_json(client):
    r = client.post("/api/feedback", content=json.dumps(FEEDBACK), headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and "application/json" in r.json()["detail"]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"question": "x" * 4001}, "Frågan är för lång för att sparas (högst 4000 tecken)."),
        ({"answer": "x" * 4001}, "Svaret är för långt för att sparas (högst 4000 tecken)."),
        ({"comment": "x" * 501}, "Kommentaren är för lång. Skriv högst 500 tecken."),
        (
            {"sources": [{"doc": "d", "title": "x" * 4001, "section": ""}]},
            "En källa har för lång text för att sparas (högst 4000 tecken).",
        ),
        (
            {"sources": [FEEDBACK["sources"][0]] * 21},
            "Återkopplingen har för många källor. Skicka högst 20.",
        ),
    ],
)
def test_oversized_feedback_is_refused_in_swedish_and_not_stored(client, change, detail):
    before = len(_feedback_store(client).list(1000))
    r = client.post("/api/feedback", json={**FEEDBACK, **change})
    assert (r.status_code, r.json()) == (413, {"detail": detail})
    assert len(_feedback_store(client).list(1000)) == before


def test_feedback_at_the_limits_is_stored(client):
    body = {**FEEDBACK, "comment": "x" * 500, "sources": [FEEDBACK["sources"][0]] * 20}
    assert client.post("/api/feedback", json=body).status_code == 201


# The action webhook answers Rasa only; the front door's headers, limits and schema.


def test_the_action_webhook_refuses_anyone_without_rasas_secret(client, tracker_call):
    inbox = Inbox(client.app.state.settings.database_url)
    before = len(inbox.list())
    call = tracker_call("Vem ar GSA?", intent="affirm", action="action_pass_on")
    call["tracker"]["slots"] = {"pass_on_offered": True, "pass_on_question": "19850709-9805 vill veta"}
    for headers in ({}, {"X-HOK-Action-Secret": "gissat"}, {"X-HOK-Action-Secret": ""}):
        anonymous = TestClient(client.app, headers=headers)
        r = anonymous.post("/webhook", json=call)
        assert r.status_code == 401 and "Rasa-servern" in r.json()["detail"]
        as_text = anonymous.post("/webhook", content=json.dumps(call), headers={"Content-Type": "text/plain"})
        assert as_text.status_code == 401
    assert len(inbox.list()) == before  # nothing was written


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["tracker"].update(latest_message="hej"),
        lambda c: c["tracker"]["latest_message"].update(intent="ask_agreement"),
        lambda c: c["tracker"]["latest_message"]["intent"].update(confidence="säker"),
        lambda c: c["tracker"].update(events="inga"),
        lambda c: c.pop("tracker"),
        lambda c: c.update(next_action=["action_pass_on"]),
    ],
    ids=[
        "string-latest-message",
        "string-intent",
        "text-confidence",
        "string-events",
        "no-tracker",
        "list-action",
    ],
)
def test_a_malformed_action_call_is_a_4xx_naming_the_problem(client, tracker_call, change):
    call = tracker_call("Vem sammankallar?")
    change(call)
    r = client.post("/webhook", json=call)
    assert r.status_code == 400 and r.json()["detail"].startswith("Åtgärdsanropet kunde inte tolkas")


def test_an_action_call_nested_beyond_reason_is_a_4xx(client):
    deep = b'{"next_action": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    r = client.post("/webhook", content=deep, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    plain = client.post("/webhook", content=b"{}", headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415


def test_a_passed_on_question_is_stored_redacted_even_if_rasa_sent_it_in_clear(client, tracker_call):
    inbox = Inbox(client.app.state.settings.database_url)
    call = tracker_call("ja", intent="affirm", action="action_pass_on")
    call["tracker"]["slots"] = {"pass_on_offered": True, "pass_on_question": "Gäller det 19850709-9805?"}
    call["tracker"]["sender_id"] = "850709-9805"
    client.post("/webhook", json=call)
    stored = inbox.list()[-1]
    assert stored.question == "Gäller det [personnummer borttaget]?"
    assert "9805" not in stored.conversation


@pytest.mark.parametrize("path", ["/", "/kallor/testdok", "/admin/login"])
def test_every_page_has_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_the_api_documentation_loads_nothing_from_a_cdn(client):
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json")
    assert schema.status_code == 200 and "/chat" in schema.json()["paths"]


@pytest.fixture
def limited_client(client):
    """The same service with small rate limits: 3 at once per address, 2 per conversation."""
    settings = client.app.state.settings.model_copy(
        update={
            "rate_address_burst": 3,
            "rate_address_per_second": 0.01,
            "rate_conversation_burst": 2,
            "rate_conversation_per_second": 0.01,
        }
    )
    limits = Limits.from_settings(settings)
    client.app.dependency_overrides[get_limits] = lambda: limits
    try:
        yield client
    finally:
        del client.app.dependency_overrides[get_limits]


def test_a_client_beyond_its_rate_limit_gets_a_swedish_429(limited_client):
    rasa = _rasa_replaced(
        limited_client, lambda r: httpx.Response(200, json=[{"recipient_id": "x", "text": "Hej!"}])
    )
    with rasa:
        turns = [limited_client.post("/chat", json={"sender": "samma", "message": "Hej"}) for _ in range(3)]
    assert [t.status_code for t in turns] == [200, 200, 429]  # the conversation's limit
    assert "Vänta" in turns[2].json()["detail"] and int(turns[2].headers["retry-after"]) >= 1
    other = limited_client.post("/api/answer", json={"question": "Hur följs HÖK upp?"})
    assert other.status_code == 429  # the address's limit: 3 requests at once
    from_elsewhere = TestClient(limited_client.app, client=("192.0.2.7", 50000))
    assert from_elsewhere.post("/api/answer", json={"question": "Hur följs HÖK upp?"}).status_code == 200
