"""The audit log, who did what and when: the JSON API (``/api/admin/audit``) and the page
(``/admin/logg``), for process leads and administrators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from actions.web.admin_auth import Caller
from actions.web.deps import Reader, WorkspaceDep
from actions.web.pages import PageReader, render
from actions.web.workspace import AUDIT_FORBIDDEN
from knowledge.accounts import Permission
from knowledge.audit import ACTION_KINDS, KIND_LABELS, AuditQuery
from knowledge.audit_view import describe
from knowledge.registry import Register

PAGE_SIZE = 50
BAD_DATE = "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-01."

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


@dataclass(frozen=True)
class LogFilter:
    """The log page's filters as asked for in the address: person, kind, from and to dates."""

    person: str = ""
    kind: str = ""
    since: str = ""
    until: str = ""

    def query(self, page: int) -> AuditQuery:
        """The store's query; ValueError (Swedish) for a date that is not ÅÅÅÅ-MM-DD or an
        unknown kind."""
        if self.kind and self.kind not in ACTION_KINDS:
            raise ValueError(f"Okänd sorts ändring ”{self.kind}”.")
        return AuditQuery(
            actor=self.person or None, kind=self.kind or None, since=_date(self.since),
            until=_date(self.until), page=page, page_size=PAGE_SIZE,
        )  # fmt: skip

    def address(self, page: int) -> str:
        """The log page with these filters, at ``page``."""
        values = {"person": self.person, "sort": self.kind, "fran": self.since, "till": self.until}
        kept = {k: v for k, v in values.items() if v}
        return "/admin/logg?" + urlencode({**kept, "sida": page})


def _date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(BAD_DATE) from None


def area_namer(register: Register) -> Callable[[str], str]:
    """An area id's name in the register (the id itself when the register does not have it)."""

    def name(area_id: str) -> str:
        area = register.get(area_id)
        return area.name if area else area_id

    return name


@pages.get("/logg")
async def audit_page(
    request: Request,
    caller: PageReader,
    w: WorkspaceDep,
    person: Annotated[str, Query(max_length=64)] = "",
    sort: Annotated[str, Query(max_length=32)] = "",
    fran: Annotated[str, Query(max_length=32)] = "",
    till: Annotated[str, Query(max_length=32)] = "",
    sida: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The log, newest first, a page at a time: each entry a Swedish sentence with what changed
    and a link to the object; filtered by person, kind and dates."""
    if not may_see_the_log(caller):
        return render("fel.html", request, caller, 403, message=AUDIT_FORBIDDEN)
    chosen = LogFilter(person.strip(), sort.strip(), fran.strip(), till.strip())
    values: dict[str, Any] = {"filter": chosen, "actors": w.audit.actors(), "kinds": KIND_LABELS}
    try:
        found = w.audit.query(chosen.query(sida))
    except ValueError as error:
        return render("logg.html", request, caller, 422, **values, error=str(error), lines=[], found=None)
    name = area_namer(w.register)
    lines = [describe(event, name) for event in found.events]
    return render("logg.html", request, caller, **values, error="", lines=lines, found=found)
