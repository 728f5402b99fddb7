"""The knowledge service: Rasa's action webhook, the chat page and its proxy, the answer API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)
from starlette.exceptions import HTTPException as StarletteHTTPException

from actions import templates
from actions.coordinators import Coordinators
from actions.sources import ActionAnswerFromSources, SourceAnswerer
from actions.structured import (
    ActionAnswerCoordinator,
    ActionCheckMobileTeam,
    ValidateAreaForm,
    pending_criterion_reply,
)
from index.service import SearchEngine
from index.store import StaleIndexError
from knowledge.inbox import Inbox
from knowledge.registry import DesignationStore, get_register
from knowledge.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


class ChatTurn(BaseModel):
    sender: str = Field(min_length=1, max_length=128, pattern=r"^[\w\-.:]+$")
    message: str


class Question(BaseModel):
    question: str


def _swedish_error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message})


def create_app(settings: Settings | None = None, engine: SearchEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or SearchEngine(settings)
    answerer = SourceAnswerer(engine, settings)
    executor = ActionExecutor()
    register = get_register()
    coordinators = Coordinators(register, DesignationStore(settings.database_url))
    executor.register_action(
        ActionAnswerFromSources(
            answerer, Inbox(settings.database_url), coordinators.route, pending_criterion_reply
        )
    )
    executor.register_action(ValidateAreaForm(register, coordinators.asks_about_the_role))
    executor.register_action(ActionAnswerCoordinator(coordinators))
    executor.register_action(ActionCheckMobileTeam())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine.ensure_index(rebuild=True)
        engine.warm_up()
        async with httpx.AsyncClient(base_url=settings.rasa_url, timeout=30.0) as client:
            app.state.rasa = client
            yield

    app = FastAPI(title="HÖK-assistenten, kunskapstjänst", lifespan=lifespan)
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _swedish_error(422, templates.BAD_REQUEST)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Framework errors (unparsable JSON, unknown path, wrong method) get Swedish details too.
        return _swedish_error(exc.status_code, str(templates.HTTP_ERRORS.get(exc.status_code, exc.detail)))

    @app.exception_handler(StaleIndexError)
    async def stale_index(request: Request, exc: StaleIndexError) -> JSONResponse:
        log.error("%s", exc)
        return _swedish_error(503, templates.INDEX_UNAVAILABLE)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        stale = engine.ensure_index(rebuild=False)
        return {"status": "ok" if not stale else "stale", "index": stale or "up to date"}

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        try:
            action_call = await request.json()
        except ValueError:
            return JSONResponse(status_code=400, content={"error": "Invalid body request"})
        if not isinstance(action_call, dict):
            return JSONResponse(status_code=400, content={"error": "Invalid body request"})
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as e:
            return JSONResponse(status_code=400, content={"error": e.message, "action_name": e.action_name})
        except ActionNotFoundException as e:
            return JSONResponse(status_code=404, content={"error": e.message, "action_name": e.action_name})
        except ActionMissingDomainException as e:
            return JSONResponse(status_code=449, content={"error": e.message, "action_name": e.action_name})
        except (KeyError, TypeError) as e:
            return JSONResponse(status_code=400, content={"error": f"malformed action call: {e}"})
        return JSONResponse(result.model_dump() if result else None)

    @app.get("/")
    async def chat_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.post("/chat")
    async def chat(turn: ChatTurn, request: Request) -> JSONResponse:
        message = turn.message.strip()
        if not message:
            return _swedish_error(422, templates.EMPTY_MESSAGE)
        if len(message) > settings.max_message_chars:
            return _swedish_error(413, templates.MESSAGE_TOO_LONG.format(limit=settings.max_message_chars))
        client: httpx.AsyncClient = request.app.state.rasa
        try:
            response = await client.post(
                "/webhooks/rest/webhook", json={"sender": turn.sender, "message": message}
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("Rasa unreachable: %s", exc)
            return _swedish_error(503, templates.ASSISTANT_UNREACHABLE)
        return JSONResponse(response.json())

    @app.post("/api/answer")
    async def api_answer(q: Question) -> dict[str, Any]:
        if not q.question.strip():
            raise HTTPException(422, templates.EMPTY_MESSAGE)
        answer = await asyncio.to_thread(answerer.answer, q.question)
        return {"text": answer.text, **answer.payload()}

    @app.get("/api/search")
    async def api_search(q: str, k: int = 5) -> dict[str, Any]:
        if not q.strip():
            raise HTTPException(422, templates.EMPTY_MESSAGE)
        result = await asyncio.to_thread(engine.search, q[: settings.max_query_chars], max(1, min(k, 20)))
        return {
            "query": result.query,
            "terms": list(result.terms),
            "coverage": round(result.coverage, 3),
            "hits": [
                {
                    "rank": h.rank,
                    "doc": h.chunk.doc_id,
                    "title": h.chunk.title,
                    "section": h.chunk.section,
                    "text": h.chunk.text,
                    "score": round(h.score, 5),
                    "bm25": round(h.bm25, 3),
                    "dense": round(h.dense, 4),
                }
                for h in result.hits
            ],
        }

    return app
