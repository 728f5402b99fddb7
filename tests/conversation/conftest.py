"""The real servers for conversation tests: Rasa (its own environment) and the knowledge service."""

from __future__ import annotations

import http.cookiejar
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from actions.processes.launcher import running
from knowledge.settings import PROJECT_ROOT
from tests.bench.devset import load_ask_bot
from tests.conftest import TEST_SECRET_KEY
from tests.conversation.widget_support import CHROMIUM, CHROMIUM_ARGS
from tests.databases import initialised, sqlite_url
from tests.fictitious import fictitious_id

RASA = os.environ.get("HOK_RASA_BIN", str(PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"))
RASA_MODEL = PROJECT_ROOT / "bot" / "models" / "hok.tar.gz"
# Ports of the test servers; override to run two test sessions side by side.
RASA_PORT = int(os.environ.get("HOK_TEST_RASA_PORT", "16005"))
KNOWLEDGE_PORT = int(os.environ.get("HOK_TEST_KNOWLEDGE_PORT", "16055"))


class Client:
    """Talks to the running assistant as chat clients do: through the front door, one cookie jar
    (one client) per conversation."""

    def __init__(
        self, rasa_url: str, knowledge_url: str, database_url: str, log_dir: Path, rasa_token: str = ""
    ) -> None:
        self.rasa_url = rasa_url
        self.knowledge_url = knowledge_url
        self.database_url = database_url  # the knowledge service's database (test-only, in tmp)
        self.log_dir = log_dir  # the servers' logs (rasa.log, knowledge.log)
        self.rasa_token = rasa_token  # what the front door shows Rasa (tests of Rasa's channel)
        self._clients: dict[str, urllib.request.OpenerDirector] = {}

    def client(self, sender: str) -> urllib.request.OpenerDirector:
        if sender not in self._clients:
            jar = http.cookiejar.CookieJar()
            self._clients[sender] = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        return self._clients[sender]

    @staticmethod
    def _post(
        url: str,
        body: Any,
        opener: urllib.request.OpenerDirector | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(
            url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with (opener or urllib.request.build_opener()).open(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def say(self, message: str, sender: str | None = None) -> list[dict[str, Any]]:
        """One turn through the front door in Rasa's REST form; the replies."""
        sender = sender or fictitious_id()
        status, replies = self._post(
            f"{self.knowledge_url}/webhooks/rest/webhook",
            {"sender": sender, "message": message},
            self.client(sender),
        )
        assert status == 200, (status, replies)
        return replies

    def chat(self, body: Any) -> tuple[int, Any]:
        """One turn through the front door's chat route (the widget's), as the body's sender's client."""
        sender = body.get("sender") if isinstance(body, dict) else None
        return self._post(
            f"{self.knowledge_url}/chat", body, self.client(sender) if isinstance(sender, str) else None
        )

    def to_rasa(self, body: Any, token: str | None) -> tuple[int, Any]:
        """Straight to Rasa's REST channel, past the front door, with the given token (or none)."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self._post(f"{self.rasa_url}/webhooks/rest/webhook", body, headers=headers)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self._post(f"{self.knowledge_url}{path}", body)


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r["text"] for r in replies if r.get("text"))


def answer_of(replies: list[dict[str, Any]]) -> dict[str, Any]:
    return next((r["custom"]["answer"] for r in replies if isinstance(r.get("custom"), dict)), {})


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    assert Path(RASA).exists(), f"no Rasa at {RASA}: run `make env`"
    assert RASA_MODEL.exists(), "no trained Rasa model: run `make train`"
    tmp = tmp_path_factory.mktemp("servers")
    env = {"HOK_DATABASE_URL": initialised(sqlite_url(tmp)), "HOK_SECRET_KEY": TEST_SECRET_KEY}
    with running(RASA, RASA_PORT, KNOWLEDGE_PORT, tracker_db=tmp / "tracker.db", env=env, log_dir=tmp) as s:
        yield Client(s.rasa_url, s.knowledge_url, env["HOK_DATABASE_URL"], tmp, s.rasa_token)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (for the widget and the workspace)."""
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: install Debian's package `chromium`"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def ask_bot() -> ModuleType:
    """The shared evaluation client (../shared/eval/ask_bot.py), to judge replies exactly as it does."""
    return load_ask_bot()
