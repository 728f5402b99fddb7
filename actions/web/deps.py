"""The routes' dependencies, in one place (``Depends`` providers, as FastAPI's documentation and
its full-stack template have them): the settings, the stores, the workspace, the answering core,
the front door's limits, the client for Rasa, and who is asking with what they may do.

Each provider reads what ``create_app`` put on ``app.state``; a test replaces one with
``app.dependency_overrides[provider] = …``. The providers that only read ``app.state`` are
``async``: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hop per provider
per request, which under load cost the chat turn about a quarter of its throughput. Those that
read the database (who the caller is) stay plain functions, run off the event loop. The
permission dependencies run before the request body is validated: a caller without the right
gets 401/403 whatever it sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, cast

import httpx
from fastapi import Depends, HTTPException, Request
from rasa_sdk.executor import ActionExecutor

from actions.core.engine import AnsweringCore
from actions.web.admin_auth import NOT_SIGNED_IN, Caller
from actions.web.conversations import ConversationBinder
from actions.web.frontdoor import Limits
from actions.web.services import Services
from actions.web.workspace import Workspace
from index.service import SearchEngine
from knowledge.accounts import Permission
from knowledge.db import Database
from knowledge.documents import Document
from knowledge.settings import Settings


async def get_services(request: Request) -> Services:
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_engine(services: ServicesDep) -> SearchEngine:
    return services.engine


async def get_database(services: ServicesDep) -> Database:
    return services.database


async def get_core(services: ServicesDep) -> AnsweringCore:
    return services.core


async def get_workspace(services: ServicesDep) -> Workspace:
    return services.workspace


async def get_limits(services: ServicesDep) -> Limits:
    return services.limits


async def get_binder(services: ServicesDep) -> ConversationBinder:
    return services.binder


async def get_executor(services: ServicesDep) -> ActionExecutor:
    return services.executor


async def get_titles(services: ServicesDep) -> Mapping[str, str]:
    return services.titles


async def get_documents(services: ServicesDep) -> Mapping[str, Document]:
    return services.documents


async def get_action_secret(services: ServicesDep) -> str:
    return services.secrets.action_secret


async def get_rasa(request: Request) -> httpx.AsyncClient:
    """The client for the Rasa server, opened for the app's lifetime (its lifespan)."""
    return cast(httpx.AsyncClient, request.app.state.rasa)


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[SearchEngine, Depends(get_engine)]
DatabaseDep = Annotated[Database, Depends(get_database)]
CoreDep = Annotated[AnsweringCore, Depends(get_core)]
WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
LimitsDep = Annotated[Limits, Depends(get_limits)]
BinderDep = Annotated[ConversationBinder, Depends(get_binder)]
ExecutorDep = Annotated[ActionExecutor, Depends(get_executor)]
TitlesDep = Annotated[Mapping[str, str], Depends(get_titles)]
DocumentsDep = Annotated[Mapping[str, Document], Depends(get_documents)]
ActionSecretDep = Annotated[str, Depends(get_action_secret)]
RasaDep = Annotated[httpx.AsyncClient, Depends(get_rasa)]


def get_caller(request: Request, workspace: WorkspaceDep) -> Caller:
    """Who asks (a bearer token or a signed-in session); 401 when neither is valid."""
    caller = workspace.auth.caller(request)
    if caller is None:
        raise HTTPException(401, NOT_SIGNED_IN, headers={"WWW-Authenticate": "Bearer"})
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


def require(permission: Permission) -> Callable[[Request, Workspace], Caller]:
    """A dependency: the caller, allowed ``permission`` (401/403 in Swedish otherwise; a
    state-changing request with a session must carry its CSRF token in ``X-CSRF-Token``)."""

    def allowed(request: Request, workspace: WorkspaceDep) -> Caller:
        return workspace.auth.require(request, permission)

    allowed.__name__ = f"require_{permission.value}"
    return allowed


Reader = Annotated[Caller, Depends(require(Permission.READ))]
Editor = Annotated[Caller, Depends(require(Permission.EDIT))]
Publisher = Annotated[Caller, Depends(require(Permission.PUBLISH))]
Registrar = Annotated[Caller, Depends(require(Permission.REGISTER))]
