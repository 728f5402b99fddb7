"""Shared fixtures: a deterministic fake embedder, a tiny fictitious corpus, a tracker factory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from knowledge.secrets import ServiceSecrets
from knowledge.text import fold

# The secret key of test services (fictitious), and what Rasa shows the action webhook with it.
TEST_SECRET_KEY = "fictitious-test-secret-key-not-for-production"
ACTION_HEADERS = {"X-HOK-Action-Secret": ServiceSecrets.from_key(TEST_SECRET_KEY).action_secret}

DIM = 64
# Fictitious written questions for the fictitious test documents (knowledge/questions/'s format).
FICTITIOUS_QUESTIONS = Path(__file__).parent / "fixtures" / "questions"


class FakeEmbedder:
    """Bag-of-words hashing embedder: texts sharing words get similar vectors. For unit tests only."""

    model_id = "fake-embedder"
    dimension = DIM

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for word in fold(text).split():
            word = word.strip('.,:;?!()"”')
            if len(word) > 2:
                v[int(hashlib.md5(word[:6].encode()).hexdigest(), 16) % DIM] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])


FICTITIOUS_DOC = """---
id: testdok
title: Fiktiv testöverenskommelse
issuer: Testförbundet (fiktivt)
date: 2099-01-01
region: stockholm
source: testdok.txt
---

## Syfte

Den här fiktiva överenskommelsen finns bara för tester. Den beskriver hur kommunen Testby och
regionen Testland samverkar kring äldres vård och omsorg, med ett gemensamt mål om trygg vård.
Parterna följer upp överenskommelsen varje år i en gemensam dialog om resultaten.

## Sammankallande

Testcentralen sammankallar till lokala samverkansmöten fyra gånger per år. Om parterna inte
kommer överens om annat är det testcentralen som ansvarar för att sammankalla.

## Uppdrag

Testfunktionen ska:

- vara kontaktperson för andra aktörer,
- delta i lokala samverkansmöten,
- föra frågor till och från verksamheterna.

Testfunktionen bör ha god kunskap om socialtjänstens organisation och uppdrag i kommunen Testby.
"""


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A sources directory holding one fictitious document."""
    src = tmp_path / "sources"
    src.mkdir()
    (src / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    return src


def action_call(
    text: str, intent: str = "ask_agreement", confidence: float = 0.95, action: str | None = None
) -> dict:
    """A Rasa 3.6 action-server request, as Rasa sends it (with the domain: selective domain is off)."""
    return {
        "next_action": action or "action_answer_from_sources",
        "sender_id": "test-user",
        "version": "3.6.21",
        "domain": {"version": "3.1", "intents": [intent], "responses": {}, "actions": []},
        "tracker": {
            "sender_id": "test-user",
            "slots": {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": confidence},
                "entities": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.fixture
def tracker_call():
    """A factory of action-server requests (tracker + domain) for a user message."""
    return action_call


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session (started on first use)."""
    from tests.databases import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that does not exist yet (SQLite) or is empty (PostgreSQL); its connections
    are closed after the test."""
    from knowledge.db import dispose
    from tests.databases import sqlite_url

    if request.param == "postgresql":
        url = str(request.getfixturevalue("postgres_server").create_database())
    else:
        url = sqlite_url(tmp_path)
    yield url
    dispose(url)


@pytest.fixture
def database_url(blank_database_url: str) -> Iterator[str]:
    """A fresh knowledge database with every migration applied, on SQLite and on PostgreSQL."""
    from knowledge.db import dispose
    from tests.databases import initialised

    yield initialised(blank_database_url)
    dispose(blank_database_url)
