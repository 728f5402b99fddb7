"""Rasa's REST channel, for the front door only (the knowledge service at port 5055).

Differences from Rasa's stock ``rest`` channel (rasa/core/channels/rest.py), whose routes and
reply format it keeps (``POST /webhooks/rest/webhook``):
- every message must carry ``Authorization: Bearer <token>``, the token the front door derives
  from the shared secret key (knowledge/secrets.py); anything else gets 401 before the body is read;
- a body that is not a JSON object with a text ``sender`` and ``message`` gets 400, an empty or
  too long message 422 / 413 (the stock channel answers some of these with 500, and its time per
  message grows faster than the message's length);
- personal identity numbers are redacted again here (the front door already did), from the
  message and the sender id, and no metadata is taken, so nothing that reaches Rasa's tracker
  store or logs holds one, whoever sent it;
- a turn that produced no reply (an action failed, the action server is down) gets 503 with a
  Swedish explanation instead of an empty list;
- a conversation's session is renewed every ``session_turns`` turns (Rasa's own ``/session_start``,
  slots carried over, never while a form is active), so a turn costs the same at turn 200 as at
  turn 5: Rasa reads, replays and stores every event of the current session on every turn;
- ``GET /webhooks/rest/`` answers 503 until the model is loaded, so health checks tell the truth;
- creating the channel installs channels/speedups.py (cheaper custom-action calls) and
  channels/parse_cache.py (a repeated text is not parsed again).

Credentials (written by actions/processes/launcher.py)::

    channels.frontdoor.FrontDoorInput:
      token: ${HOK_RASA_CHANNEL_TOKEN}
      max_chars: 2000
      session_turns: 10
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.redact import redact_text  # standard library only; the launcher puts it on the path
from knowledge.secrets import same

from . import messages, parse_cache, speedups

logger = logging.getLogger(__name__)

BEARER = re.compile(r"Bearer\s+(\S+)\s*$")
MAX_SENDER_CHARS = 128
DEFAULT_MAX_CHARS = 2000
DEFAULT_SESSION_TURNS = 10
MAX_COUNTED_CONVERSATIONS = 100_000
SESSION_START = "/session_start"  # Rasa's default intent for a new session (slots carried over)


def _error(status: HTTPStatus, detail: str) -> HTTPResponse:
    return response.json({"detail": detail}, status=status)


class FrontDoorInput(RestInput):
    """The REST channel behind the front door."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        config = credentials or {}
        token = str(config.get("token") or "")
        if len(token) < 16:
            cls.raise_missing_credentials_exception()
        speedups.install()  # the per-turn costs of custom-action calls (channels/speedups.py)
        parse_cache.install(int(config.get("parse_cache_size") or parse_cache.DEFAULT_SIZE))
        return cls(
            token,
            int(config.get("max_chars") or DEFAULT_MAX_CHARS),
            int(config.get("session_turns") or DEFAULT_SESSION_TURNS),
        )

    def __init__(
        self, token: str, max_chars: int = DEFAULT_MAX_CHARS, session_turns: int = DEFAULT_SESSION_TURNS
    ) -> None:
        self.token = token
        self.max_chars = max_chars
        self.session_turns = session_turns
        self._turns: OrderedDict[str, int] = OrderedDict()  # turns since the session began, here

    def _count(self, sender: str) -> int:
        turns = self._turns.pop(sender, 0) + 1
        self._turns[sender] = turns
        while len(self._turns) > MAX_COUNTED_CONVERSATIONS:
            self._turns.popitem(last=False)
        return turns

    async def renew_session(self, agent: Any, sender: str) -> bool:
        """Start a new session for ``sender`` unless a form is active (then at a later turn)."""
        tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None or tracker.active_loop_name:
            return False
        await agent.handle_message(
            UserMessage(SESSION_START, CollectingOutputChannel(), sender, input_channel=self.name())
        )
        self._turns.pop(sender, None)
        return True

    def authorised(self, request: Request) -> bool:
        match = BEARER.match(request.headers.get("Authorization") or "")
        return match is not None and same(match.group(1), self.token)

    def turn(self, request: Request) -> tuple[str, str] | HTTPResponse:
        """(sender, text), both redacted, or the 4xx that says what is wrong."""
        try:
            body = request.json
        except Exception:  # sanic raises its own InvalidUsage for a malformed body
            body = None
        if not isinstance(body, dict):
            return _error(HTTPStatus.BAD_REQUEST, messages.INVALID)
        sender, text = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER_CHARS:
            return _error(HTTPStatus.BAD_REQUEST, messages.INVALID)
        if not isinstance(text, str):
            return _error(HTTPStatus.BAD_REQUEST, messages.INVALID)
        if not text.strip():
            return _error(HTTPStatus.UNPROCESSABLE_ENTITY, messages.EMPTY_MESSAGE)
        if len(text) > self.max_chars:
            return _error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, messages.MESSAGE_TOO_LONG.format(limit=self.max_chars)
            )
        return redact_text(sender), redact_text(text)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("front_door_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "loading", "detail": messages.NOT_READY}, status=503)
            return response.json(
                {"status": "ok", "model": agent.model_id, "parse_cache": parse_cache.cache.stats()}
            )

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return _error(HTTPStatus.UNAUTHORIZED, messages.UNAUTHORIZED)
            parsed = self.turn(request)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, text = parsed
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception:  # the text is not logged: the stock channel logs it in clear
                logger.exception("Handling a message from the front door failed.")
            if not collector.messages:
                logger.error("A turn produced no reply (an action failed or the action server is down).")
                return _error(HTTPStatus.SERVICE_UNAVAILABLE, messages.ASSISTANT_FAILED)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and self._count(sender) >= self.session_turns:
                try:
                    await self.renew_session(agent, sender)
                except Exception:  # the turn is answered either way; the next turn tries again
                    logger.exception("Renewing a conversation's session failed.")
            return response.json(collector.messages)

        return webhook
