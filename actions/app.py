"""The knowledge service: Rasa's action webhook, the chat page, widget and proxy, the answer API.

What users write is cleared of personal identity numbers (knowledge.redact) here, before it is
forwarded to Rasa or stored as feedback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from actions.coordinators import ActionAnswerCoordinator, ValidateAreaForm
from actions.core import templates
from actions.core.coordinators import Coordinators
from actions.core.curated import CuratedAnswers, MatchThresholds
from actions.core.engine import AnsweringCore
from actions.core.inbox_groups import InboxGroups
from actions.core.passages import PassageAnswerer
from actions.core.question import Question as CoreQuestion
from actions.mobile_team import (
    ActionAskCriterion,
    ActionMobileTeamReset,
    ActionMobileTeamVerdict,
    ValidateMobileTeamForm,
)
from actions.sources import ActionAnswerFromSources, ActionPassOn, ActionSmallTalk
from actions.web.admin_api import Workspace, admin_api_router
from actions.web.admin_auth import Authenticator
from actions.web.admin_pages import admin_pages_router
from actions.web.viewer import viewer_router
from index.service import SearchEngine
from index.similarity import QuestionSimilarity
from index.store import StaleIndexError
from knowledge.accounts import AccountStore, LockoutPolicy
from knowledge.answer import AnswerKind
from knowledge.audit import AuditLog
from knowledge.curated import CuratedStore
from knowledge.db import Database
from knowledge.dismissals import Dismissals
from knowledge.documents import load_documents
from knowledge.eligibility import CRITERIA
from knowledge.feedback import FeedbackSource, FeedbackStore, Rating
from knowledge.inbox import Inbox
from knowledge.questions import QuestionLog
from knowledge.redact import redact
from knowledge.registry import DesignationStore, get_register
from knowledge.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CONVERSATION_ID = r"^[\w\-.:]+$"
MAX_FEEDBACK_SOURCES = 20


def _well_formed(text: str) -> str:
    """Lone UTF-16 surrogates (valid as JSON escapes, not as text) become U+FFFD; as they are,
    they could not be encoded to forward or store the text."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


Text = Annotated[str, AfterValidator(_well_formed)]
ConversationId = Annotated[str, Field(min_length=1, max_length=128, pattern=CONVERSATION_ID)]


class ChatTurn(BaseModel):
    sender: ConversationId
    message: Text


class FeedbackSourceIn(BaseModel):
    doc: Text
    title: Text = ""
    section: Text = ""  # other keys of the answer payload's sources (excerpt) are ignored


class FeedbackIn(BaseModel):
    conversation: ConversationId
    question: Text
    answer: Text
    kind: AnswerKind
    sources: list[FeedbackSourceIn] = []
    rating: Rating
    comment: Text | None = None


class Question(BaseModel):
    question: str


FASTAPI_PARSE_ERROR = "There was an error parsing the body"


def _swedish_error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message})


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _invalid_feedback(exc: ValidationError) -> JSONResponse:
    """A Swedish explanation naming the fields that are wrong."""
    fields = dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e["loc"])
    named = [templates.FEEDBACK_FIELDS[f] for f in fields if f in templates.FEEDBACK_FIELDS]
    if not named:
        return _swedish_error(422, templates.FEEDBACK_NOT_AN_OBJECT)
    return _swedish_error(422, templates.FEEDBACK_INVALID.format(fields=", ".join(named)))


def _oversized_feedback(feedback: FeedbackIn, limit: int) -> JSONResponse | None:
    """413 when a text or the list of sources is beyond its limit, else None."""
    if len(feedback.sources) > MAX_FEEDBACK_SOURCES:
        return _swedish_error(413, templates.FEEDBACK_TOO_MANY_SOURCES.format(limit=MAX_FEEDBACK_SOURCES))
    texts = {
        "question": [feedback.question],
        "answer": [feedback.answer],
        "comment": [feedback.comment or ""],
        "sources": [t for s in feedback.sources for t in (s.doc, s.title, s.section)],
    }
    for field, values in texts.items():
        if any(len(v) > limit for v in values):
            return _swedish_error(413, templates.FEEDBACK_TOO_LONG[field].format(limit=limit))
    return None


