"""Microsoft Teams end to end on loopback: a fake Bot Connector, the real Rasa server with the
Teams channel switched on by the launcher, and the knowledge service.

Proves: signed Teams activities are accepted with keys from the configured OpenID
configuration, and unsigned, forged, mis-addressed or foreign-audience ones are refused; the
mention is stripped before NLU; replies go back to the activity's serviceUrl with a bearer token
from the configured token endpoint, as Adaptive Cards with the sources and proper buttons."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.processes.launcher import Servers, running
from knowledge.settings import PROJECT_ROOT
from tests.conftest import TEST_SECRET_KEY
from tests.conversation.conftest import RASA, RASA_MODEL, text_of
from tests.conversation.teams_connector import FakeConnector, Reply, new_key, walk
from tests.databases import initialised, sqlite_url
from tests.fictitious import fictitious_id, identity_numbers_in

pytestmark = pytest.mark.integration

RASA_PORT = 16305
KNOWLEDGE_PORT = 16355
APP_ID = "6f1c2d3e-4b5a-4c6d-8e7f-000000000001"  # fictitious
APP_PASSWORD = "fiktivt-testlosenord"  # fictitious
BOT = {"id": f"28:{APP_ID}", "name": "HÖK-assistenten"}
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CONVENER_QUESTION = "Vem sammankallar till lokal samverkan?"
CONVENER_DOC = "storsthlm-rekommendation-hok-2021"


@pytest.fixture(scope="module")
def connector() -> Iterator[FakeConnector]:
    with FakeConnector(APP_ID, APP_PASSWORD) as fake:
        yield fake


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the Teams test servers keep their databases and logs."""
    return tmp_path_factory.mktemp("teams-servers")


@pytest.fixture(scope="module")
def servers(connector: FakeConnector, server_dir: Path) -> Iterator[Servers]:
    assert Path(RASA).exists(), f"no Rasa at {RASA}: run `make env`"
    assert RASA_MODEL.exists(), "no trained Rasa model: run `make train`"
    tmp = server_dir
    env = {
        "HOK_DATABASE_URL": initialised(sqlite_url(tmp)),
        "HOK_SECRET_KEY": TEST_SECRET_KEY,
        "HOK_TEAMS_APP_ID": APP_ID,
        "HOK_TEAMS_APP_PASSWORD": APP_PASSWORD,
        "HOK_TEAMS_OPENID_URL": connector.openid_url,
        "HOK_TEAMS_TOKEN_URL": connector.token_url,
    }
    with running(RASA, RASA_PORT, KNOWLEDGE_PORT, tracker_db=tmp / "tracker.db", env=env, log_dir=tmp) as s:
        yield s


def activity(connector: FakeConnector, text: str, conversation_id: str, user_id: str, **extra: Any) -> dict:
    """A Teams-shaped message activity, as the Bot Connector posts it."""
    return {
        "type": "message",
        "id": fictitious_id(length=13),
        "timestamp": "2099-01-01T08:00:00.000Z",
        "channelId": "msteams",
        "serviceUrl": connector.url + "/",
        "from": {"id": user_id, "name": "Testperson (fiktiv)"},
        "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": "fiktiv-tenant"},
        "recipient": BOT,
        "text": text,
        "textFormat": "plain",
        "locale": "sv-SE",
        "entities": [{"type": "mention", "mentioned": BOT, "text": "<at>HÖK-assistenten</at>"}],
        "channelData": {"tenant": {"id": "fiktiv-tenant"}},
        **extra,
    }


