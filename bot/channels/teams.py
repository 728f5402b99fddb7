"""Microsoft Teams for Rasa: the Bot Framework channel, adapted for Teams.

Differences from Rasa's stock ``botframework`` channel (rasa/core/channels/botframework.py):
- the OpenID metadata URL (signing keys) and the token endpoint come from the credentials
  (defaults: Microsoft's), so a test can point them at a fake Bot Connector on loopback;
- signing keys are fetched on the first request, not at start-up, refreshed daily and when an
  unknown key id appears; tokens are checked as Bot Framework requires (RS256 only, issuer,
  audience, expiry with 5 minutes' clock skew, the key's endorsement of the channel, and the
  ``serviceurl`` claim matching the activity, since replies and our bearer token go there);
- Teams ``<at>…</at>`` mentions and HTML entities are stripped before the text reaches NLU, and
  personal identity numbers are redacted (knowledge/redact.py, as the web chat's /chat does);
- a turn's replies are buffered and sent after Rasa has handled the message: a text with its
  answer payload becomes one Adaptive Card with the sources (see cards.py);
- the turn is handled after the webhook has answered, so a slow answer never runs into the Bot
  Connector's time-out; HTTP calls are asynchronous (aiohttp) instead of blocking ``requests``.

Credentials (written by actions/processes/launcher.py when HOK_TEAMS_APP_ID and HOK_TEAMS_APP_PASSWORD are
set)::

    channels.teams.TeamsInput:
      app_id: <Microsoft App ID>
      app_password: <client secret>
      openid_url: https://login.botframework.com/v1/.well-known/openidconfiguration
      token_url: https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token

Messaging endpoint: ``/webhooks/teams/webhook`` on the Rasa server.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import (
    MICROSOFT_OAUTH2_PATH,
    MICROSOFT_OAUTH2_URL,
    MICROSOFT_OPEN_ID_URI,
    BotFramework,
    BotFrameworkInput,
)
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.redact import redact_text  # standard library only; the launcher puts it on the path

from . import messages
from .cards import compose, strip_mentions

logger = logging.getLogger(__name__)

OPENID_URL = MICROSOFT_OPEN_ID_URI
TOKEN_URL = f"{MICROSOFT_OAUTH2_URL}/{MICROSOFT_OAUTH2_PATH}"
TOKEN_SCOPE = "https://api.botframework.com/.default"
ISSUER = "https://api.botframework.com"  # used when the OpenID configuration names none
ALGORITHMS = ["RS256"]
CLOCK_SKEW_SECONDS = 300
KEYS_MAX_AGE_SECONDS = 24 * 3600
KEYS_MIN_REFRESH_SECONDS = 60
TOKEN_MARGIN_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 15
BEARER = re.compile(r"Bearer\s+(\S+)\s*$")
MAX_CHARS = 2000  # the longest message handed to Rasa (the web chat's limit, too)
# What a failed HTTP call raises. (On Python 3.10, Rasa's, asyncio.TimeoutError is not yet the
# builtin TimeoutError.)
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)


class AuthError(Exception):
    """A refused request: ``reason`` is returned to the caller, ``detail`` only logged."""

    def __init__(self, status: HTTPStatus, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail

    def log(self) -> None:
        logger.warning(
            "Rejected a Teams request: %s %s", self.reason, f"({self.detail})" if self.detail else ""
        )


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS))


class SigningKeys:
    """The Bot Connector's signing keys, from the OpenID configuration's ``jwks_uri``."""

    def __init__(self, openid_url: str) -> None:
        self.openid_url = openid_url
        self.issuer = ISSUER
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched = float("-inf")
        self._attempted = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> dict[str, Any] | None:
        if kid not in self._keys or time.monotonic() - self._fetched > KEYS_MAX_AGE_SECONDS:
            async with self._lock:
                stale = time.monotonic() - self._fetched > KEYS_MAX_AGE_SECONDS
                if (kid not in self._keys or stale) and self._may_refresh():
                    await self._refresh()
        return self._keys.get(kid)

    def _may_refresh(self) -> bool:
        return time.monotonic() - self._attempted >= KEYS_MIN_REFRESH_SECONDS

    async def _refresh(self) -> None:
        self._attempted = time.monotonic()
        try:
            async with _session() as session:
                async with session.get(self.openid_url) as resp:
                    resp.raise_for_status()
                    config = await resp.json(content_type=None)
                async with session.get(config["jwks_uri"]) as resp:
                    resp.raise_for_status()
                    jwks = await resp.json(content_type=None)
            keys = {k["kid"]: k for k in jwks["keys"] if isinstance(k, dict) and "kid" in k}
        except (*NETWORK_ERRORS, KeyError, TypeError, ValueError) as exc:
            logger.warning("Could not fetch Bot Framework signing keys from %s: %r", self.openid_url, exc)
            return
        self._keys = keys
        self.issuer = str(config.get("issuer") or ISSUER)
        self._fetched = time.monotonic()
        logger.debug("Fetched %d Bot Framework signing keys.", len(keys))


class Tokens:
    """Bearer tokens for the Bot Connector (OAuth client credentials), cached until near expiry."""

    def __init__(self, app_id: str, app_password: str, token_url: str) -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.token_url = token_url
        self._authorization: str | None = None
        self._expires = float("-inf")
        self._lock = asyncio.Lock()

    async def authorization(self, session: aiohttp.ClientSession) -> str | None:
        if self._authorization and time.monotonic() < self._expires:
            return self._authorization
        async with self._lock:
            if self._authorization and time.monotonic() < self._expires:
                return self._authorization
            form = {
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": self.app_password,
                "scope": TOKEN_SCOPE,
            }
            try:
                async with session.post(self.token_url, data=form) as resp:
                    if resp.status != HTTPStatus.OK:
                        logger.error("Bot Framework token request failed: HTTP %s", resp.status)
                        return None
                    body = await resp.json(content_type=None)
                token = str(body["access_token"])
                lifetime = int(body.get("expires_in", 3600))
            except (*NETWORK_ERRORS, KeyError, TypeError, ValueError) as exc:
                logger.error("Bot Framework token request to %s failed: %r", self.token_url, exc)
                return None
            self._authorization = f"Bearer {token}"
            self._expires = time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, lifetime / 2)
            return self._authorization

    def forget(self, authorization: str) -> None:
        """Drop a token the Bot Connector refused, so that the next reply fetches a new one."""
        if self._authorization == authorization:
            self._authorization = None


def _same_url(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and bool(a) and a.rstrip("/") == b.rstrip("/")


class TeamsOutput(BotFramework):
    """Collects a turn's replies; :meth:`flush` sends them as Teams messages."""

    @classmethod
    def name(cls) -> str:
        return "teams"

    def __init__(
        self,
        app_id: str,
        app_password: str,
        conversation: dict[str, Any],
        bot: dict[str, Any],
        service_url: str,
        tokens: Tokens,
        reply_to_id: str | None = None,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.service_url = service_url.rstrip("/")
        self.tokens = tokens
        self.reply_to_id = reply_to_id
        self.messages: list[dict[str, Any]] = []

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.messages.append({"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        self.messages.append({"custom": json_message})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        self.messages.append({"image": image})

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.messages.extend({"activity": element} for element in elements)

    def prepare_message(self, recipient_id: str, message_data: dict[str, Any]) -> dict[str, Any]:
        activity: dict[str, Any] = {
            "type": "message",
            "from": self.bot,
            "recipient": {"id": recipient_id},
            "conversation": self.conversation,
            "text": "",
        }
        if self.reply_to_id:
            activity["replyToId"] = self.reply_to_id
        activity.update(message_data)
        return activity

    def _activities_url(self) -> str:
        conversation_id = quote(str(self.conversation["id"]), safe="")
        return f"{self.service_url}/v3/conversations/{conversation_id}/activities"

    async def flush(self, recipient_id: str) -> None:
        """Send what the turn produced, in order; the buffer is emptied even when sending fails."""
        activities = compose(self.messages)
        self.messages = []
        if activities:
            async with _session() as session:
                for activity in activities:
                    await self._post(session, self.prepare_message(recipient_id, activity))

    async def send(self, message_data: dict[str, Any]) -> None:
        """One activity, sent at once (the stock channel's entry point)."""
        async with _session() as session:
            await self._post(session, message_data)

    async def _post(self, session: aiohttp.ClientSession, activity: dict[str, Any]) -> None:
        authorization = await self.tokens.authorization(session)
        if authorization is None:
            logger.error("No Bot Framework token: a Teams reply was not sent.")
            return
        headers = {"Authorization": authorization, "Content-Type": "application/json"}
        try:
            async with session.post(self._activities_url(), json=activity, headers=headers) as resp:
                if resp.status == HTTPStatus.UNAUTHORIZED:
                    self.tokens.forget(authorization)
                if resp.status >= HTTPStatus.BAD_REQUEST:
                    logger.error("Bot Connector refused a Teams reply: HTTP %s", resp.status)
        except NETWORK_ERRORS as exc:
            logger.error("Could not send a Teams reply to %s: %r", self.service_url, exc)


class TeamsInput(BotFrameworkInput):
    """Microsoft Teams input channel: ``POST /webhooks/teams/webhook``."""

    @classmethod
    def name(cls) -> str:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        config = credentials or {}
        if not config.get("app_id") or not config.get("app_password"):
            cls.raise_missing_credentials_exception()
        return cls(
            str(config["app_id"]),
            str(config["app_password"]),
            str(config.get("openid_url") or OPENID_URL),
            str(config.get("token_url") or TOKEN_URL),
            int(config.get("max_chars") or MAX_CHARS),
        )

    def __init__(
        self,
        app_id: str,
        app_password: str,
        openid_url: str = OPENID_URL,
        token_url: str = TOKEN_URL,
        max_chars: int = MAX_CHARS,
    ) -> None:
        # BotFrameworkInput.__init__ is not called: it fetches Microsoft's keys synchronously at
        # start-up from a fixed URL. Keys come from `openid_url` on the first request instead.
        self.app_id = app_id
        self.app_password = app_password
        self.keys = SigningKeys(openid_url)
        self.tokens = Tokens(app_id, app_password, token_url)
        self.max_chars = max_chars
        self._turns: set[asyncio.Future[None]] = set()

    async def verify_token(self, auth_header: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The token's claims and the key that signed it; AuthError when it is not valid."""
        if not auth_header:
            raise AuthError(HTTPStatus.UNAUTHORIZED, "No authorization header provided.")
        match = BEARER.match(auth_header)
        if not match:
            raise AuthError(HTTPStatus.UNAUTHORIZED, "No Bearer token provided in Authorization header.")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALGORITHMS:
                raise jwt.InvalidAlgorithmError(f"algorithm {header.get('alg')!r} is not allowed")
            key = await self.keys.key(str(header.get("kid")))
            if key is None:
                raise jwt.InvalidKeyError("unknown signing key")
            public_key = RSAAlgorithm.from_jwk(key)
            if not isinstance(public_key, RSAPublicKey):
                raise jwt.InvalidKeyError("not an RSA public key")
            claims = jwt.decode(
                token,
                key=public_key,
                algorithms=ALGORITHMS,
                audience=self.app_id,
                issuer=self.keys.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:  # the kind of failure is logged, never the token
            raise AuthError(
                HTTPStatus.UNAUTHORIZED, "Could not validate JWT token.", type(exc).__name__
            ) from exc
        return claims, key

    @staticmethod
    def check_activity(
        claims: Mapping[str, Any], key: Mapping[str, Any], activity: Mapping[str, Any]
    ) -> None:
        """The token must be for this activity: its serviceUrl, and a key endorsed for its channel."""
        if not _same_url(claims.get("serviceurl"), activity.get("serviceUrl")):
            raise AuthError(HTTPStatus.UNAUTHORIZED, "The token's serviceurl does not match the activity.")
        channel_id = activity.get("channelId")
        if channel_id and channel_id not in (key.get("endorsements") or ()):
            raise AuthError(HTTPStatus.FORBIDDEN, "The signing key is not endorsed for this channel.")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams_webhook = Blueprint("teams_webhook", __name__)

        @teams_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @teams_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                claims, key = await self.verify_token(request.headers.get("Authorization"))
            except AuthError as err:
                err.log()
                return response.text(err.reason, status=err.status)
            try:
                activity = request.json
            except Exception:  # sanic raises its own InvalidUsage for a malformed body
                activity = None
            if not isinstance(activity, dict):
                return response.text(
                    "The body must be a Bot Framework activity.", status=HTTPStatus.BAD_REQUEST
                )
            try:
                self.check_activity(claims, key, activity)
            except AuthError as err:
                err.log()
                return response.text(err.reason, status=err.status)

            if activity.get("type") != "message":
                logger.debug("Ignoring a Teams %r activity.", activity.get("type"))
                return response.text("success")
            message = self._user_message(activity, self.get_metadata(request))
            if message is None:
                return response.text("success")
            # Answer the Bot Connector now and handle the turn afterwards.
            turn = asyncio.ensure_future(self._handle(on_new_message, message, self.max_chars))
            self._turns.add(turn)
            turn.add_done_callback(self._turns.discard)
            return response.text("success")

        return teams_webhook

    def _user_message(self, activity: dict[str, Any], metadata: dict[str, Any] | None) -> UserMessage | None:
        # Personal identity numbers never reach Rasa's tracker store, as on the web chat's /chat.
        text = redact_text(strip_mentions(str(activity.get("text") or "")))
        conversation = activity.get("conversation")
        sender = activity.get("from")
        if not text or not isinstance(conversation, dict) or not isinstance(sender, dict):
            return None
        if not conversation.get("id") or not sender.get("id") or not activity.get("serviceUrl"):
            return None
        recipient = activity.get("recipient")
        out_channel = TeamsOutput(
            self.app_id,
            self.app_password,
            conversation,
            recipient if isinstance(recipient, dict) else {"id": self.app_id},
            str(activity["serviceUrl"]),
            self.tokens,
            reply_to_id=str(activity["id"]) if activity.get("id") else None,
        )
        return UserMessage(
            text=text,
            output_channel=out_channel,
            sender_id=str(sender["id"]),
            input_channel=self.name(),
            message_id=str(activity["id"]) if activity.get("id") else None,
            metadata=self.add_attachments_to_metadata(activity, metadata),
        )

    @staticmethod
    async def _handle(
        on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, max_chars: int
    ) -> None:
        """Handle one turn; a message beyond ``max_chars`` is refused (Rasa's time grows faster
        than a message's length), and a turn without a reply says, in Swedish, that it failed."""
        out_channel = message.output_channel
        if not isinstance(out_channel, TeamsOutput):
            return
        try:
            if len(message.text or "") > max_chars:
                out_channel.messages.append({"text": messages.MESSAGE_TOO_LONG.format(limit=max_chars)})
            else:
                await on_new_message(message)
        except Exception:
            logger.exception("Handling a Teams message failed.")
        finally:
            if not out_channel.messages:
                out_channel.messages.append({"text": messages.ASSISTANT_FAILED})
            await out_channel.flush(message.sender_id or "")
