"""The service's secrets, each derived from one key (``HOK_SECRET_KEY``) by purpose.

The front door and Rasa share two of them: the token the front door shows Rasa's REST channel,
and the one Rasa shows the action webhook. The third signs the conversation cookie. Deriving all
three from one key keeps a deployment to one secret to keep, and lets every replica agree."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

RASA_CHANNEL = "rasa-channel"
ACTION_WEBHOOK = "action-webhook"
CONVERSATION_COOKIE = "conversation-cookie"


class MissingSecretError(RuntimeError):
    """No secret key is configured (the message is Swedish, for the operator)."""


def derive(secret_key: str, purpose: str) -> str:
    """A hex secret for one purpose; the same key and purpose always give the same value."""
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def new_secret_key() -> str:
    return secrets.token_hex(32)


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented secret with the expected one."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class ServiceSecrets:
    rasa_channel_token: str
    action_secret: str
    cookie_key: bytes

    @classmethod
    def from_key(cls, secret_key: str) -> ServiceSecrets:
        if len(secret_key) < 16:
            raise MissingSecretError(
                "HOK_SECRET_KEY saknas eller är kortare än 16 tecken. `make run` skapar en i "
                ".var/secret.key; sätt annars HOK_SECRET_KEY till samma långa slumpsträng för alla "
                "repliker (t.ex. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        return cls(
            rasa_channel_token=derive(secret_key, RASA_CHANNEL),
            action_secret=derive(secret_key, ACTION_WEBHOOK),
            cookie_key=bytes.fromhex(derive(secret_key, CONVERSATION_COOKIE)),
        )
