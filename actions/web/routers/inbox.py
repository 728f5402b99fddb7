"""The inbox: what users asked that the bot could not answer, their 👎 and the questions passed
on, grouped by meaning; the JSON API (``/api/admin/inbox``) and the page (``/admin/inkorg``).

Both take the same query (:class:`InboxParams`: search, source, period, region, sorting, the
"Öppna"/"Besvarade" view, paging, one group) and ask :class:`InboxSearch` for one page of it. A
group is dismissed, or added to a curated answer as its phrasings, through :class:`InboxActions`
(audited there, once)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from actions.core.inbox_actions import GROUP_GONE
from actions.core.inbox_query import (
    REGION_LABELS,
    SORTS,
    SOURCE_FILTER_LABELS,
    VIEWS,
    GroupSummary,
    InboxPage,
    InboxQuery,
)
from actions.web.admin_auth import Caller
from actions.web.deps import Editor, Reader, WorkspaceDep
from actions.web.pages import Form, FormEditor, PageReader, render
from actions.web.workspace import DismissIn, VersionIn, Workspace, group_record, refusal
from knowledge.curated import Conflict, CuratedError, Status
from knowledge.curated_picker import choices

PAGE = "/admin/inkorg"
PAGE_SIZE = 25
PICKER_LIMIT = 20  # answers listed by the "Lägg till i svar" picker
UNREADABLE = "Filtret kunde inte läsas: ange datum som ÅÅÅÅ-MM-DD och sidan som ett heltal."
UNKNOWN_ACTION = "Okänd åtgärd."

api = APIRouter()
pages = APIRouter()


class InboxParams(BaseModel):
    """The inbox's query as the page's GET form and the API name it (Swedish parameter names).
    ``valj``/``svarsok``: the "Lägg till i svar" picker's search for one group (page only)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sok: str = Field(default="", max_length=200, description="Ord som ska finnas i en av gruppens frågor")
    kalla: str = Field(default="", description="ej_besvarad, vidareskickad eller tumme_ned (tomt: alla)")
    fran: dt.date | None = Field(default=None, description="Perioden från (ÅÅÅÅ-MM-DD)")
    till: dt.date | None = Field(default=None, description="Perioden till och med (ÅÅÅÅ-MM-DD)")
    region: str = Field(default="", description="stockholm eller skane (tomt: alla)")
    sortering: str = Field(default="storst", description="storst eller nyast")
    vy: str = Field(default="oppna", description="oppna eller besvarade")
    sida: int = Field(default=1, ge=1, le=100_000)
    per_sida: int = Field(default=PAGE_SIZE, ge=1, le=100)
    grupp: str | None = Field(default=None, max_length=64, description="Bara gruppen med den nyckeln")
    valj: str | None = Field(default=None, max_length=64)
    svarsok: str = Field(default="", max_length=200)

    @field_validator("fran", "till", "grupp", "valj", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def query(self) -> InboxQuery:
        """The domain's query, or ValueError (Swedish) for what it does not understand."""
        return InboxQuery(
            search=self.sok, source=self.kalla or None, since=self.fran, until=self.till,
            region=self.region or None, sort=self.sortering, view=self.vy, page=self.sida,
            page_size=self.per_sida, key=self.grupp,
        ).checked()  # fmt: skip

    def filters(self, **changes: Any) -> dict[str, str]:
        """The query's parameters that differ from the defaults (the picker's left out), changed."""
        values = {**self.model_dump(exclude={"valj", "svarsok"}), **changes}
        defaults = InboxParams().model_dump()
        return {k: str(v) for k, v in values.items() if v is not None and v != defaults.get(k)}

    def link(self, **changes: Any) -> str:
        """The inbox page with this query, changed (paging and tab links keep the filters)."""
        query = urlencode(self.filters(**changes))
        return f"{PAGE}?{query}" if query else PAGE


def summary_record(summary: GroupSummary) -> dict[str, Any]:
    return {
        **group_record(summary.group),
        "passed_on_at": summary.passed_on_at.isoformat() if summary.passed_on_at else None,
        "passed_on_count": summary.passed_on_count,
        "regions": sorted(summary.regions),
        "answered_by": summary.answered_by,
        "link": summary.link,
    }


@api.get("/inbox", summary="Obesvarade frågor, 👎 och frågor som skickats vidare, grupperade efter innebörd")
def inbox(
    _: Reader, w: WorkspaceDep, params: Annotated[InboxParams, Query()], response: Response
) -> list[dict[str, Any]]:
    """One page of the groups (the page's query); how many match in ``X-Total-Count``, the
    pages in ``X-Page-Count``."""
    try:
        found = w.inbox_search.page(params.query())
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    response.headers["X-Total-Count"] = str(found.total)
    response.headers["X-Page-Count"] = str(found.pages)
    return [summary_record(s) for s in found.groups]


@api.post("/inbox/{key}/dismiss", summary="Avfärda en grupp (den kommer inte tillbaka)")
def dismiss_group(who: Editor, w: WorkspaceDep, key: str, body: DismissIn) -> dict[str, Any]:
    try:
        count = w.inbox_actions.dismiss(key, body.reason, by=who.name)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise refusal(error) from None
    return {"dismissed": count}


@api.post("/inbox/{key}/add-to/{answer_id}", summary="Lägg gruppens frågor till ett svar som formuleringar")
def add_phrasings(who: Editor, w: WorkspaceDep, key: str, answer_id: int, body: VersionIn) -> dict[str, Any]:
    try:
        updated = w.inbox_actions.add_to_answer(key, answer_id, body.version, by=who.name)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except CuratedError as error:
        raise refusal(error) from None
    return updated.to_record()


def inbox_view(
    request: Request, caller: Caller, w: Workspace, raw: dict[str, str], status: int = 200, error: str = ""
) -> HTMLResponse:
    try:
        params = InboxParams.model_validate(raw)
    except ValidationError:
        params, error, status = InboxParams(), UNREADABLE, 422
    found: InboxPage | None = None
    try:
        found = w.inbox_search.page(params.query())
    except ValueError as refused:
        error, status = str(refused), 422
    answers = w.curated.list()
    listed = choices(answers, "", PICKER_LIMIT)
    searched = choices(answers, params.svarsok, PICKER_LIMIT) if params.valj else listed
    return render(
        "inkorg.html", request, caller, status, error=error, params=params, page=found,
        picker=lambda key: searched if key == params.valj else listed, has_answers=bool(listed),
        many_answers=sum(a.status is not Status.ARCHIVED for a in answers) > PICKER_LIMIT,
        back=urlencode(params.filters()), sources=SOURCE_FILTER_LABELS, regions=REGION_LABELS,
        sorts=SORTS, views=VIEWS, page_numbers=_page_numbers,
    )  # fmt: skip


@pages.get("/inkorg")
def inbox_page(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    return inbox_view(request, caller, w, dict(request.query_params))


@pages.post("/inkorg/{key}")
def act_on_group(request: Request, caller: FormEditor, w: WorkspaceDep, form: Form, key: str) -> Response:
    back = dict(parse_qsl(str(form.get("tillbaka", ""))))  # the page's query, kept after the change
    try:
        action = form.get("action")
        if action == "dismiss":
            w.inbox_actions.dismiss(key, str(form.get("reason", "")), by=caller.name)
        elif action == "add":
            answer_id, version = _answer_ref(str(form.get("answer", "")))
            answer = w.inbox_actions.add_to_answer(key, answer_id, version, by=caller.name)
            return RedirectResponse(f"/admin/svar/{answer.id}?sparat=1", status_code=303)
        else:
            raise ValueError(UNKNOWN_ACTION)
    except LookupError as error:
        message = GROUP_GONE if w.groups.group(key) is None else str(error)
        return inbox_view(request, caller, w, back, 404, error=message)
    except Conflict as error:
        return inbox_view(request, caller, w, back, 409, error=str(error))
    except ValueError as error:
        return inbox_view(request, caller, w, back, 422, error=str(error))
    return RedirectResponse(_back_to(back), status_code=303)


def _back_to(back: dict[str, str]) -> str:
    """The inbox page with the query the form was posted from (rebuilt, never taken as a URL)."""
    try:
        return InboxParams.model_validate(back).link()
    except ValidationError:
        return PAGE


def _answer_ref(value: str) -> tuple[int, int]:
    """The picker's value "<answer id>:<version>" (the version the addition is made from)."""
    answer_id, _, version = value.partition(":")
    if not (answer_id.isdigit() and version.isdigit()):
        raise ValueError("Välj ett svar att lägga till formuleringarna i.")
    return int(answer_id), int(version)


def _page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and those around the current (None: a gap)."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out
