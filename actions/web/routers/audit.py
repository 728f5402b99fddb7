"""The audit log, who did what and when: the JSON API (``/api/admin/audit``) and the page
(``/admin/logg``), for process leads and administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from actions.web.admin_auth import Caller
from actions.web.deps import Reader, WorkspaceDep
from actions.web.pages import PageReader, render
from actions.web.workspace import AUDIT_FORBIDDEN
from knowledge.accounts import Permission

api = APIRouter()
pages = APIRouter()


def may_see_the_log(caller: Caller) -> bool:
    return caller.user.can(Permission.PUBLISH) or caller.user.can(Permission.ACCOUNTS)


@api.get("/audit", summary="Granskningsloggen: vem gjorde vad och när")
def audit(
    who: Reader,
    w: WorkspaceDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    if not may_see_the_log(who):
        raise HTTPException(403, AUDIT_FORBIDDEN)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "before": e.before,
            "after": e.after,
        }
        for e in w.audit.list(limit, actor, action)
    ]


@pages.get("/logg")
async def audit_page(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    if not may_see_the_log(caller):
        return render("fel.html", request, caller, 403, message=AUDIT_FORBIDDEN)
    return render("logg.html", request, caller, events=w.audit.list(500))
