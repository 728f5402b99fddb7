"""Signing in to the workspace and out, ``/admin/login`` and ``/admin/logout``.

Sign-in opens a session (cookie ``hok_admin``: HttpOnly, SameSite=Strict, Secure behind HTTPS);
the sign-in form carries a double-submit token of its own (cookie ``hok_login_csrf``), and a
refused sign-in is recorded in the audit log."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from actions.web.admin_auth import SESSION_COOKIE
from actions.web.deps import SettingsDep, WorkspaceDep
from actions.web.pages import Form, FormReader, render, secure
from knowledge.accounts import SignInRefused

LOGIN_CSRF_COOKIE = "hok_login_csrf"
LOGIN_CSRF_MISSING = "Inloggningen saknar en giltig säkerhetskod. Ladda om inloggningssidan och försök igen."
SIGNED_OUT = "Du är utloggad."

pages = APIRouter()


def _local(target: str) -> str:
    """Only a path of the workspace itself (never another site) to go to after signing in."""
    return target if target.startswith("/admin/") and not target.startswith("//") else "/admin/"


@pages.get("/login")
async def login_page(
    request: Request, settings: SettingsDep, till: str = "/admin/", utloggad: str = ""
) -> Response:
    """The sign-in form; after signing out (``utloggad=1``) it says so."""
    token = secrets.token_urlsafe(24)
    notice = SIGNED_OUT if utloggad == "1" else ""
    response = render(
        "login.html", request, None, login_csrf=token, target=_local(till), error="", notice=notice
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request, settings),
        path="/admin/login", max_age=3600,
    )  # fmt: skip
    return response


@pages.post("/login")
async def login(request: Request, settings: SettingsDep, w: WorkspaceDep, form: Form) -> Response:
    target = _local(str(form.get("till", "/admin/")))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    name = str(form.get("name", "")).strip()[:64]
    if not expected or not secrets.compare_digest(expected, str(form.get("csrf", ""))):
        return render("fel.html", request, None, 403, message=LOGIN_CSRF_MISSING)
    try:
        session = w.accounts.sign_in(name, str(form.get("password", "")))
    except SignInRefused as error:
        w.audit.record(name or "?", "sign_in.failed", f"user:{name}")
        return render(
            "login.html", request, None, 401, login_csrf=expected, target=target, error=str(error), notice=""
        )
    w.audit.record(session.user.name, "sign_in", f"user:{session.user.name}")
    response = RedirectResponse(target, status_code=303)
    max_age = int((session.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
    response.set_cookie(SESSION_COOKIE, session.session_id, httponly=True, samesite="strict",
                        secure=secure(request, settings), path="/", max_age=max_age)  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return response


@pages.post("/logout")
async def logout(caller: FormReader, w: WorkspaceDep) -> Response:
    if caller.session is not None:
        w.accounts.sign_out(caller.session.session_id)
    w.audit.record(caller.name, "sign_out", f"user:{caller.name}")
    response = RedirectResponse("/admin/login?utloggad=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
