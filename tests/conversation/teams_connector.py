"""A fake Bot Connector on loopback, for the Teams round-trip test.

It plays every Microsoft endpoint the Teams channel talks to, with its own RSA signing key:
- ``GET /v1/.well-known/openidconfiguration``: OpenID metadata whose ``jwks_uri`` points here;
- ``GET /v1/.well-known/keys``: the public key as a JWK, endorsed for ``msteams``;
- ``POST /botframework.com/oauth2/v2.0/token``: client credentials for the one fictitious app
  → a random access token;
- ``POST /v3/conversations/{id}/activities``: the bot's replies, captured with their
  Authorization header (401 unless it carries a token issued here).
It also signs the JWTs a real connector would send to the bot.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.conversation.loopback import LoopbackServer

ISSUER = "https://api.botframework.com"
OPENID_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"
TOKEN_PATH = "/botframework.com/oauth2/v2.0/token"
TOKEN_SCOPE = "https://api.botframework.com/.default"
ACTIVITIES_PREFIX = "/v3/conversations/"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Reply:
    conversation_id: str
    authorization: str
    activity: dict[str, Any]


class FakeConnector(LoopbackServer):
    def __init__(self, app_id: str, app_password: str, host: str = "127.0.0.1") -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.key = new_key()
        self.kid = "fake-connector-key-1"
        self.issued_tokens: list[str] = []
        self.replies: list[Reply] = []
        self.rejected_replies = 0
        self.key_fetches = 0
        self._changed = threading.Condition()
        super().__init__(host=host)

    @property
    def openid_url(self) -> str:
        return self.url + OPENID_PATH

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    # What a real connector signs.
    def token(
        self,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        audience: str | None = None,
        service_url: str | None = None,
        issuer: str = ISSUER,
        lifetime: int = 600,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "serviceurl": service_url or self.url,
            "nbf": now - 5,
            "iat": now - 5,
            "exp": now + lifetime,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def jwk(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]}

    # What the bot sent.
    def replies_to(self, conversation_id: str, count: int = 1, timeout: float = 120) -> list[Reply]:
        """The replies in a conversation once there are at least ``count`` (fewer after timeout)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [r for r in self.replies if r.conversation_id == conversation_id]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    return found
                self._changed.wait(remaining)

    def _record(self, reply: Reply | None) -> None:
        with self._changed:
            if reply is None:
                self.rejected_replies += 1
            else:
                self.replies.append(reply)
            self._changed.notify_all()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        connector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                if self.path == OPENID_PATH:
                    self._send(
                        200,
                        {
                            "issuer": ISSUER,
                            "authorization_endpoint": "https://invalid.botframework.com",
                            "jwks_uri": connector.url + KEYS_PATH,
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                        },
                    )
                elif self.path == KEYS_PATH:
                    connector.key_fetches += 1
                    self._send(200, {"keys": [connector.jwk()]})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                body = self._body()
                if self.path == TOKEN_PATH:
                    self._token(urllib.parse.parse_qs(body.decode()))
                elif self.path.startswith(ACTIVITIES_PREFIX) and self.path.endswith("/activities"):
                    conversation = urllib.parse.unquote(
                        self.path[len(ACTIVITIES_PREFIX) : -len("/activities")]
                    )
                    self._activity(conversation, json.loads(body or b"{}"))
                else:
                    self._send(404, {"error": "not found"})

            def _token(self, form: dict[str, list[str]]) -> None:
                expected = {
                    "grant_type": "client_credentials",
                    "client_id": connector.app_id,
                    "client_secret": connector.app_password,
                    "scope": TOKEN_SCOPE,
                }
                if any(form.get(k) != [v] for k, v in expected.items()):
                    self._send(401, {"error": "invalid_client"})
                    return
                token = secrets.token_urlsafe(24)
                connector.issued_tokens.append(token)
                self._send(200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token})

            def _activity(self, conversation: str, activity: dict[str, Any]) -> None:
                authorization = self.headers.get("Authorization") or ""
                if authorization.removeprefix("Bearer ") not in connector.issued_tokens:
                    connector._record(None)
                    self._send(401, {"error": {"code": "Unauthorized"}})
                    return
                connector._record(Reply(conversation, authorization, activity))
                self._send(200, {"id": secrets.token_hex(8)})

        return Handler


def walk(element: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside a card (elements, actions, nested cards), depth first."""
    if isinstance(element, dict):
        yield element
        for value in element.values():
            yield from walk(value)
    elif isinstance(element, list):
        for item in element:
            yield from walk(item)
