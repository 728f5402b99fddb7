"""Security headers on every response of the front door.

Every page the service serves (the chat page, the source viewer, the workspace) loads its scripts
and styles from this origin only, so the policy allows nothing inline. ``frame_ancestors`` says who
may frame the pages (the setting ``HOK_FRAME_ANCESTORS``: ``'self'`` by default, or the
intranets' origins); the widget itself is a script on the host page and needs no framing."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(frame_ancestors: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
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


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task or stream, unlike ``@app.middleware``): the
    headers are added to every response's start message unless the route set its own."""

    def __init__(self, app: ASGIApp, frame_ancestors: str) -> None:
        self.app = app
        self.headers = [
            (k.lower().encode(), v.encode()) for k, v in security_headers(frame_ancestors).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
