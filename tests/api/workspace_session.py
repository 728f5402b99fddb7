"""Signing in to the workspace in page tests: the password every fictitious test account gets,
a form's CSRF token, and a signed-in session."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

PASSWORD = "ett långt testlösenord"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token of a page's forms."""
    found = _CSRF.search(page)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def post_sign_in(client: TestClient, name: str, password: str = PASSWORD, till: str = "/admin/") -> Response:
    """The sign-in form sent, as a person fills it in: the response (a redirect to ``till`` on success)."""
    page = client.get("/admin/login")
    form = {"name": name, "password": password, "csrf": csrf_of(page.text), "till": till}
    return client.post("/admin/login", data=form)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Signs in; the session's CSRF token."""
    post_sign_in(client, name, password)
    return csrf_of(client.get("/admin/").text)
