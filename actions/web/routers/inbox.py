"""The inbox: what users asked that the bot could not answer, their 👎 and the questions passed
on, grouped by meaning; the JSON API (``/api/admin/inbox``) and the page (``/admin/inkorg``).
A group is dismissed, or added to a curated answer as its phrasings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from actions.core.inbox_groups import SOURCE_LABELS
from actions.web.admin_auth import Caller
from actions.web.deps import Editor, Reader, WorkspaceDep
from actions.web.pages import Form, FormEditor, PageReader, render
from actions.web.workspace import (
    GROUP_GONE,
    DismissIn,
    VersionIn,
    Workspace,
    add_group_to_answer,
    group_record,
    refusal,
)
from knowledge.curated import CuratedError, Status

api = APIRouter()
pages = APIRouter()


@api.get("/inbox", summary="Obesvarade frågor, 👎 och frågor som skickats vidare, grupperade efter innebörd")
def inbox(_: Reader, w: WorkspaceDep) -> list[dict[str, Any]]:
    return [group_record(g) for g in w.groups.groups()]


@api.post("/inbox/{key}/dismiss", summary="Avfärda en grupp (den kommer inte tillbaka)")
def dismiss_group(who: Editor, w: WorkspaceDep, key: str, body: DismissIn) -> dict[str, Any]:
    try:
        found = w.groups.group(key)
        if found is None:
            raise LookupError(GROUP_GONE)
        count = w.groups.dismiss(key, body.reason, by=who.name)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise refusal(error) from None
    w.audit.record(who.name, "inbox.dismiss", f"inbox:{key}", group_record(found), {"reason": body.reason})
    return {"dismissed": count}


@api.post("/inbox/{key}/add-to/{answer_id}", summary="Lägg gruppens frågor till ett svar som formuleringar")
def add_phrasings(who: Editor, w: WorkspaceDep, key: str, answer_id: int, body: VersionIn) -> dict[str, Any]:
    try:
        updated = add_group_to_answer(w, key, answer_id, body.version, by=who.name)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except CuratedError as error:
        raise refusal(error) from None
    return updated.to_record()


def inbox_view(
    request: Request, caller: Caller, w: Workspace, status: int = 200, error: str = ""
) -> HTMLResponse:
    answers = [a for a in w.curated.list() if a.status is not Status.ARCHIVED]
    return render("inkorg.html", request, caller, status, groups=w.groups.groups(), answers=answers,
                  sources=SOURCE_LABELS, error=error)  # fmt: skip


@pages.get("/inkorg")
async def inbox_page(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    return inbox_view(request, caller, w)


@pages.post("/inkorg/{key}")
async def act_on_group(
    request: Request, caller: FormEditor, w: WorkspaceDep, form: Form, key: str
) -> Response:
    found = w.groups.group(key)
    if found is None:
        return inbox_view(request, caller, w, 404, error=GROUP_GONE)
    try:
        if form.get("action") == "dismiss":
            w.groups.dismiss(key, str(form.get("reason", "")), by=caller.name)
            w.audit.record(caller.name, "inbox.dismiss", f"inbox:{key}", {"question": found.question},
                           {"reason": str(form.get("reason", ""))})  # fmt: skip
        else:
            answer = w.curated.get(int(str(form.get("answer_id", "0")) or 0))
            add_group_to_answer(w, key, answer.id, answer.version, by=caller.name)
            return RedirectResponse(f"/admin/svar/{answer.id}?sparat=1", status_code=303)
    except (CuratedError, LookupError, ValueError) as error:
        return inbox_view(request, caller, w, 422, error=str(error))
    return RedirectResponse("/admin/inkorg", status_code=303)
