"""Personal identity numbers sent through every endpoint and channel with the real servers, then
searched for in every database and log file the servers write: none may hold one."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ACTION_HEADERS, action_call
from tests.conversation.conftest import Client, text_of
from tests.fictitious import fictitious_id, identity_numbers_in_files

pytestmark = pytest.mark.integration

# Fictitious numbers with plausible dates, written the ways people write them. None of them may be
# found in any stored form (tests/fictitious.py: every format the redactor knows, not inside a
# float or a longer digit run, so an NLU confidence or a hash cannot trip the search).
NUMBERS = ("19850709-9805", "850709-9805", "8507099805", "19121212+1212", "701063-2391")


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _failed_sign_in(knowledge_url: str, name: str) -> int:
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(f"{knowledge_url}/admin/login", timeout=30) as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.read().decode())
    assert csrf
    form = urllib.parse.urlencode({"csrf": csrf.group(1), "name": name, "password": "fel", "till": ""})
    request = urllib.request.Request(f"{knowledge_url}/admin/login", data=form.encode())
    try:
        with browser.open(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _files(log_dir: Path, database_url: str) -> list[Path]:
    database = Path(database_url.removeprefix("sqlite:///"))
    written = [p for p in log_dir.rglob("*") if p.is_file()]
    journals = [database.with_name(database.name + suffix) for suffix in ("-wal", "-journal")]
    return [*written, database, *(j for j in journals if j.exists())]


def test_no_personal_identity_number_is_stored_or_logged_whatever_the_way_in(assistant: Client):
    k = assistant.knowledge_url
    for number in NUMBERS:
        sender = fictitious_id("privat-", 8)
        # The widget, and the front door's REST form, with the number in the message and as the sender.
        assert "skickar frågan vidare" in text_of(assistant.say(f"Väder i helgen för {number}?", sender))
        assert "skickat frågan vidare" in text_of(assistant.say("ja", sender))
        as_sender = number.replace("+", "-")  # a conversation id has no "+"
        status, _ = assistant.chat({"sender": as_sender, "message": f"Hur följs HÖK upp för {number}?"})
        assert status == 200
        # Straight to Rasa's channel with the front door's token (message, sender and metadata).
        body = {"sender": number, "message": f"Vem är GSA för {number}?", "metadata": {"pnr": number}}
        status, _ = assistant.to_rasa(body, assistant.rasa_token)
        assert status == 200
        # The answer and search API, feedback with the number in every field.
        assert _request(f"{k}/api/answer", json.dumps({"question": f"Gäller HÖK {number}?"}).encode()) == 200
        assert _request(f"{k}/api/search?" + urllib.parse.urlencode({"q": f"samverkan {number}"})) == 200
        source = {"doc": number, "title": number, "section": number}
        feedback = {
            "conversation": number.replace("+", "-"), "question": number, "answer": number,
            "kind": "passage", "sources": [source], "rating": "down", "comment": number,
        }  # fmt: skip
        status, _ = assistant.post("/api/feedback", feedback)
        assert status == 201
        # The action webhook, as Rasa calls it, with the number where Rasa puts text and ids.
        call = action_call(f"Vem sammankallar för {number}?")
        call["tracker"]["sender_id"] = call["sender_id"] = number
        headers = {**ACTION_HEADERS, "Content-Type": "application/json"}
        # Rasa shows the secret derived from this test's key; anyone else would get 401.
        assert _request(f"{k}/webhook", json.dumps(call).encode(), headers) == 200
        # The workspace's sign-in, with the number as the user name (a failed sign-in is audited).
        assert _failed_sign_in(k, number) == 401

    files = _files(assistant.log_dir, assistant.database_url)
    assert any(p.name == "tracker.db" for p in files) and any(p.name == "rasa.log" for p in files)
    assert identity_numbers_in_files(files, NUMBERS) == {}
    assert b"[personnummer borttaget]" in (assistant.log_dir / "tracker.db").read_bytes()
