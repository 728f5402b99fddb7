"""Rasa's action webhook, ``POST /webhook``: runs a custom action for the Rasa server only.

Rasa shows the secret derived from the shared key (endpoints.yml ``headers``, written by the
launcher); any other caller gets 401 before its body is read. A call that is not an action call
of the shape rasa-sdk expects gets a 4xx naming the problem, never a 5xx."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from actions.core import templates
from actions.web.chat import is_json, swedish_error
from actions.web.deps import ActionSecretDep, ExecutorDep
from knowledge.secrets import same

log = logging.getLogger(__name__)
SECRET_HEADER = "x-hok-action-secret"
MAX_BODY_BYTES = 5_000_000  # a long conversation's tracker; Rasa sends the whole event list


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class IntentIn(_Open):
    name: str | None = None
    confidence: float | None = None


class LatestMessageIn(_Open):
    text: str | None = None
    intent: IntentIn | None = None
    entities: list[dict[str, Any]] = []


class TrackerIn(_Open):
    sender_id: str
    slots: dict[str, Any] = {}
    latest_message: LatestMessageIn | None = None
    events: list[dict[str, Any]] = []
    active_loop: dict[str, Any] | None = None
    latest_action_name: str | None = None


class ActionCall(_Open):
    next_action: str
    tracker: TrackerIn
    domain: dict[str, Any] = {}
    version: str | None = None


def _problem(exc: ValidationError) -> str:
    where = [".".join(str(p) for p in e["loc"]) for e in exc.errors() if e.get("loc")]
    return ", ".join(dict.fromkeys(where)) or "inte ett JSON-objekt"


router = APIRouter()


@router.post("/webhook", include_in_schema=False)
async def webhook(request: Request, executor: ExecutorDep, action_secret: ActionSecretDep) -> JSONResponse:
    if not same(request.headers.get(SECRET_HEADER), action_secret):
        return swedish_error(401, templates.WEBHOOK_UNAUTHORIZED)
    if not is_json(request.headers.get("content-type", "")):
        return swedish_error(415, templates.WEBHOOK_INVALID.format(problem="inte JSON"))
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return swedish_error(413, templates.WEBHOOK_INVALID.format(problem="för stort"))
    try:
        action_call = json.loads(raw)
        ActionCall.model_validate(action_call)
    except ValidationError as exc:
        return swedish_error(400, templates.WEBHOOK_INVALID.format(problem=_problem(exc)))
    except (ValueError, RecursionError):
        return swedish_error(400, templates.WEBHOOK_INVALID.format(problem="inte JSON"))
    try:
        result = await executor.run(action_call)
    except ActionExecutionRejection as e:
        return JSONResponse(status_code=400, content={"error": e.message, "action_name": e.action_name})
    except ActionNotFoundException as e:
        return JSONResponse(status_code=404, content={"error": e.message, "action_name": e.action_name})
    except ActionMissingDomainException as e:
        return JSONResponse(status_code=449, content={"error": e.message, "action_name": e.action_name})
    except (KeyError, TypeError, AttributeError, ValueError) as e:  # a shape rasa-sdk cannot read
        log.warning("malformed action call for %s: %r", action_call.get("next_action"), e)
        return swedish_error(400, templates.WEBHOOK_INVALID.format(problem=type(e).__name__))
    return JSONResponse(result.model_dump() if result else None)
