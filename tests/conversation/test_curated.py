"""The process lead's flow over the JSON API and the bot's REST channel, on the real servers: a
question the sources do not answer abstains; a curated answer is written, checked and published
through /api/admin/; the bot then gives it, asked in other words, with ``kind: curated``, without
retraining; archived, it is gone again. Every user and answer here is fictitious."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from knowledge.accounts import AccountStore
from tests.conversation.conftest import answer_of, text_of

pytestmark = pytest.mark.integration

ASKED = "Var hittar jag blanketten för att anmäla en avvikelse i samverkan?"
IN_OTHER_WORDS = "var finns blanketten for att anmala avvikelser i samverkan"
ANSWER = "Blanketten för avvikelser i samverkan finns på intranätet under Samverkan (fiktiv testuppgift)."


def _call(url: str, method: str, body: Any, token: str) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _ask_until(assistant, question: str, kind: str, seconds: float = 10.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    while True:
        replies = assistant.say(question)
        if answer_of(replies).get("kind") == kind or time.monotonic() > deadline:
            return replies
        time.sleep(0.5)


def test_a_published_curated_answer_is_given_in_other_words_without_retraining(assistant):
    accounts = AccountStore(assistant.database_url)
    accounts.add("pl.flow", "processledare", "ett långt testlösenord")
    accounts.add("red.flow", "redaktor", "ett långt testlösenord")
    lead, editor = accounts.create_token("pl.flow"), accounts.create_token("red.flow")
    api = f"{assistant.knowledge_url}/api/admin/answers"

    before = assistant.say(IN_OTHER_WORDS)
    assert answer_of(before)["kind"] == "abstain"

    status, made = _call(api, "POST", {"questions": [ASKED], "answer": ANSWER, "region": "all"}, editor)
    assert status == 201 and made["status"] == "draft"
    status, refused = _call(f"{api}/{made['id']}/publish", "POST", {"version": 1}, editor)
    assert status == 403 and "processledare" in refused["detail"]
    assert answer_of(assistant.say(IN_OTHER_WORDS))["kind"] == "abstain"  # a draft serves nobody

    status, check = _call(f"{api}/{made['id']}/check", "POST", None, editor)
    assert status == 200 and check["ok"], check
    status, published = _call(f"{api}/{made['id']}/publish", "POST", {"version": 1}, lead)
    assert status == 200 and published["status"] == "published"

    replies = _ask_until(assistant, IN_OTHER_WORDS, "curated")
    assert answer_of(replies)["kind"] == "curated", replies
    assert text_of(replies).startswith(ANSWER) and "Svar från processledaren, 20" in text_of(replies)
    assert answer_of(assistant.say("Vem utser den samordnande vårdcentralen?"))["kind"] != "curated"

    status, archived = _call(f"{api}/{made['id']}/archive", "POST", {"version": 1}, lead)
    assert status == 200 and archived["status"] == "archived"
    assert answer_of(_ask_until(assistant, IN_OTHER_WORDS, "abstain"))["kind"] == "abstain"
