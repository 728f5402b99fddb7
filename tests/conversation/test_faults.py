"""Faults with the real servers: what the user and /health see when a server dies or the database
is locked, and the supervisor bringing a dead server back. Own servers: these tests kill them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.processes.launcher import Servers, running
from actions.processes.supervisor import Service
from tests.conftest import TEST_SECRET_KEY
from tests.conversation.conftest import RASA, RASA_MODEL, Client, answer_of, text_of
from tests.databases import initialised, sqlite_url
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

RASA_PORT = int(os.environ.get("HOK_TEST_FAULT_RASA_PORT", "16105"))
KNOWLEDGE_PORT = int(os.environ.get("HOK_TEST_FAULT_KNOWLEDGE_PORT", "16155"))
FAILED = "en del av tjänsten svarar inte"
UNREACHABLE = "går inte att nå just nu"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Servers, Client]]:
    assert Path(RASA).exists() and RASA_MODEL.exists(), "run `make env train`"
    tmp = tmp_path_factory.mktemp("fault-servers")
    env = {"HOK_DATABASE_URL": initialised(sqlite_url(tmp)), "HOK_SECRET_KEY": TEST_SECRET_KEY}
    lines: list[str] = []
    with running(
        RASA,
        RASA_PORT,
        KNOWLEDGE_PORT,
        tracker_db=tmp / "tracker.db",
        env=env,
        log_dir=tmp,
        report=lines.append,
    ) as s:
        s.__dict__["reports"] = lines  # what the supervisor told the operator
        yield s, Client(s.rasa_url, s.knowledge_url, env["HOK_DATABASE_URL"], tmp, s.rasa_token)


def health(servers: Servers) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{servers.knowledge_url}/health", timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def service(servers: Servers, name: str) -> Service:
    assert servers.supervisor is not None
    return next(s for s in servers.supervisor.services if s.name == name)


def until_healthy(servers: Servers, seconds: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    status, body = 0, {}
    while time.monotonic() < deadline:
        try:
            status, body = health(servers)
        except OSError:  # the knowledge service itself is restarting
            status, body = 0, {"problem": "the knowledge service does not answer"}
        if status == 200:
            break
        time.sleep(1)
    assert status == 200, body
    return body


def kill(target: Service) -> int:
    pid = target.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while target.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    return pid


def test_health_reports_every_dependency_when_all_is_well(servers):
    s, _ = servers
    assert until_healthy(s) == {
        "status": "ok",
        "rasa": "ok",
        "index": "up to date",
        "model": "loaded",
        "database": "current",
    }


def test_a_dead_rasa_shows_in_health_and_the_chat_and_comes_back(servers):
    s, client = servers
    rasa = service(s, "Rasa-servern")
    old = kill(rasa)
    status, body = health(s)
    assert status == 503 and body["rasa"] == "unreachable" and UNREACHABLE in body["rasa_problem"]
    status, body = client.chat({"sender": fictitious_id(), "message": "Hur följs HÖK upp?"})
    assert status == 503 and UNREACHABLE in body["detail"]
    until_healthy(s)
    assert rasa.pid != old and rasa.restarts >= 1
    assert any("Rasa-servern stannade" in line for line in s.__dict__["reports"])
    status, replies = client.chat({"sender": fictitious_id(), "message": "Hur följs HÖK upp?"})
    assert status == 200 and answer_of(replies)["sources"][0]["doc"] == "hok-oversikt"


def test_a_dead_knowledge_service_is_a_swedish_message_not_an_empty_reply(servers):
    s, client = servers
    knowledge = service(s, "kunskapstjänsten")
    kill(knowledge)
    # Rasa still runs; its action server does not: the turn says so instead of answering [].
    status, body = client.to_rasa({"sender": fictitious_id(), "message": "Hur följs HÖK upp?"}, s.rasa_token)
    assert status == 503 and FAILED in body["detail"]
    until_healthy(s)
    assert knowledge.restarts >= 1
    log = (client.log_dir / "knowledge.log").read_text(encoding="utf-8")
    assert log.count("--- ") >= 2  # appended across the restart, not truncated
    status, replies = client.chat({"sender": fictitious_id(), "message": "Hur följs HÖK upp?"})
    assert status == 200 and answer_of(replies)["kind"] == "passage"


def test_a_pass_on_that_cannot_be_stored_says_so(servers):
    s, client = servers
    until_healthy(s)
    sender = fictitious_id()
    offer = client.say("Vilken pizzeria har godast kebab i Solna?", sender)
    assert "skickar frågan vidare" in text_of(offer)
    database = Path(client.database_url.removeprefix("sqlite:///"))
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        connection = sqlite3.connect(database, timeout=1)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        release.wait(30)
        connection.rollback()
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        reply = text_of(client.say("ja", sender))
    finally:
        release.set()
        holder.join()
    assert "kunde tyvärr inte spara frågan" in reply
