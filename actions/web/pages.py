"""What the workspace's pages (``/admin/``, server-rendered Swedish HTML: Jinja2, plain forms, no
build chain) share: rendering a template, reading a form, and who may see or change what.

A page asked for without a session redirects to the sign-in page; a role that may not do
something gets a Swedish 403 page. The page dependencies raise :class:`PageRefused`, which the
app's exception handler (:func:`page_refused`) turns into that redirect or page. Every form
carries the session's CSRF token; it is checked before anything in the form is."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from actions.web.admin_auth import FORBIDDEN, Caller
from actions.web.deps import WorkspaceDep
from knowledge.accounts import ROLE_LABELS, Permission
from knowledge.settings import Settings

TEMPLATES = Path(__file__).parent / "templates" / "admin"
MAX_FORM_FIELD = 5000


class PageRefused(Exception):
    """A page the caller may not see or a change they may not make (Swedish message); 401: not
    signed in (the sign-in page follows)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True
    )


def render(
    name: str, request: Request, caller: Caller | None, status: int = 200, **values: Any
) -> HTMLResponse:
    html = (
        environment()
        .get_template(name)
        .render(
            caller=caller,
            role_label=ROLE_LABELS[caller.user.role] if caller else "",
            csrf=caller.session.csrf if caller and caller.session else "",
            can=(lambda p: caller is not None and caller.user.can(Permission(p))),
            path=request.url.path,
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def secure(request: Request, settings: Settings) -> bool:
    """Whether cookies get the Secure flag: as configured, else when the request came over HTTPS."""
    if settings.admin_cookie_secure is not None:
        return settings.admin_cookie_secure
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def signed_in(request: Request) -> Caller | None:
    """The caller with a session (the pages do not take bearer tokens for reading)."""
    caller = request.app.state.services.workspace.auth.caller(request)
    return caller if caller is not None and caller.session is not None else None


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/admin/login?till={quote(target)}", status_code=303)


async def page_refused(request: Request, error: Exception) -> Response:
    """The app's handler for :class:`PageRefused`."""
    assert isinstance(error, PageRefused)
    if error.status == 401:
        return to_login(request)
    return render("fel.html", request, signed_in(request), error.status, message=error.message)


async def form_data(request: Request) -> dict[str, Any]:
    """The posted form's text fields (``source`` as a list), each cut at a sane length."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = [str(v)[:MAX_FORM_FIELD] for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if key == "source" else (values[0] if values else "")
    return out


Form = Annotated[dict[str, Any], Depends(form_data)]


def allowed(
    request: Request, workspace: WorkspaceDep, permission: Permission, form: dict[str, Any]
) -> Caller:
    """The caller allowed ``permission`` for a posted form (which must carry the CSRF token)."""
    try:
        return workspace.auth.require(request, permission, csrf=str(form.get("csrf", "")))
    except HTTPException as refused:
        raise PageRefused(refused.status_code, str(refused.detail)) from None


def viewer(permission: Permission = Permission.READ) -> Callable[[Request], Caller]:
    """A dependency for a page: the signed-in caller allowed ``permission``."""

    def guard(request: Request) -> Caller:
        caller = signed_in(request)
        if caller is None:
            raise PageRefused(401, "")
        if not caller.user.can(permission):
            raise PageRefused(403, FORBIDDEN[permission])
        return caller

    return guard


def poster(permission: Permission) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A dependency for a form's post: the caller allowed ``permission``, with the form's CSRF
    token, checked before anything else in the form."""

    async def guard(request: Request, workspace: WorkspaceDep, form: Form) -> Caller:
        return allowed(request, workspace, permission, form)

    return guard


PageReader = Annotated[Caller, Depends(viewer())]
PageEditor = Annotated[Caller, Depends(viewer(Permission.EDIT))]
FormReader = Annotated[Caller, Depends(poster(Permission.READ))]
FormEditor = Annotated[Caller, Depends(poster(Permission.EDIT))]
FormRegistrar = Annotated[Caller, Depends(poster(Permission.REGISTER))]
FormPublisher = Annotated[Caller, Depends(poster(Permission.PUBLISH))]