def _invalid_fields(exc: RequestValidationError) -> JSONResponse:
    """422 naming the fields that are missing or wrong (the workspace API)."""
    fields = [
        ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]) for e in exc.errors() if e.get("loc")
    ]
    named = ", ".join(dict.fromkeys(f for f in fields if f)) or "förfrågan"
    return _swedish_error(422, templates.ADMIN_INVALID_FIELDS.format(fields=named))


def create_app(settings: Settings | None = None, engine: SearchEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or SearchEngine(settings)
    register = get_register()
    designations = DesignationStore(settings.database_url, register)
    coordinators = Coordinators(register, designations)
    documents = {d.id: d for d in load_documents(settings.sources_dir)}
    curated_store = CuratedStore(
        settings.database_url, four_eyes=settings.admin_four_eyes, known_docs=frozenset(documents)
    )
    similarity = QuestionSimilarity(lambda: engine.retriever)  # the index is loaded on first use
    curated = CuratedAnswers(
        curated_store,
        similarity,
        lambda: documents,
        MatchThresholds(
            settings.curated_min_dense, settings.curated_min_lexical, settings.curated_poll_seconds
        ),
    )
    question_log = QuestionLog(settings.database_url)
    core = AnsweringCore(
        PassageAnswerer(engine, settings),
        coordinators,
        curated,
        on_answer=lambda question, answer: question_log.add(question.text, answer.kind.value),
    )
    inbox = Inbox(settings.database_url)
    executor = ActionExecutor()
    for action in (
        ActionAnswerFromSources(core),
        ActionSmallTalk(core),
        ActionPassOn(inbox),
        ValidateAreaForm(register, core),
        ActionAnswerCoordinator(core),
        ActionMobileTeamReset(),
        ValidateMobileTeamForm(),
        ActionMobileTeamVerdict(core),
        *(ActionAskCriterion(c.id, core.linked) for c in CRITERIA),
    ):
        executor.register_action(action)
    feedback_store = FeedbackStore(settings.database_url)
    accounts = AccountStore(
        settings.database_url,
        session_hours=settings.admin_session_hours,
        lockout=LockoutPolicy(settings.admin_lockout_failures, settings.admin_lockout_minutes),
    )
    workspace = Workspace(
        accounts=accounts,
        auth=Authenticator(accounts),
        curated=curated_store,
        matcher=curated,
        designations=designations,
        register=register,
        inbox=inbox,
        feedback=feedback_store,
        audit=AuditLog(settings.database_url),
        questions=question_log,
        groups=InboxGroups(
            question_log,
            inbox,
            feedback_store,
            Dismissals(settings.database_url),
            similarity,
            settings.inbox_group_min_dense,
            settings.inbox_group_min_lexical,
        ),
    )

    database = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database.check()  # refuse to start on a missing or outdated database (Swedish message)
        engine.ensure_index(rebuild=True)
        engine.warm_up()
        async with httpx.AsyncClient(base_url=settings.rasa_url, timeout=30.0) as client:
            app.state.rasa = client
            yield

    app = FastAPI(title="HÖK-assistenten, kunskapstjänst", lifespan=lifespan)
    app.state.settings = settings
    # The widget embedded on other origins (an intranet page); none by default: same origin only.
    origins = [o.strip().rstrip("/") for o in settings.cors_origins if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            max_age=600,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.url.path.startswith("/api/admin/"):
            return _invalid_fields(exc)
        return _swedish_error(422, templates.BAD_REQUEST)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Framework errors (unparsable JSON, unknown path, wrong method) get Swedish details too;
        # our own (already Swedish) details are kept.
        detail = str(exc.detail)
        if detail in (HTTPStatus(exc.status_code).phrase, FASTAPI_PARSE_ERROR):
            detail = str(templates.HTTP_ERRORS.get(exc.status_code, detail))
        response = _swedish_error(exc.status_code, detail)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(StaleIndexError)
    async def stale_index(request: Request, exc: StaleIndexError) -> JSONResponse:
        log.error("%s", exc)
        return _swedish_error(503, templates.INDEX_UNAVAILABLE)

    @app.get("/health")
    async def health() -> JSONResponse:
        stale = engine.ensure_index(rebuild=False)
        db = await asyncio.to_thread(database.status)
        body = {
            "status": "ok" if not stale and db.ok else "unavailable" if not db.ok else "stale",
            "index": stale or "up to date",
            "database": db.state.value,
        }
        if not db.ok:
            body["database_problem"] = database.problem(db)
        return JSONResponse(body, status_code=200 if db.ok else 503)

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

    @app.get("/widget.js")
    async def widget_script() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8")

    @app.get("/kallor.css")
    async def viewer_style() -> FileResponse:
        return FileResponse(STATIC / "kallor.css", media_type="text/css; charset=utf-8")

    app.include_router(viewer_router(engine))
    app.include_router(admin_api_router(workspace))
    titles = {doc_id: d.title for doc_id, d in documents.items()}
    app.include_router(admin_pages_router(workspace, core, settings, titles))

    @app.get("/admin/admin.css", include_in_schema=False)
    async def admin_style() -> FileResponse:
        return FileResponse(STATIC / "admin.css", media_type="text/css; charset=utf-8")

    @app.get("/widget.css")
    async def widget_style() -> FileResponse:
        return FileResponse(STATIC / "widget.css", media_type="text/css; charset=utf-8")

    @app.post("/chat")
    async def chat(turn: ChatTurn, request: Request) -> JSONResponse:
        message = turn.message.strip()
        if not message:
            return _swedish_error(422, templates.EMPTY_MESSAGE)
        if len(message) > settings.max_message_chars:
            return _swedish_error(413, templates.MESSAGE_TOO_LONG.format(limit=settings.max_message_chars))
        redacted = redact(message)
        if redacted.count:
            log.info("%d personal identity number(s) redacted from a chat message", redacted.count)
        client: httpx.AsyncClient = request.app.state.rasa
        try:
            response = await client.post(
                "/webhooks/rest/webhook", json={"sender": turn.sender, "message": redacted.text}
            )
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("Rasa unreachable or answered nonsense: %s", exc)
            return _swedish_error(503, templates.ASSISTANT_UNREACHABLE)
        return JSONResponse(replies)

    @app.post("/api/feedback", status_code=201)
    async def api_feedback(request: Request) -> JSONResponse:
        if not _is_json(request.headers.get("content-type", "")):
            return _swedish_error(415, templates.FEEDBACK_NOT_JSON)
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):  # not JSON, not text at all, or nested beyond reason
            return _swedish_error(400, templates.BAD_REQUEST)
        try:
            feedback = FeedbackIn.model_validate(body)
        except ValidationError as exc:
            return _invalid_feedback(exc)
        if oversized := _oversized_feedback(feedback, settings.max_feedback_chars):
            return oversized
        try:
            item = await asyncio.to_thread(
                feedback_store.add,
                conversation=feedback.conversation,
                question=feedback.question,
                answer=feedback.answer,
                kind=feedback.kind,
                sources=[FeedbackSource(s.doc, s.title, s.section) for s in feedback.sources],
                rating=feedback.rating,
                comment=feedback.comment,
            )
        except SQLAlchemyError as exc:
            log.error("feedback not stored: %s", exc)
            return _swedish_error(503, templates.FEEDBACK_UNAVAILABLE)
        return JSONResponse(status_code=201, content={"id": item.id, "status": templates.FEEDBACK_SAVED})

    @app.post("/api/answer")
    async def api_answer(q: Question) -> dict[str, Any]:
        if not q.question.strip():
            raise HTTPException(422, templates.EMPTY_MESSAGE)
        answer = await asyncio.to_thread(core.answer, CoreQuestion(q.question))
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
