"""Binding a conversation to the client that started it.

The front door gives each client (a browser, an API client with a cookie jar) an id, signed, in
an HttpOnly cookie. Rasa never sees the ``sender`` a client names: it sees a keyed hash of the
client id and that sender, so naming another client's conversation id starts a new conversation
instead of continuing theirs, and the conversation ids in Rasa's tracker store say nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from knowledge.redact import unredactable_id

COOKIE = "hok_klient"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookie lifetimes at 400 days


@dataclass(frozen=True)
class Client:
    id: str
    new: bool  # issued with this request: the response sets the cookie


class ConversationBinder:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _signature(self, client_id: str) -> str:
        digest = hmac.new(self._key, b"client\0" + client_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()

    def client(self, cookie: str | None) -> Client:
        """The client the cookie names when its signature holds; else a new client."""
        if cookie and cookie.count(".") == 1:
            client_id, signature = cookie.split(".")
            if client_id and hmac.compare_digest(signature.encode(), self._signature(client_id).encode()):
                return Client(client_id, new=False)
        return Client(secrets.token_urlsafe(18), new=True)

    def cookie_value(self, client: Client) -> str:
        return f"{client.id}.{self._signature(client.id)}"

    def rasa_sender(self, client: Client, sender: str) -> str:
        """The conversation id Rasa keeps: the same for the same client and sender, unguessable
        from the sender alone, and never changed by the redaction in Rasa's channel and stores."""
        message = b"conversation\0" + client.id.encode() + b"\0" + sender.encode()
        return unredactable_id(hmac.new(self._key, message, hashlib.sha256).digest(), 40)
