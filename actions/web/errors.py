"""The app's exception handlers: every error a client sees is a Swedish ``{"detail": …}`` (the
workspace's pages get a Swedish page or the sign-in page instead, see ``actions.web.pages``)."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from actions.core import templates
from actions.web.chat import swedish_error
from actions.web.pages import PageRefused, page_refused
from index.store import StaleIndexError

log = logging.getLogger(__name__)
FASTAPI_PARSE_ERROR = "There was an error parsing the body"


def _invalid_fields(exc: RequestValidationError) -> JSONResponse:
    """422 naming the fields that are missing or wrong (the workspace API)."""
    fields = [
        ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]) for e in exc.errors() if e.get("loc")
    ]
    named = ", ".join(dict.fromkeys(f for f in fields if f)) or "förfrågan"
    return swedish_error(422, templates.ADMIN_INVALID_FIELDS.format(fields=named))


async def invalid_body(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/admin/"):
        return _invalid_fields(exc)
    return swedish_error(422, templates.BAD_REQUEST)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Framework errors (unparsable JSON, unknown path, wrong method) get Swedish details too;
    our own (already Swedish) details are kept."""
    assert isinstance(exc, StarletteHTTPException)
    detail = str(exc.detail)
    if detail in (HTTPStatus(exc.status_code).phrase, FASTAPI_PARSE_ERROR):
        detail = str(templates.HTTP_ERRORS.get(exc.status_code, detail))
    response = swedish_error(exc.status_code, detail)
    response.headers.update(exc.headers or {})
    return response


async def stale_index(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s", exc)
    return swedish_error(503, templates.INDEX_UNAVAILABLE)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, invalid_body)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(StaleIndexError, stale_index)
    app.add_exception_handler(PageRefused, page_refused)
