"""The register of designations (who is GSA or KSA where): the JSON API
(``/api/admin/designations``) and the pages (``/admin/register``): the areas searched and
filtered page by page, one role of one area edited at a time, a removal asked first and undone
with "Ångra", and a CSV import shown as a preview before it is applied. Every change goes
through :class:`RegisterEdits` (audited there, once). Changing the register needs a process lead.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from actions.web.admin_auth import Caller
from actions.web.deps import Reader, Registrar, WorkspaceDep
from actions.web.pages import Form, FormRegistrar, PageReader, render, viewer
from actions.web.workspace import (
    UNKNOWN_AREA,
    UNKNOWN_ROLE,
    DesignationIn,
    Workspace,
    designation_record,
    refusal,
)
from knowledge.accounts import Permission
from knowledge.registry.areas import REGION_LABELS, Area
from knowledge.registry.designations import ROLE_LABELS, ROLES, Designation, DesignationConflict, parse_date
from knowledge.registry.register_edits import (
    LINE_STATUS_LABELS,
    SHOWN_FIELDS,
    ImportPreview,
    LineStatus,
    removal_question,
)
from knowledge.registry.register_view import FILTER_LABELS, MAX_PAGE_SIZE, RegisterQuery, register_page

MAX_IMPORT_BYTES = 1_000_000
PAGE_SIZE = 50
MAX_ID = 2**31 - 1  # an audit entry's id (larger ones do not fit the database's integer)
FIELDS = ("name", "unit", "contact", "valid_from", "note", "source")
DONE = {
    "sparad": "Sparat: {role} för {area}.",
    "verifierad": "Verifierat: {role} för {area} stämmer fortfarande.",
    "aterstalld": "Återställt: {role} för {area} är tillbaka som den var.",
}
HISTORY_ACTIONS = {
    "set": "registrerade",
    "remove": "tog bort",
    "import": "importerade",
    "verify": "verifierade",
    "restore": "återställde",
}
KEPT = "Det du skrev finns kvar i formuläret: jämför med det som gäller nu och spara igen."
NO_FILE = "Importen saknar sin fil: välj filen och förhandsgranska igen."
NO_REMOVAL = "Det finns ingen sådan borttagning att ångra."
CHANGED_SINCE_PREVIEW = (
    "Registret har ändrats sedan förhandsgranskningen. Inget importerades: se den nya "
    "förhandsgranskningen nedan och genomför den om den stämmer."
)

api = APIRouter()
pages = APIRouter()
PageRegistrar = Annotated[Caller, Depends(viewer(Permission.REGISTER))]


# The JSON API.


def area_role(w: Workspace, area_id: str, role: str) -> tuple[str, str]:
    area = w.register.get(area_id) or w.register.lookup(area_id)
    if area is None:
        raise HTTPException(404, UNKNOWN_AREA.format(area=area_id))
    if role not in ROLES:
        raise HTTPException(404, UNKNOWN_ROLE.format(role=role))
    return area.id, role


@api.get("/designations", summary="Registrets GSA och KSA per område")
def list_designations(_: Reader, w: WorkspaceDep) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    return [designation_record(d, w.register, now) for d in w.designations.list()]


@api.put("/designations/{area_id}/{role}", summary="Registrera GSA eller KSA i ett område")
def set_designation(
    who: Registrar, w: WorkspaceDep, area_id: str, role: str, body: DesignationIn
) -> dict[str, Any]:
    area, role = area_role(w, area_id, role)
    try:
        made = w.register_edits.set(
            area, role, who.name, body.version, name=body.name, unit=body.unit, contact=body.contact,
            valid_from=body.valid_from, note=body.note, source=body.source,
        )  # fmt: skip
    except ValueError as error:
        raise refusal(error) from None
    return designation_record(made, w.register, dt.datetime.now(dt.UTC))


@api.delete(
    "/designations/{area_id}/{role}",
    summary="Ta bort GSA eller KSA i ett område (undo: id för att ångra borttagningen)",
)
def remove_designation(
    who: Registrar,
    w: WorkspaceDep,
    area_id: str,
    role: str,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    area, role = area_role(w, area_id, role)
    try:
        removal = w.register_edits.remove(area, role, who.name, expected=version)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise refusal(error) from None
    return {"removed": removal.designation.to_record(), "undo": removal.undo_id}


@api.post("/designations/undo/{undo_id}", summary="Ångra en borttagning: uppgiften tillbaka som den var")
def undo_removal(
    who: Registrar, w: WorkspaceDep, undo_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]
) -> dict[str, Any]:
    try:
        restored = w.register_edits.undo(undo_id, who.name)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise refusal(error) from None
    return designation_record(restored, w.register, dt.datetime.now(dt.UTC))


# The pages: the listing's filters, kept across paging, edits and redirects.


@dataclass(frozen=True)
class Listing:
    """The register page's search and filters, as its GET form (and its links) carry them."""

    search: str = ""
    region: str = ""
    missing_gsa: bool = False
    missing_ksa: bool = False
    stale: bool = False
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Listing:
        page = str(params.get("sida", "")).strip()
        return cls(
            search=str(params.get("sok", "")).strip()[:200],
            region=str(params.get("region", "")).strip(),
            missing_gsa=bool(params.get("saknar_gsa")),
            missing_ksa=bool(params.get("saknar_ksa")),
            stale=bool(params.get("ej_verifierad")),
            page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        )

    @classmethod
    def from_query_string(cls, text: str) -> Listing:
        return cls.from_params(dict(parse_qsl(text[:1000])))

    def params(self, page: int | None = None) -> dict[str, str]:
        out = {"sok": self.search, "region": self.region}
        out |= {key: "1" for key, on in self.flags().items() if on}
        page = self.page if page is None else page
        if page > 1:
            out["sida"] = str(page)
        return {k: v for k, v in out.items() if v}

    def flags(self) -> dict[str, bool]:
        return {"saknar_gsa": self.missing_gsa, "saknar_ksa": self.missing_ksa, "ej_verifierad": self.stale}

    def query_string(self, page: int | None = None, **extra: str | int) -> str:
        return urlencode({**self.params(page), **{k: str(v) for k, v in extra.items()}})

    def url(self, page: int | None = None, **extra: str | int) -> str:
        query = self.query_string(page, **extra)
        return "/admin/register" + (f"?{query}" if query else "")

    def query(self) -> RegisterQuery:
        region = self.region if self.region in REGION_LABELS else None
        return RegisterQuery(
            self.search, region, self.missing_gsa, self.missing_ksa, self.stale, self.page, PAGE_SIZE
        )


