"""The process lead's workspace accounts: users with roles, sign-in sessions and API tokens.

Local accounts with argon2-hashed passwords; a lock-out after repeated failed sign-ins; sessions
that expire; bearer tokens for the JSON API, shown once and stored as SHA-256 hashes. An
identity from single sign-on (OpenID Connect) would map onto a :class:`User` the same way: the
web layer asks for a user by name (:meth:`AccountStore.get`) and opens a session for it.

Messages are Swedish: they reach the process lead and the admin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.db import Base, as_utc, engine_for, utc_now

MIN_PASSWORD = 12
WRONG_CREDENTIALS = "Fel användarnamn eller lösenord."
MAX_PASSWORD = 1024
_NAME = re.compile(r"^[\w.@-]{2,64}$")


class Role(StrEnum):
    PROCESSLEDARE = "processledare"  # publishes, keeps the register, reviews
    REDAKTOR = "redaktor"  # writes drafts, cannot publish
    LASARE = "lasare"  # sees statistics and the inbox, changes nothing
    ADMIN = "admin"  # accounts


class Permission(StrEnum):
    READ = "read"  # the inbox, feedback, statistics, answers, the register, the audit log
    EDIT = "edit"  # write and change drafts of curated answers; dismiss inbox groups
    PUBLISH = "publish"  # publish and archive curated answers
    REGISTER = "register"  # change the register of designations
    ACCOUNTS = "accounts"  # manage users


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PROCESSLEDARE: frozenset(
        {Permission.READ, Permission.EDIT, Permission.PUBLISH, Permission.REGISTER}
    ),
    Role.REDAKTOR: frozenset({Permission.READ, Permission.EDIT}),
    Role.LASARE: frozenset({Permission.READ}),
    Role.ADMIN: frozenset({Permission.READ, Permission.ACCOUNTS}),
}
ROLE_LABELS = {
    Role.PROCESSLEDARE: "processledare",
    Role.REDAKTOR: "redaktör",
    Role.LASARE: "läsare",
    Role.ADMIN: "administratör",
}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    active: bool
    created_at: dt.datetime

    def can(self, permission: Permission) -> bool:
        return self.active and permission in PERMISSIONS[self.role]


@dataclass(frozen=True)
class SignedIn:
    """An open session: who, its CSRF token for forms, and when it ends."""

    session_id: str  # the cookie's value (only its hash is stored)
    user: User
    csrf: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int = 5  # this many failed sign-ins in a row ...
    minutes: int = 15  # ... lock the account this long


class AccountError(ValueError):
    """A refused account operation (Swedish message)."""


class SignInRefused(AccountError):
    """Wrong name or password, a disabled account, or a locked one (the message never says which
    of name or password was wrong)."""


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    failed_sign_ins: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionRow(Base):
    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_role(text: str) -> Role:
    folded = text.strip().lower().replace("ö", "o").replace("ä", "a")
    try:
        return Role(folded)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AccountError(f"Okänd roll {text!r}: välj {choices}.") from None


class AccountStore:
    def __init__(
        self,
        url: str,
        *,
        session_hours: float = 8.0,
        lockout: LockoutPolicy | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.url = url
        self.session_hours = session_hours
        self.lockout = lockout or LockoutPolicy()
        self._clock = clock
        # Cheap enough for a sign-in, still argon2id; the defaults of argon2-cffi.
        self._hasher = PasswordHasher()

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    # Users.

    def add(self, name: str, role: Role | str, password: str) -> User:
        name = self._valid_name(name)
        role = role if isinstance(role, Role) else parse_role(role)
        row = UserRow(
            name=name,
            role=role.value,
            password_hash=self._hasher.hash(self._valid_password(password)),
            active=True,
            created_at=self._clock(),
            failed_sign_ins=0,
        )
        with Session(self.engine) as session, session.begin():
            if session.scalars(select(UserRow).where(UserRow.name == name)).first():
                raise AccountError(f"Det finns redan en användare som heter {name}.")
            session.add(row)
            session.flush()
            return _user(row)

    def get(self, name: str) -> User | None:
        with Session(self.engine) as session:
            row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
            return _user(row) if row else None

    def list(self) -> list[User]:
        with Session(self.engine) as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def set_role(self, name: str, role: Role | str) -> User:
        role = role if isinstance(role, Role) else parse_role(role)
        return self._change(name, role=role.value)

    def disable(self, name: str) -> User:
        user = self._change(name, active=False)
        with Session(self.engine) as session, session.begin():
            rows = session.scalars(select(SessionRow).where(SessionRow.user_id == user.id))
            for row in rows:
                session.delete(row)
            session.execute(update(TokenRow).where(TokenRow.user_id == user.id).values(revoked=True))
        return user

    def reset_password(self, name: str, password: str) -> User:
        hashed = self._hasher.hash(self._valid_password(password))
        return self._change(name, password_hash=hashed, failed_sign_ins=0, locked_until=None)

    def _change(self, name: str, **values: object) -> User:
        with Session(self.engine) as session, session.begin():
            row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
            if row is None:
                raise AccountError(f"Det finns ingen användare som heter {name}.")
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            return _user(row)

    # Signing in.

    def sign_in(self, name: str, password: str) -> SignedIn:
        """A new session for the user; SignInRefused (the same message for a wrong name or
        password) after which the failure is counted and, after too many, the account locked."""
        now = self._clock()
        refusal: SignInRefused | None = None
        with Session(self.engine) as session, session.begin():
            row = session.scalars(select(UserRow).where(UserRow.name == name.strip())).first()
            if row is None:
                self._hasher.hash(password[:MAX_PASSWORD] or "x")  # the same time as a real check
                refusal = SignInRefused(WRONG_CREDENTIALS)
            elif row.locked_until is not None and as_utc(row.locked_until) > now:
                refusal = SignInRefused(
                    "Kontot är tillfälligt låst efter för många misslyckade inloggningar. "
                    f"Försök igen efter {as_utc(row.locked_until):%H:%M} (UTC)."
                )
            elif not self._verify(row.password_hash, password):
                row.failed_sign_ins += 1
                if row.failed_sign_ins >= self.lockout.failures:
                    row.locked_until = now + dt.timedelta(minutes=self.lockout.minutes)
                    row.failed_sign_ins = 0
                refusal = SignInRefused(WRONG_CREDENTIALS)
            elif not row.active:
                refusal = SignInRefused("Kontot är avstängt. Kontakta administratören.")
            else:
                row.failed_sign_ins = 0
                row.locked_until = None
                return self._open_session(session, row, now)
        raise refusal

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password[:MAX_PASSWORD]))
        except (VerifyMismatchError, InvalidHashError):
            return False

    def open_session(self, name: str) -> SignedIn:
        """A session for an already authenticated user (e.g. through single sign-on)."""
        with Session(self.engine) as session, session.begin():
            row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
            if row is None or not row.active:
                raise SignInRefused("Kontot finns inte eller är avstängt.")
            return self._open_session(session, row, self._clock())

    def _open_session(self, session: Session, row: UserRow, now: dt.datetime) -> SignedIn:
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = now + dt.timedelta(hours=self.session_hours)
        session.add(
            SessionRow(
                id_hash=_digest(session_id), user_id=row.id, csrf=csrf, created_at=now, expires_at=expires
            )
        )
        session.flush()
        return SignedIn(session_id, _user(row), csrf, expires)

    def session(self, session_id: str) -> SignedIn | None:
        """The open session with this id, or None (unknown, expired or its user disabled)."""
        if not session_id:
            return None
        with Session(self.engine) as session:
            found = session.get(SessionRow, _digest(session_id))
            if found is None or as_utc(found.expires_at) <= self._clock():
                return None
            row = session.get(UserRow, found.user_id)
            if row is None or not row.active:
                return None
            return SignedIn(session_id, _user(row), found.csrf, as_utc(found.expires_at))

    def sign_out(self, session_id: str) -> None:
        with Session(self.engine) as session, session.begin():
            found = session.get(SessionRow, _digest(session_id))
            if found is not None:
                session.delete(found)

    # API tokens.

    def create_token(self, name: str, label: str = "") -> str:
        """A new bearer token for the user, returned once; only its hash is stored."""
        token = "hok_" + secrets.token_urlsafe(32)
        with Session(self.engine) as session, session.begin():
            row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
            if row is None:
                raise AccountError(f"Det finns ingen användare som heter {name}.")
            if not row.active:
                raise AccountError(f"Användaren {name} är avstängd.")
            session.add(
                TokenRow(
                    token_hash=_digest(token),
                    user_id=row.id,
                    label=label.strip()[:200],
                    created_at=self._clock(),
                    revoked=False,
                )
            )
        return token

    def user_for_token(self, token: str) -> User | None:
        if not token:
            return None
        with Session(self.engine) as session:
            found = session.scalars(select(TokenRow).where(TokenRow.token_hash == _digest(token))).first()
            if found is None or found.revoked:
                return None
            row = session.get(UserRow, found.user_id)
            return _user(row) if row is not None and row.active else None

    # Validation.

    @staticmethod
    def _valid_name(name: str) -> str:
        name = name.strip()
        if not _NAME.match(name):
            raise AccountError(
                "Användarnamnet ska vara 2–64 tecken: bokstäver, siffror, punkt, bindestreck, "
                "understreck eller @."
            )
        return name

    @staticmethod
    def _valid_password(password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"Lösenordet måste ha minst {MIN_PASSWORD} tecken.")
        if len(password) > MAX_PASSWORD:
            raise AccountError(f"Lösenordet får ha högst {MAX_PASSWORD} tecken.")
        return password


def _user(row: UserRow) -> User:
    return User(row.id, row.name, Role(row.role), bool(row.active), as_utc(row.created_at))
