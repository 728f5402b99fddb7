"""The knowledge service, the one front door: the chat page, widget and conversation routes, Rasa's
action webhook, the source viewer, the answer and feedback API, and the process lead's workspace.

Limits, personal-number redaction (knowledge.redact), rate limits, authentication and security
headers are applied here, once, before anything is forwarded to Rasa, logged or stored. The
routes are module-level routers, one module per resource (``actions/web/routers/``, ``chat``,
``webhook``, ``viewer``); what they work with comes from ``actions.web.deps``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from actions.web import chat, errors, viewer, webhook
from actions.web.deps import get_caller
from actions.web.headers import SecurityHeaders
from actions.web.routers import answers, ask, audit, feedback, inbox, overview, register, signin, site
from actions.web.routers import sources as source_pages
from actions.web.services import Services, build_services
from index.service import SearchEngine
from knowledge.settings import Settings, get_settings

# The workspace's JSON API: who asks is settled before any body is read (401 whatever it sent).
admin_api = APIRouter(prefix="/api/admin", tags=["arbetsyta"], dependencies=[Depends(get_caller)])
admin_pages = APIRouter(prefix="/admin", include_in_schema=False)
for resource in (answers, register, inbox, feedback, audit):
    admin_api.include_router(resource.api)
for module in (signin, overview, feedback, answers, register, inbox, audit, source_pages):
    admin_pages.include_router(module.pages)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    services: Services = app.state.services
    settings = services.settings
    services.database.check()  # refuse to start on a missing or outdated database (Swedish message)
    # Blocking work (answering, the database) runs on a few threads: more only contend for the GIL
    # and the cores (measured under `make bench-load`).
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=settings.worker_threads, thread_name_prefix="hok")
    )
    services.engine.ensure_index(rebuild=True)
    services.engine.warm_up()
    # The inbox's grouping (seconds on a real year, once per process), in the background: not on a first page.
    asyncio.get_running_loop().run_in_executor(None, services.workspace.inbox_search.summaries)
    async with httpx.AsyncClient(base_url=settings.rasa_url, timeout=settings.rasa_timeout_seconds) as client:
        app.state.rasa = client
        yield


def create_app(settings: Settings | None = None, engine: SearchEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    # No /docs or /redoc: they load their scripts from a CDN. The schema is at /openapi.json.
    app = FastAPI(title="HÖK-assistenten, kunskapstjänst", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.services = build_services(settings, engine)
    app.state.settings = settings
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    # The widget embedded on other origins (an intranet page); none by default: same origin only.
    if origins := [o.strip().rstrip("/") for o in settings.cors_origins if o.strip()]:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=True,  # the conversation cookie
            max_age=600,
        )
    errors.install(app)
    for router in (webhook.router, chat.router, site.router, viewer.router, admin_api, admin_pages):
        app.include_router(router)
    app.include_router(feedback.router)
    app.include_router(ask.router)
    return app
