"""The register of designations (who is GSA or KSA where): the JSON API
(``/api/admin/designations``) and the page (``/admin/register``) with CSV export and import.
Changing it needs a process lead."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from actions.web.admin_auth import Caller
from actions.web.deps import Reader, Registrar, WorkspaceDep
from actions.web.pages import Form, FormRegistrar, PageReader, render
from actions.web.workspace import (
    STALE_AFTER,
    UNKNOWN_AREA,
    UNKNOWN_ROLE,
    DesignationIn,
    Workspace,
    designation_record,
    refusal,
)
from knowledge.registry.designations import ROLE_LABELS as DESIGNATION_ROLES
from knowledge.registry.designations import ROLES, DesignationConflict, parse_date

MAX_IMPORT_BYTES = 1_000_000

api = APIRouter()
pages = APIRouter()


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
    before = w.designations.get(area, role)
    try:
        made = w.designations.set(
            area, role, body.name, by=who.name, unit=body.unit, contact=body.contact,
            valid_from=body.valid_from, note=body.note, source=body.source, expected=body.version,
        )  # fmt: skip
    except ValueError as error:
        raise refusal(error) from None
    w.audit.record(
        who.name, "designation.set", f"designation:{area}/{role}",
        before.to_record() if before else None, made.to_record(),
    )  # fmt: skip
    return designation_record(made, w.register, dt.datetime.now(dt.UTC))


@api.delete("/designations/{area_id}/{role}", summary="Ta bort GSA eller KSA i ett område")
def remove_designation(
    who: Registrar,
    w: WorkspaceDep,
    area_id: str,
    role: str,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    area, role = area_role(w, area_id, role)
    try:
        removed = w.designations.remove(area, role, by=who.name, expected=version)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise refusal(error) from None
    w.audit.record(who.name, "designation.remove", f"designation:{area}/{role}", removed.to_record(), None)
    return {"removed": removed.to_record()}


# The page.


def register_view(
    request: Request,
    caller: Caller,
    w: Workspace,
    selected: str = "",
    status: int = 200,
    error: str = "",
    message: str = "",
) -> HTMLResponse:
    now = dt.datetime.now(dt.UTC)
    current = {(d.area_id, d.role): d for d in w.designations.list()}
    rows = []
    for area in w.register.all():
        for role in ROLES:
            d = current.get((area.id, role))
            rows.append({"area": area, "role": role, "label": DESIGNATION_ROLES[role], "d": d,
                         "stale": d is not None and now - d.recorded_at > STALE_AFTER})  # fmt: skip
    history = w.designations.history(selected) if selected else []
    return render("register.html", request, caller, status, rows=rows, selected=selected,
                  history=history, error=error, message=message)  # fmt: skip


@pages.get("/register")
async def register_page(request: Request, caller: PageReader, w: WorkspaceDep, omrade: str = "") -> Response:
    return register_view(request, caller, w, omrade)


@pages.post("/register/{area_id}/{role}")
async def change_designation_form(
    request: Request, caller: FormRegistrar, w: WorkspaceDep, form: Form, area_id: str, role: str
) -> Response:
    if w.register.get(area_id) is None or role not in ROLES:
        return render("fel.html", request, caller, 404, message="Okänt område eller okänd roll.")
    version_text = str(form.get("version", "")).strip()
    expected = int(version_text) if version_text.isdigit() else None
    try:
        if form.get("action") == "verify":
            verified = w.designations.verify(area_id, role, by=caller.name, expected=expected)
            w.audit.record(caller.name, "designation.verify", f"designation:{area_id}/{role}",
                           None, verified.to_record())  # fmt: skip
        elif form.get("action") == "remove":
            removed = w.designations.remove(area_id, role, by=caller.name, expected=expected)
            w.audit.record(caller.name, "designation.remove", f"designation:{area_id}/{role}",
                           removed.to_record(), None)  # fmt: skip
        else:
            before = w.designations.get(area_id, role)
            made = w.designations.set(
                area_id, role, str(form.get("name", "")), by=caller.name,
                contact=str(form.get("contact", "")) or None,
                valid_from=parse_date(str(form.get("valid_from", "")).strip() or None),
                note=str(form.get("note", "")) or None, expected=expected,
            )  # fmt: skip
            w.audit.record(caller.name, "designation.set", f"designation:{area_id}/{role}",
                           before.to_record() if before else None, made.to_record())  # fmt: skip
    except DesignationConflict as error:
        return register_view(request, caller, w, area_id, 409, error=str(error))
    except (ValueError, LookupError) as error:
        return register_view(request, caller, w, area_id, 422, error=str(error))
    return RedirectResponse(f"/admin/register?omrade={area_id}#omrade-{area_id}", status_code=303)


@pages.get("/register/export.csv")
async def export_register(caller: PageReader, w: WorkspaceDep) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registret.csv"
        count = w.designations.export(path)
        body = path.read_bytes()
    w.audit.record(caller.name, "designation.export", "designations", None, {"count": count})
    headers = {"Content-Disposition": 'attachment; filename="registret.csv"', "Cache-Control": "no-store"}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@pages.post("/register/import")
async def import_register(request: Request, caller: FormRegistrar, w: WorkspaceDep) -> Response:
    upload = (await request.form()).get("fil")  # the form was read once, for the CSRF token
    if upload is None or isinstance(upload, str):
        return register_view(request, caller, w, status=422, error="Välj en CSV-fil att importera.")
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        return register_view(request, caller, w, status=413, error="Filen är för stor (högst 1 MB).")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.csv"
        path.write_bytes(data)
        try:
            changed = w.designations.import_(path, by=caller.name)
        except (ValueError, UnicodeDecodeError) as error:
            return register_view(request, caller, w, status=422, error=f"Inget importerades: {error}")
    w.audit.record(caller.name, "designation.import", "designations", None, {"changed": changed})
    return register_view(request, caller, w, message=f"Importen är klar: {changed} uppgifter ändrades.")
