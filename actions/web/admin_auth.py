"""Who is asking, for every page under ``/admin/`` and every call under ``/api/admin/``.

Two ways in, with the same roles:
- a bearer token (``Authorization: Bearer hok_…``, from ``python -m knowledge token create``),
  for the JSON API;
- a sign-in session (the ``hok_admin`` cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS),
  for the pages; a state-changing request with a session must carry the session's CSRF token
  (form field ``csrf`` or header ``X-CSRF-Token``).

Single sign-on (OpenID Connect, e.g. Microsoft Entra ID) plugs in at :class:`SignInMethods`: an
identity provider that has authenticated a user hands over the user name, and
``AccountStore.open_session`` opens the same kind of session as a password sign-in.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request

from knowledge.accounts import AccountStore, Permission, SignedIn, User

SESSION_COOKIE = "hok_admin"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

NOT_SIGNED_IN = "Du behöver logga in (eller ange en giltig API-nyckel)."
FORBIDDEN = {
    Permission.READ: "Din roll får inte se arbetsytan.",
    Permission.EDIT: "Din roll får inte skriva eller ändra svar.",
    Permission.PUBLISH: "Bara en processledare kan publicera eller arkivera svar.",
    Permission.REGISTER: "Bara en processledare kan ändra registret.",
    Permission.ACCOUNTS: "Bara en administratör kan hantera konton.",
}
CSRF_MISSING = "Formuläret saknar en giltig säkerhetskod (CSRF). Ladda om sidan och försök igen."


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the user, and the session when it came with a cookie."""

    user: User
    session: SignedIn | None = None

    @property
    def name(self) -> str:
        return self.user.name


@dataclass(frozen=True)
class SignInMethods:
    """How users may sign in: local passwords always; an OpenID Connect provider when configured
    (``HOK_ADMIN_OIDC_ISSUER``; not enabled in this release)."""

    password: bool = True
    oidc_issuer: str = ""

    @property
    def single_sign_on(self) -> bool:
        return bool(self.oidc_issuer)


class Authenticator:
    def __init__(self, accounts: AccountStore) -> None:
        self.accounts = accounts

    def caller(self, request: Request) -> Caller | None:
        """The caller of ``request``, or None when it carries neither a valid token nor session."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            user = self.accounts.user_for_token(token.strip())
            return Caller(user) if user else None
        session = self.accounts.session(request.cookies.get(SESSION_COOKIE, ""))
        return Caller(session.user, session) if session else None

    def require(self, request: Request, permission: Permission, csrf: str | None = None) -> Caller:
        """The caller, allowed ``permission``; HTTPException 401/403 (Swedish) otherwise. A
        state-changing request with a session must carry its CSRF token (``csrf`` from a form
        field, else the ``X-CSRF-Token`` header)."""
        caller = self.caller(request)
        if caller is None:
            raise HTTPException(401, NOT_SIGNED_IN, headers={"WWW-Authenticate": "Bearer"})
        if caller.session is not None and request.method in UNSAFE_METHODS:
            sent = csrf if csrf is not None else request.headers.get("x-csrf-token", "")
            if not sent or not hmac.compare_digest(sent, caller.session.csrf):
                raise HTTPException(403, CSRF_MISSING)
        if not caller.user.can(permission):
            raise HTTPException(403, FORBIDDEN[permission])
        return caller
