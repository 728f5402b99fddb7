"""The front door's conversation routes: the widget's ``POST /chat``, the same turn in Rasa's
REST-channel form at ``POST /webhooks/rest/webhook`` (API clients, ``ask_bot.py``), and the Teams
messaging endpoint, all forwarded to Rasa on loopback with the channel token.

Before a turn goes on: the client's rate limits, a JSON body of the right shape, the message's
length, and its personal identity numbers redacted. The conversation is bound to the client
(actions/web/conversations.py)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field

from actions.core import templates
from actions.web.conversations import COOKIE, COOKIE_MAX_AGE, Client, ConversationBinder
from actions.web.deps import BinderDep, LimitsDep, RasaDep, ServicesDep, SettingsDep
from actions.web.frontdoor import Limits
from knowledge.redact import redact
from knowledge.settings import Settings

log = logging.getLogger(__name__)
CONVERSATION_ID = r"^[\w\-.:]+$"
TEAMS_PATH = "/webhooks/teams/webhook"


def well_formed(text: str) -> str:
    """Lone UTF-16 surrogates (valid as JSON escapes, not as text) become U+FFFD; as they are,
    they could not be encoded to forward or store the text."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


Text = Annotated[str, AfterValidator(well_formed)]
ConversationId = Annotated[str, Field(min_length=1, max_length=128, pattern=CONVERSATION_ID)]


class ChatTurn(BaseModel):
    sender: ConversationId
    message: Text


def swedish_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message}, headers=headers)


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


async def _authorization(services: ServicesDep) -> dict[str, str]:
    return {"Authorization": f"Bearer {services.secrets.rasa_channel_token}"}


Authorization = Annotated[dict[str, str], Depends(_authorization)]


def bind(
    request: Request, response: Response, client: Client, binder: ConversationBinder, settings: Settings
) -> Response:
    if client.new:
        cross_site = bool([o for o in settings.cors_origins if o.strip()])
        forwarded_https = request.headers.get("x-forwarded-proto", "") == "https"
        secure = request.url.scheme == "https" or forwarded_https or cross_site
        response.set_cookie(
            COOKIE, binder.cookie_value(client), max_age=COOKIE_MAX_AGE, httponly=True,
            secure=secure, samesite="none" if cross_site else "lax", path="/",
        )  # fmt: skip
    return response


async def parse(request: Request, settings: Settings) -> ChatTurn | JSONResponse:
    if not is_json(request.headers.get("content-type", "")):
        return swedish_error(415, templates.CHAT_NOT_JSON)
    raw = await request.body()
    if len(raw) > 8 * settings.max_message_chars + 1024:  # \uXXXX escapes: 6 bytes a character
        return swedish_error(413, templates.MESSAGE_TOO_LONG.format(limit=settings.max_message_chars))
    try:
        return ChatTurn.model_validate(json.loads(raw))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested beyond reason, wrong shape
        return swedish_error(422, templates.CHAT_INVALID)


@dataclass(frozen=True)
class Forwarding:
    """What a turn needs to go on to Rasa."""

    settings: Settings
    limits: Limits
    binder: ConversationBinder
    rasa: httpx.AsyncClient
    authorization: dict[str, str]

    async def forward(self, turn: ChatTurn, client: Client) -> JSONResponse:
        settings = self.settings
        message = turn.message.strip()
        if not message:
            return swedish_error(422, templates.EMPTY_MESSAGE)
        if len(message) > settings.max_message_chars:
            return swedish_error(413, templates.MESSAGE_TOO_LONG.format(limit=settings.max_message_chars))
        sender = self.binder.rasa_sender(client, turn.sender)
        if limited := self.limits.check_conversation(sender):
            return limited
        redacted = redact(message)
        if redacted.count:
            log.info("%d personal identity number(s) redacted from a chat message", redacted.count)
        try:
            response = await self.rasa.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": redacted.text},
                headers=self.authorization,
            )
        except httpx.HTTPError as exc:
            log.warning("Rasa unreachable: %r", exc)
            return swedish_error(503, templates.ASSISTANT_UNREACHABLE)
        if response.status_code in (413, 422):  # Rasa's own limits: its Swedish detail is the answer
            return swedish_error(response.status_code, _detail(response) or templates.BAD_REQUEST)
        if response.status_code == 503:
            return swedish_error(503, templates.ASSISTANT_FAILED)
        replies = _replies(response)
        if replies is None:
            log.error("Rasa answered HTTP %s without replies", response.status_code)
            return swedish_error(503, templates.ASSISTANT_UNREACHABLE)
        if not replies:
            return swedish_error(503, templates.ASSISTANT_FAILED)
        for reply in replies:  # the client's own conversation id, not Rasa's
            if isinstance(reply, dict) and "recipient_id" in reply:
                reply["recipient_id"] = turn.sender
        return JSONResponse(replies)


async def forwarding(
    settings: SettingsDep, limits: LimitsDep, binder: BinderDep, rasa: RasaDep, authorization: Authorization
) -> Forwarding:
    return Forwarding(settings, limits, binder, rasa, authorization)


router = APIRouter()


async def turn(request: Request, to_rasa: Annotated[Forwarding, Depends(forwarding)]) -> Response:
    if limited := to_rasa.limits.check_address(request):
        return limited
    parsed = await parse(request, to_rasa.settings)
    if isinstance(parsed, JSONResponse):
        return parsed
    client = to_rasa.binder.client(request.cookies.get(COOKIE))
    response = await to_rasa.forward(parsed, client)
    return bind(request, response, client, to_rasa.binder, to_rasa.settings)


router.add_api_route(
    "/chat", turn, methods=["POST"], summary="En tur i samtalet (webbchatten)", response_model=None
)
router.add_api_route(
    "/webhooks/rest/webhook",
    turn,
    methods=["POST"],
    summary="En tur i samtalet, i Rasas REST-kanals form (API-klienter)",
    response_model=None,
)


@router.post(TEAMS_PATH, include_in_schema=False)
async def teams(request: Request, settings: SettingsDep, limits: LimitsDep, rasa: RasaDep) -> Response:
    if not settings.teams_enabled:
        return swedish_error(404, templates.TEAMS_OFF)
    if limited := limits.check_address(request):
        return limited
    body = await request.body()
    if len(body) > settings.max_teams_body_bytes:
        return swedish_error(413, templates.TEAMS_TOO_LARGE)
    headers = {k: v for k in ("authorization", "content-type") if (v := request.headers.get(k)) is not None}
    try:
        response = await rasa.post(TEAMS_PATH, content=body, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("Rasa unreachable for Teams: %r", exc)
        return swedish_error(503, templates.ASSISTANT_UNREACHABLE)
    return Response(response.content, response.status_code, media_type=response.headers.get("content-type"))


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("detail", "")) if isinstance(body, dict) else ""


def _replies(response: httpx.Response) -> list[Any] | None:
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, list) else None
