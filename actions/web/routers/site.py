"""The chat page, the widget's script and the style sheets (``actions/web/static``), and the
health checks: ``/health/live`` (the process answers) and ``/health`` (each dependency's state;
503 when one the assistant cannot answer without is down)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse

from actions.core import templates
from actions.web.deps import DatabaseDep, EngineDep, RasaDep

STATIC = Path(__file__).parent.parent / "static"

router = APIRouter()


def _static(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=f"{media_type}; charset=utf-8")


@router.get("/")
async def chat_page() -> FileResponse:
    return _static("index.html", "text/html")


@router.get("/widget.js")
async def widget_script() -> FileResponse:
    return _static("widget.js", "text/javascript")


@router.get("/widget.css")
async def widget_style() -> FileResponse:
    return _static("widget.css", "text/css")


@router.get("/kallor.css")
async def viewer_style() -> FileResponse:
    return _static("kallor.css", "text/css")


@router.get("/site.css", include_in_schema=False)
async def site_style() -> FileResponse:
    return _static("site.css", "text/css")


@router.get("/admin/admin.css", include_in_schema=False)
async def admin_style() -> FileResponse:
    return _static("admin.css", "text/css")


@router.get("/health/live", include_in_schema=False)
async def alive() -> dict[str, str]:
    """The process answers (for the supervisor and nginx); /health says whether it can work."""
    return {"status": "ok"}


@router.get("/health")
async def health(engine: EngineDep, database: DatabaseDep, rasa_client: RasaDep) -> JSONResponse:
    """Each dependency's state; 503 when one the assistant cannot answer without is down."""
    stale = engine.ensure_index(rebuild=False)
    db = await asyncio.to_thread(database.status)
    rasa = await _rasa_state(rasa_client)
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


async def _rasa_state(client: httpx.AsyncClient) -> str:
    """ "ok", "loading" (the model is not loaded yet) or "unreachable"."""
    try:
        response = await client.get("/webhooks/rest/", timeout=2.0)
    except httpx.HTTPError:
        return "unreachable"
    if response.status_code == 200:
        return "ok"
    return "loading" if response.status_code == 503 else "unreachable"