def back(form: Mapping[str, Any]) -> Listing:
    """The listing a form came from (its hidden ``tillbaka`` field)."""
    return Listing.from_query_string(str(form.get("tillbaka", "")))


def label(w: Workspace, area_id: str, role: str) -> dict[str, str]:
    area = w.register.get(area_id)
    return {"role": ROLE_LABELS.get(role, role), "area": area.name if area else area_id}


def register_view(
    request: Request,
    caller: Caller,
    w: Workspace,
    listing: Listing,
    status: int = 200,
    error: str = "",
    message: str = "",
    selected: str = "",
    removed: Removed | None = None,
    find_page: bool = False,
) -> HTMLResponse:
    """The listing; with ``find_page``, on the page where the ``selected`` area is."""
    if listing.region and listing.region not in REGION_LABELS:
        error, status = error or f"Okänd region {listing.region!r}: visar alla regioner.", 422
        listing = replace(listing, region="")
    designations, now = w.designations.list(), dt.datetime.now(dt.UTC)
    selected_area = w.register.get(selected) if selected else None
    if selected_area is not None and find_page:  # the page the chosen area is on, if it matches
        everything = register_page(
            w.register, designations, replace(listing.query(), page=1, page_size=MAX_PAGE_SIZE), now
        )
        found = [i for i, row in enumerate(everything.rows) if row.area.id == selected_area.id]
        listing = replace(listing, page=found[0] // PAGE_SIZE + 1) if found else listing
    view = register_page(w.register, designations, listing.query(), now)
    if view.rows == () and listing.page > 1 and view.total:  # past the last page: show the last
        listing = replace(listing, page=view.pages)
        view = register_page(w.register, designations, listing.query(), now)
    history = w.designations.history(selected_area.id) if selected_area else []
    return render(
        "register.html", request, caller, status, view=view, listing=listing, regions=REGION_LABELS,
        filters=FILTER_LABELS, roles=ROLE_LABELS, error=error, message=message,
        selected=selected_area, history=history, removed=removed, done=HISTORY_ACTIONS,
    )  # fmt: skip


@dataclass(frozen=True)
class Removed:
    """A removal shown as "Borttaget: … [Ångra]" (not once the role is registered again)."""

    undo_id: int
    text: str
    undone: bool


def removed_entry(w: Workspace, area_id: str, undo_id: str) -> Removed | None:
    """What the removal ``undo_id`` of ``area_id`` took away, for "Borttaget: … [Ångra]"."""
    area = w.register.get(area_id)
    if area is None or not undo_id.isdigit() or int(undo_id) > MAX_ID:
        return None
    for entry in w.designations.history(area.id):
        if entry.id == int(undo_id) and entry.action == "remove" and entry.old:
            text = f"{ROLE_LABELS[entry.role]} för {area.name} ({entry.old.get('name', '')})"
            back_already = w.designations.get(area.id, entry.role) is not None
            return Removed(entry.id, text, back_already)
    return None


@pages.get("/register")
async def register_listing(request: Request, caller: PageReader, w: WorkspaceDep) -> Response:
    params = request.query_params
    listing = Listing.from_params(params)
    selected = params.get("omrade", "")
    message = ""
    done, role = params.get("klart", ""), params.get("roll", "")
    if done in DONE and role in ROLES and w.register.get(selected):
        message = DONE[done].format(**label(w, selected, role))
    imported = params.get("importerade", "")
    if imported.isdigit():
        message = f"Importen är klar: {int(imported)} uppgifter ändrades."
    removed = removed_entry(w, selected, params.get("borttagen", "")) if selected else None
    find_page = "sida" not in params
    return register_view(
        request, caller, w, listing, message=message, selected=selected, removed=removed, find_page=find_page
    )


def area_or_none(w: Workspace, area_id: str, role: str) -> Area | None:
    area = w.register.get(area_id)
    return area if area is not None and role in ROLES else None


def unknown(request: Request, caller: Caller) -> HTMLResponse:
    return render("fel.html", request, caller, 404, message="Okänt område eller okänd roll.")


def edit_view(
    request: Request,
    caller: Caller,
    w: Workspace,
    area: Area,
    role: str,
    listing: Listing,
    status: int = 200,
    error: str = "",
    values: Mapping[str, str] | None = None,
) -> HTMLResponse:
    current = w.designations.get(area.id, role)
    if values is None:
        values = {f: _shown(getattr(current, f)) for f in FIELDS} if current else {}
    history = [h for h in w.designations.history(area.id) if h.role == role]
    return render(
        "register_redigera.html", request, caller, status, area=area, role=role,
        role_name=ROLE_LABELS[role], current=current, values=values, listing=listing,
        region_label=REGION_LABELS.get(area.region, area.region), labels=SHOWN_FIELDS,
        history=history, done=HISTORY_ACTIONS, error=error,
    )  # fmt: skip


@pages.get("/register/export.csv")
async def export_register(caller: PageReader, w: WorkspaceDep) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registret.csv"
        count = w.designations.export(path)
        body = path.read_bytes()
    w.audit.record(caller.name, "designation.export", "designations", None, {"count": count})
    headers = {"Content-Disposition": 'attachment; filename="registret.csv"', "Cache-Control": "no-store"}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


# The CSV import: upload, preview, apply exactly what the preview showed.


def preview_view(
    request: Request,
    caller: Caller,
    w: Workspace,
    preview: ImportPreview,
    data: bytes,
    status: int = 200,
    error: str = "",
) -> HTMLResponse:
    names = {a.id: a.name for a in w.register.all()}
    counts = {LINE_STATUS_LABELS[s]: preview.count(s) for s in LineStatus}
    changes = preview.count(LineStatus.ADDED) + preview.count(LineStatus.CHANGED)
    if preview.error:
        error = error or f"{preview.error} Inget importerades."
        status = 422 if status == 200 else status
    return render(
        "register_import.html", request, caller, status, preview=preview, names=names,
        roles=ROLE_LABELS, statuses=LINE_STATUS_LABELS, counts=counts, changes=changes,
        data=base64.b64encode(data).decode("ascii"), error=error,
    )  # fmt: skip


@pages.post("/register/import")
async def import_preview(request: Request, caller: FormRegistrar, w: WorkspaceDep) -> Response:
    upload = (await request.form()).get("fil")  # the form was read once, for the CSRF token
    if upload is None or isinstance(upload, str):
        return register_view(request, caller, w, Listing(), 422, error="Välj en CSV-fil att importera.")
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        return register_view(request, caller, w, Listing(), 413, error="Filen är för stor (högst 1 MB).")
    return preview_view(request, caller, w, w.register_edits.preview_import(data, caller.name), data)


@pages.post("/register/import/genomfor")
async def import_apply(request: Request, caller: FormRegistrar, w: WorkspaceDep, form: Form) -> Response:
    encoded = (await request.form()).get("data")  # the whole field (Form cuts long ones)
    try:
        data = base64.b64decode(str(encoded or ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data or len(data) > MAX_IMPORT_BYTES:
        return register_view(request, caller, w, Listing(), 422, error=NO_FILE)
    preview = w.register_edits.preview_import(data, caller.name)
    if preview.digest != str(form.get("digest", "")):
        return preview_view(request, caller, w, preview, data, 409, CHANGED_SINCE_PREVIEW)
    try:
        changed = w.register_edits.apply_import(preview, caller.name)
    except DesignationConflict as error:
        return preview_view(request, caller, w, preview, data, 409, str(error))
    except ValueError as error:
        return preview_view(request, caller, w, preview, data, 422, str(error))
    return RedirectResponse(Listing().url(importerade=changed), status_code=303)


# "Ångra" a removal.


@pages.post("/register/angra")
async def undo_form(request: Request, caller: FormRegistrar, w: WorkspaceDep, form: Form) -> Response:
    listing = back(form)
    undo_id = str(form.get("borttagning", "")).strip()
    if not undo_id.isdigit() or int(undo_id) > MAX_ID:
        return register_view(request, caller, w, listing, 422, error=NO_REMOVAL)
    try:
        restored = w.register_edits.undo(int(undo_id), caller.name)
    except DesignationConflict as error:
        return register_view(request, caller, w, listing, 409, error=str(error))
    except (LookupError, ValueError) as error:
        return register_view(request, caller, w, listing, 404, error=str(error))
    target = listing.url(omrade=restored.area_id, roll=restored.role, klart="aterstalld")
    return RedirectResponse(f"{target}#omrade-{restored.area_id}", status_code=303)


# One role of one area: edit, verify, remove (asked first).


@pages.get("/register/{area_id}/{role}")
async def edit_page(
    request: Request, caller: PageRegistrar, w: WorkspaceDep, area_id: str, role: str, tillbaka: str = ""
) -> Response:
    area = area_or_none(w, area_id, role)
    if area is None:
        return unknown(request, caller)
    return edit_view(request, caller, w, area, role, Listing.from_query_string(tillbaka))


@pages.post("/register/{area_id}/{role}")
async def change_designation_form(
    request: Request, caller: FormRegistrar, w: WorkspaceDep, form: Form, area_id: str, role: str
) -> Response:
    area = area_or_none(w, area_id, role)
    if area is None:
        return unknown(request, caller)
    listing = back(form)
    expected = version_of(form)
    action = form.get("action")
    if action == "remove":  # never at once: the confirmation asks first
        query = urlencode({"tillbaka": listing.query_string()})
        return RedirectResponse(f"/admin/register/{area.id}/{role}/ta-bort?{query}", status_code=303)
    values = {f: str(form.get(f, "")).strip() for f in FIELDS}
    try:
        if action == "verify":
            w.register_edits.verify(area.id, role, caller.name, expected)
            done = "verifierad"
        else:
            w.register_edits.set(
                area.id, role, caller.name, expected, name=values["name"],
                unit=values["unit"] or None, contact=values["contact"] or None,
                valid_from=parse_date(values["valid_from"] or None), note=values["note"] or None,
                source=values["source"] or None,
            )  # fmt: skip
            done = "sparad"
    except DesignationConflict as error:
        message = str(error) if action == "verify" else f"{error} {KEPT}"
        kept = None if action == "verify" else values
        return edit_view(request, caller, w, area, role, listing, 409, message, kept)
    except (ValueError, LookupError) as error:
        kept = None if action == "verify" else values
        return edit_view(request, caller, w, area, role, listing, 422, str(error), kept)
    target = listing.url(omrade=area.id, roll=role, klart=done)
    return RedirectResponse(f"{target}#omrade-{area.id}", status_code=303)


def removal_view(
    request: Request,
    caller: Caller,
    area: Area,
    current: Designation,
    listing: Listing,
    status: int = 200,
    error: str = "",
) -> HTMLResponse:
    return render(
        "register_ta_bort.html", request, caller, status, area=area, current=current,
        role_name=ROLE_LABELS[current.role], question=removal_question(area.name, current),
        listing=listing, error=error,
    )  # fmt: skip


@pages.get("/register/{area_id}/{role}/ta-bort")
async def removal_page(
    request: Request, caller: PageRegistrar, w: WorkspaceDep, area_id: str, role: str, tillbaka: str = ""
) -> Response:
    area = area_or_none(w, area_id, role)
    if area is None:
        return unknown(request, caller)
    listing = Listing.from_query_string(tillbaka)
    current = w.designations.get(area.id, role)
    if current is None:
        message = f"Det finns ingen registrerad {ROLE_LABELS[role]} för {area.name} att ta bort."
        return register_view(request, caller, w, listing, 404, error=message)
    return removal_view(request, caller, area, current, listing)


@pages.post("/register/{area_id}/{role}/ta-bort")
async def remove_form(
    request: Request, caller: FormRegistrar, w: WorkspaceDep, form: Form, area_id: str, role: str
) -> Response:
    area = area_or_none(w, area_id, role)
    if area is None:
        return unknown(request, caller)
    listing = back(form)
    expected = version_of(form)
    try:
        removal = w.register_edits.remove(area.id, role, caller.name, expected)
    except DesignationConflict as error:
        current = w.designations.get(area.id, role)
        if current is None:
            return register_view(request, caller, w, listing, 409, error=str(error))
        return removal_view(request, caller, area, current, listing, 409, str(error))
    except (LookupError, ValueError) as error:
        return register_view(request, caller, w, listing, 404, error=str(error))
    target = listing.url(omrade=area.id, borttagen=removal.undo_id)
    return RedirectResponse(f"{target}#borttaget", status_code=303)


def version_of(form: Mapping[str, Any]) -> int | None:
    """The version a form was made from (None: there was none); one too large for the database
    matches no version (a conflict)."""
    text = str(form.get("version", "")).strip()
    return min(int(text), MAX_ID) if text.isdigit() and len(text) < 30 else None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)