def post(servers: Servers, body: dict, token: str | None) -> int:
    assert servers.teams_webhook is not None
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(servers.teams_webhook, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def new_conversation() -> tuple[str, str]:
    return fictitious_id("a:1"), fictitious_id("29:1")


def card_of(reply: Reply) -> dict[str, Any]:
    attachments = reply.activity.get("attachments") or []
    cards = [a["content"] for a in attachments if a.get("contentType") == ADAPTIVE_CARD]
    assert cards, reply.activity
    return cards[0]


def unescaped(text: str) -> str:
    return re.sub(r"\\([\\*_\[\].)+-])", r"\1", text)


def body_text(card: dict[str, Any]) -> str:
    """The card's visible answer text (not the sources behind the "Källor" action)."""
    return " ".join(unescaped(b["text"]) for b in card["body"] if b.get("type") == "TextBlock")


def flat(text: str) -> str:
    return " ".join(text.split())


def title_of(doc: str) -> str:
    front_matter = (PROJECT_ROOT / "knowledge" / "sources" / f"{doc}.md").read_text(encoding="utf-8")
    return next(
        line.split(":", 1)[1].strip() for line in front_matter.splitlines() if line.startswith("title:")
    )


def rest_replies(servers: Servers, message: str) -> list[dict[str, Any]]:
    body = json.dumps({"sender": fictitious_id(), "message": message}).encode()
    request = urllib.request.Request(
        f"{servers.knowledge_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.loads(resp.read())


def test_a_mentioned_question_is_answered_with_one_adaptive_card(servers, connector):
    conversation, user = new_conversation()
    incoming = activity(connector, f"<at>HÖK-assistenten</at>&nbsp; {CONVENER_QUESTION}", conversation, user)
    assert post(servers, incoming, connector.token()) == 200

    replies = connector.replies_to(conversation)
    assert len(replies) == 1, [r.activity for r in replies]  # text and answer payload: one message
    reply = replies[0]
    assert reply.authorization == f"Bearer {connector.issued_tokens[-1]}"
    assert reply.activity["type"] == "message"
    assert reply.activity["conversation"]["id"] == conversation
    assert reply.activity["recipient"]["id"] == user and reply.activity["from"]["id"] == BOT["id"]
    assert reply.activity["replyToId"] == incoming["id"]
    assert connector.key_fetches >= 1  # keys came from the configured OpenID configuration

    card = card_of(reply)
    assert card["type"] == "AdaptiveCard" and card["version"] in ("1.4", "1.5")
    assert all(b.get("wrap") for b in card["body"] if b.get("type") == "TextBlock")
    # The mention was stripped: the answer is the one the bare question gets over REST.
    rest = rest_replies(servers, CONVENER_QUESTION)
    assert flat(body_text(card)) == flat(text_of(rest))
    assert "samordnande vårdcentral" in body_text(card)

    sources = [a for a in card.get("actions", []) if a["type"] == "Action.ShowCard"]
    assert len(sources) == 1 and sources[0]["title"].startswith("Källor")
    source_texts = [unescaped(e["text"]) for e in walk(sources[0]["card"]) if e.get("type") == "TextBlock"]
    assert "Källor" in source_texts
    assert title_of(CONVENER_DOC) in source_texts


def test_a_personal_identity_number_is_redacted_before_it_reaches_rasa(servers, connector, server_dir):
    conversation, user = new_conversation()
    text = f"<at>HÖK-assistenten</at> Mitt personnummer är 19121212-1212. {CONVENER_QUESTION}"
    assert post(servers, activity(connector, text, conversation, user), connector.token()) == 200
    assert connector.replies_to(conversation)
    stored = (server_dir / "tracker.db").read_bytes()  # Rasa's tracker store (SQLite)
    assert identity_numbers_in(stored, ["19121212-1212"]) == [] and b"[personnummer borttaget]" in stored


def test_buttons_become_teams_actions_and_an_im_back_answers(servers, connector):
    _, user = new_conversation()
    conversation = f"19:{fictitious_id()}@thread.tacv2;messageid=1700000000000"  # a channel thread
    assert (
        post(servers, activity(connector, "Vem är GSA i Stockholm?", conversation, user), connector.token())
        == 200
    )
    replies = connector.replies_to(conversation)
    assert len(replies) == 1, [r.activity for r in replies]
    card = card_of(replies[0])
    assert "stadsdelsområde" in body_text(card)
    actions = [e for e in walk(card["body"]) if e.get("type") == "Action.Submit"]
    farsta = next(a for a in actions if a["title"] == "Farsta")
    assert farsta["data"] == {"msteams": {"type": "imBack", "value": "Farsta"}}
    assert all(a["data"]["msteams"]["type"] in ("imBack", "messageBack") for a in actions)
    assert all(len(s["actions"]) <= 6 for s in walk(card["body"]) if s.get("type") == "ActionSet")

    # What Teams posts when the button is pressed: its value, as the user's message.
    assert post(servers, activity(connector, "Farsta", conversation, user), connector.token()) == 200
    second = connector.replies_to(conversation, count=2)
    assert len(second) == 2 and "Farsta" in body_text(card_of(second[1]))


def test_requests_that_are_not_from_the_connector_are_refused(servers, connector):
    forged_key = new_key()
    rejected = {
        "unsigned": None,
        "other key, same key id": connector.token(key=forged_key),
        "other key, unknown key id": connector.token(key=forged_key, kid="forged-key"),
        "wrong audience": connector.token(audience="00000000-0000-0000-0000-000000000000"),
        "wrong issuer": connector.token(issuer="https://example.invalid"),
        "expired": connector.token(lifetime=-3600),
        "another serviceUrl": connector.token(service_url="http://127.0.0.1:9"),
        "not a JWT": "not-a-jwt",
    }
    conversations = {}
    for case, token in rejected.items():
        conversation, user = new_conversation()
        conversations[case] = conversation
        status = post(servers, activity(connector, CONVENER_QUESTION, conversation, user), token)
        assert status == 401, case

    # The key is endorsed for msteams only: a valid token cannot carry another channel's activity.
    conversation, user = new_conversation()
    conversations["another channel"] = conversation
    webchat = activity(connector, CONVENER_QUESTION, conversation, user, channelId="webchat")
    assert post(servers, webchat, connector.token()) == 403

    # A conversationUpdate (the app was added) is accepted and answered with nothing.
    update_conversation, user = new_conversation()
    update = activity(connector, "", update_conversation, user, type="conversationUpdate")
    update["membersAdded"] = [BOT]
    assert post(servers, update, connector.token()) == 200

    # A valid message afterwards gets its reply; by then none of the above has produced one.
    conversation, user = new_conversation()
    assert post(servers, activity(connector, CONVENER_QUESTION, conversation, user), connector.token()) == 200
    assert connector.replies_to(conversation)
    for case, refused in conversations.items():
        assert connector.replies_to(refused, timeout=0) == [], case
    assert connector.replies_to(update_conversation, timeout=0) == []
    assert connector.rejected_replies == 0
