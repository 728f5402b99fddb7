"""The knowledge service, the one front door: the chat page, widget and conversation routes, Rasa's
action webhook, the source viewer, the answer and feedback API, and the process lead's workspace.

Limits, personal-number redaction (knowledge.redact), rate limits, authentication and security
headers are applied here, once, before anything is forwarded to Rasa, logged or stored."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
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
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from actions.coordinators import ActionAnswerCoordinator, ValidateAreaForm
from actions.core import templates
from actions.core.coordinators import Coordinators
from actions.core.curated import CuratedAnswers
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
from actions.session import ActionSessionStart
from actions.sources import ActionAnswerFromSources, ActionPassOn, ActionSmallTalk
from actions.web.admin_api import Workspace, admin_api_router
from actions.web.admin_auth import Authenticator
from actions.web.admin_pages import admin_pages_router
from actions.web.chat import CONVERSATION_ID, chat_router, is_json, swedish_error, well_formed
from actions.web.conversations import ConversationBinder
from actions.web.frontdoor import Limits
from actions.web.headers import SecurityHeaders
from actions.web.viewer import viewer_router
from actions.web.webhook import webhook_router
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
from knowledge.feedback import MAX_COMMENT_CHARS, FeedbackSource, FeedbackStore, Rating
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.registry import DesignationStore, get_register
from knowledge.retention import purge
from knowledge.secrets import ServiceSecrets
from knowledge.settings import Settings, get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_FEEDBACK_SOURCES = 20


Text = Annotated[str, AfterValidator(well_formed)]
ConversationId = Annotated[str, Field(min_length=1, max_length=128, pattern=CONVERSATION_ID)]


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
    question: Text


FASTAPI_PARSE_ERROR = "There was an error parsing the body"


def _invalid_feedback(exc: ValidationError) -> JSONResponse:
    """A Swedish explanation naming the fields that are wrong."""
    fields = dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e["loc"])
    named = [templates.FEEDBACK_FIELDS[f] for f in fields if f in templates.FEEDBACK_FIELDS]
    if not named:
        return swedish_error(422, templates.FEEDBACK_NOT_AN_OBJECT)
    return swedish_error(422, templates.FEEDBACK_INVALID.format(fields=", ".join(named)))


def _oversized_feedback(feedback: FeedbackIn, limit: int) -> JSONResponse | None:
    """413 when a text or the list of sources is beyond its limit, else None."""
    if len(feedback.sources) > MAX_FEEDBACK_SOURCES:
        return swedish_error(413, templates.FEEDBACK_TOO_MANY_SOURCES.format(limit=MAX_FEEDBACK_SOURCES))
    texts = {
        "question": [feedback.question],
        "answer": [feedback.answer],
        "comment": [feedback.comment or ""],
        "sources": [t for s in feedback.sources for t in (s.doc, s.title, s.section)],
    }
    for field, values in texts.items():
        most = min(limit, MAX_COMMENT_CHARS) if field == "comment" else limit
        if any(len(v) > most for v in values):
            return swedish_error(413, templates.FEEDBACK_TOO_LONG[field].format(limit=most))
    return None


def _invalid_fields(exc: RequestValidationError) -> JSONResponse:
    """422 naming the fields that are missing or wrong (the workspace API)."""
    fields = [
        ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]) for e in exc.errors() if e.get("loc")
    ]
    named = ", ".join(dict.fromkeys(f for f in fields if f)) or "förfrågan"
    return swedish_error(422, templates.ADMIN_INVALID_FIELDS.format(fields=named))


def create_app(settings: Settings | None = None, engine: SearchEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    secrets = ServiceSecrets.from_key(settings.secret_key.get_secret_value())  # refuses to run without
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
        lambda: engine.learned.phrasings,
        settings.curated_poll_seconds,
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
        ActionSessionStart(),
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
        # Blocking work (answering, the database) runs on a few threads: more only contend for
        # the GIL and the cores (measured under `make bench-load`).
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=settings.worker_threads, thread_name_prefix="hok")
        )
        engine.ensure_index(rebuild=True)
        engine.warm_up()
        async with httpx.AsyncClient(
            base_url=settings.rasa_url, timeout=settings.rasa_timeout_seconds
        ) as client:
            app.state.rasa = client
            yield

    # No /docs or /redoc: they load their scripts from a CDN. The schema is at /openapi.json.
    app = FastAPI(title="HÖK-assistenten, kunskapstjänst", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    limits = Limits.from_settings(settings)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    # The widget embedded on other origins (an intranet page); none by default: same origin only.
    origins = [o.strip().rstrip("/") for o in settings.cors_origins if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=True,  # the conversation cookie
            max_age=600,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.url.path.startswith("/api/admin/"):
            return _invalid_fields(exc)
        return swedish_error(422, templates.BAD_REQUEST)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Framework errors (unparsable JSON, unknown path, wrong method) get Swedish details too;
        # our own (already Swedish) details are kept.
        detail = str(exc.detail)
        if detail in (HTTPStatus(exc.status_code).phrase, FASTAPI_PARSE_ERROR):
            detail = str(templates.HTTP_ERRORS.get(exc.status_code, detail))
        response = swedish_error(exc.status_code, detail)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(StaleIndexError)
    async def stale_index(request: Request, exc: StaleIndexError) -> JSONResponse:
        log.error("%s", exc)
        return swedish_error(503, templates.INDEX_UNAVAILABLE)

    @app.get("/health/live", include_in_schema=False)
    async def alive() -> dict[str, str]:
        """The process answers (for the supervisor and nginx); /health says whether it can work."""
        return {"status": "ok"}

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        """Each dependency's state; 503 when one the assistant cannot answer without is down."""
        stale = engine.ensure_index(rebuild=False)
        db = await asyncio.to_thread(database.status)
        rasa = await _rasa_state(request.app.state.rasa)
        ok = db.ok and rasa == "ok"
        body: dict[str, Any] = {
            "status": "ok" if ok else "unavailable",
            "rasa": rasa,
            "index": "stale: " + "; ".join(stale) if stale else "up to date",
            "model": "loaded" if "embedder" in engine.__dict__ else "not loaded",
            "database": db.state.value,
        }
        if not db.ok:
            body["database_problem"] = database.problem(db)
        if rasa != "ok":
            body["rasa_problem"] = templates.ASSISTANT_UNREACHABLE
        return JSONResponse(body, status_code=200 if ok else 503)

    app.include_router(webhook_router(executor, secrets.action_secret))
    app.include_router(
        chat_router(
            settings,
            limits,
            ConversationBinder(secrets.cookie_key),
            lambda request: request.app.state.rasa,
            secrets.rasa_channel_token,
        )
    )

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

    @app.get("/site.css", include_in_schema=False)
    async def site_style() -> FileResponse:
        return FileResponse(STATIC / "site.css", media_type="text/css; charset=utf-8")

    @app.get("/widget.css")
    async def widget_style() -> FileResponse:
        return FileResponse(STATIC / "widget.css", media_type="text/css; charset=utf-8")

    @app.post("/api/feedback", status_code=201)
    async def api_feedback(request: Request) -> JSONResponse:
        if limited := limits.check_address(request):
            return limited
        if not is_json(request.headers.get("content-type", "")):
            return swedish_error(415, templates.FEEDBACK_NOT_JSON)
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):  # not JSON, not text at all, or nested beyond reason
            return swedish_error(400, templates.BAD_REQUEST)
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
            return swedish_error(503, templates.FEEDBACK_UNAVAILABLE)
        return JSONResponse(status_code=201, content={"id": item.id, "status": templates.FEEDBACK_SAVED})

    @app.post("/api/answer")
    async def api_answer(q: Question, request: Request) -> Any:
        if limited := limits.check_address(request):
            return limited
        if not q.question.strip():
            raise HTTPException(422, templates.EMPTY_MESSAGE)
        answer = await asyncio.to_thread(core.answer, CoreQuestion(q.question))
        return {"text": answer.text, **answer.payload()}

    @app.get("/api/search")
    async def api_search(request: Request, q: str, k: int = 5) -> Any:
        if limited := limits.check_address(request):
            return limited
        q = well_formed(q)
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


async def _purge_daily(settings: Settings, audit: AuditLog) -> None:
    """Delete what users wrote beyond the retention period now, then every purge interval."""
    while True:
        try:
            purged = await asyncio.to_thread(
                purge, settings.database_url, settings.tracker_store_url, settings.retention_days
            )
            audit.record("tjänsten", "purge", f"days:{settings.retention_days}", None, purged.__dict__)
            log.info("retention purge (%d days): %s", settings.retention_days, purged.describe())
        except (SQLAlchemyError, OSError, ValueError) as exc:
            log.error("the retention purge failed: %r", exc)
        await asyncio.sleep(settings.purge_interval_hours * 3600)


async def _rasa_state(client: httpx.AsyncClient) -> str:
    """ "ok", "loading" (the model is not loaded yet) or "unreachable"."""
    try:
        response = await client.get("/webhooks/rest/", timeout=2.0)
    except httpx.HTTPError:
        return "unreachable"
    if response.status_code == 200:
        return "ok"
    return "loading" if response.status_code == 503 else "unreachable"
