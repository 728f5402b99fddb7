"""Security headers on every response of the front door.

Every page the service serves (the chat page, the source viewer, the workspace) loads its scripts
and styles from this origin only, so the policy allows nothing inline. ``frame_ancestors`` says who
may frame the pages (the setting ``HOK_FRAME_ANCESTORS``: ``'self'`` by default, or the
intranets' origins); the widget itself is a script on the host page and needs no framing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response


def content_security_policy(frame_ancestors: str, connect: tuple[str, ...] = ()) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": " ".join(("'self'", *connect)),
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors.strip() or "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(frame_ancestors: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    legacy = {"'none'": "DENY", "'self'": "SAMEORIGIN"}.get(frame_ancestors.strip() or "'self'")
    if legacy:  # X-Frame-Options cannot name other origins; with a list, the CSP alone applies
        headers["X-Frame-Options"] = legacy
    return headers


Next = Callable[[Request], Awaitable[Response]]


def security_headers_middleware(frame_ancestors: str) -> Callable[[Request, Next], Awaitable[Response]]:
    headers = security_headers(frame_ancestors)

    async def add_headers(request: Request, call_next: Next) -> Response:
        response = await call_next(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return add_headers
