"""Schemathesis over the knowledge service's OpenAPI schema, bounded: generated requests to every
operation, anonymous and as an admin with an API token, never get a 5xx (with every dependency
up: Rasa is stood in for, so a 503 here would be the service's own failure)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from actions.web.app import create_app
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.settings import Settings
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.conversation.loopback import LoopbackServer
from tests.databases import initialised, sqlite_url

EXAMPLES_PER_OPERATION = 12


class FakeRasa(LoopbackServer):
    """A stand-in for Rasa's channel on loopback (the API under test is the knowledge service's)."""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            def _reply(self, body: object) -> None:
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._reply({"status": "ok"})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._reply([{"recipient_id": "x", "text": "Hej!"}])

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[tuple[TestClient, str]]:
    rasa = FakeRasa().__enter__()
    tmp = tmp_path_factory.mktemp("fuzz")
    url = initialised(sqlite_url(tmp))
    config = Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        secret_key=TEST_SECRET_KEY,
        sources_dir=corpus / "sources",
        index_dir=corpus / "build",
        embedding_model="fake-embedder",
        database_url=url,
        rasa_url=rasa.url,
        rate_address_burst=0,  # the fuzzer is one client sending thousands of requests
        curated_poll_seconds=0.0,
    )
    engine = SearchEngine(config)
    engine.__dict__["embedder"] = FakeEmbedder()
    accounts = AccountStore(url)
    accounts.add("adm.fuzz", "admin", "fiktivt-losenord-for-fuzz")
    token = accounts.create_token("adm.fuzz")
    try:
        with TestClient(create_app(config, engine), raise_server_exceptions=False) as client:
            yield client, token
    finally:
        rasa.__exit__()


BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def _operations(client: TestClient) -> list:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "admin"])
def test_no_generated_request_gets_a_server_error(service, as_admin):
    client, token = service
    headers = {"Authorization": f"Bearer {token}"} if as_admin else {}
    operations = _operations(client)
    assert len(operations) >= 20  # the schema lists the public and the workspace API
    failures: list[tuple[str, str, int, str]] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @BOUNDED
        def call(case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.status_code, response.text[:200]))

        call()
    assert failures == []
