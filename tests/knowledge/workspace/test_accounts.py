"""Accounts of the process lead's workspace: roles, hashed passwords, lock-out, sessions that
expire, API tokens shown once and stored hashed. Every user here is fictitious."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from knowledge.accounts import (
    AccountError,
    AccountStore,
    LockoutPolicy,
    Permission,
    Role,
    SignInRefused,
)

PASSWORD = "ett långt testlösenord"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2099, 1, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(database_url, clock) -> AccountStore:
    return AccountStore(database_url, session_hours=8, lockout=LockoutPolicy(3, 15), clock=clock)


def test_roles_grant_what_the_workspace_promises(accounts):
    lead = accounts.add("pl.test", "processledare", PASSWORD)
    editor = accounts.add("red.test", "redaktör", PASSWORD)
    reader = accounts.add("las.test", Role.LASARE, PASSWORD)
    admin = accounts.add("admin.test", "admin", PASSWORD)
    assert lead.can(Permission.PUBLISH) and lead.can(Permission.REGISTER)
    assert editor.can(Permission.EDIT) and not editor.can(Permission.PUBLISH)
    assert reader.can(Permission.READ) and not reader.can(Permission.EDIT)
    assert admin.can(Permission.ACCOUNTS) and not admin.can(Permission.PUBLISH)
    assert [u.name for u in accounts.list()] == ["admin.test", "las.test", "pl.test", "red.test"]


def test_passwords_are_stored_hashed_never_in_clear(accounts):
    accounts.add("pl.test", "processledare", PASSWORD)
    with accounts.engine.connect() as connection:
        (stored,) = connection.execute(text("SELECT password_hash FROM users")).one()
    assert PASSWORD not in stored and stored.startswith("$argon2")


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("x", "processledare", PASSWORD, "Användarnamnet"),
        ("ok.name", "chef", PASSWORD, "Okänd roll"),
        ("ok.name", "lasare", "kort", "minst 12"),
    ],
)
def test_bad_accounts_are_refused_in_swedish(accounts, name, role, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.add(name, role, password)
    assert accounts.list() == []


def test_a_duplicate_name_is_refused(accounts):
    accounts.add("pl.test", "processledare", PASSWORD)
    with pytest.raises(AccountError, match="finns redan"):
        accounts.add("pl.test", "lasare", PASSWORD)


def test_sign_in_opens_a_session_that_expires(accounts, clock):
    accounts.add("pl.test", "processledare", PASSWORD)
    signed_in = accounts.sign_in("pl.test", PASSWORD)
    assert accounts.session(signed_in.session_id).user.name == "pl.test"
    assert len(signed_in.csrf) >= 32
    clock.now += dt.timedelta(hours=8, seconds=1)
    assert accounts.session(signed_in.session_id) is None


def test_sign_out_ends_the_session(accounts):
    accounts.add("pl.test", "processledare", PASSWORD)
    signed_in = accounts.sign_in("pl.test", PASSWORD)
    accounts.sign_out(signed_in.session_id)
    assert accounts.session(signed_in.session_id) is None


def test_a_wrong_name_and_a_wrong_password_get_the_same_message(accounts):
    accounts.add("pl.test", "processledare", PASSWORD)
    with pytest.raises(SignInRefused) as wrong_password:
        accounts.sign_in("pl.test", "fel lösenord här")
    with pytest.raises(SignInRefused) as wrong_name:
        accounts.sign_in("finns.inte", PASSWORD)
    assert str(wrong_password.value) == str(wrong_name.value) == "Fel användarnamn eller lösenord."


def test_repeated_failures_lock_the_account_for_a_while(accounts, clock):
    accounts.add("pl.test", "processledare", PASSWORD)
    for _ in range(3):
        with pytest.raises(SignInRefused, match="Fel"):
            accounts.sign_in("pl.test", "fel lösenord här")
    with pytest.raises(SignInRefused, match="låst"):
        accounts.sign_in("pl.test", PASSWORD)  # even the right password, while locked
    clock.now += dt.timedelta(minutes=16)
    assert accounts.sign_in("pl.test", PASSWORD).user.name == "pl.test"


def test_a_disabled_user_loses_sessions_and_tokens(accounts):
    accounts.add("pl.test", "processledare", PASSWORD)
    signed_in = accounts.sign_in("pl.test", PASSWORD)
    token = accounts.create_token("pl.test")
    accounts.disable("pl.test")
    assert accounts.session(signed_in.session_id) is None
    assert accounts.user_for_token(token) is None
    with pytest.raises(SignInRefused, match="avstängt"):
        accounts.sign_in("pl.test", PASSWORD)


def test_tokens_are_shown_once_and_stored_hashed(accounts):
    accounts.add("red.test", "redaktor", PASSWORD)
    token = accounts.create_token("red.test", "skript")
    assert accounts.user_for_token(token).role is Role.REDAKTOR
    assert accounts.user_for_token(token + "x") is None and accounts.user_for_token("") is None
    with accounts.engine.connect() as connection:
        (stored,) = connection.execute(text("SELECT token_hash FROM api_tokens")).one()
    assert token not in stored


def test_role_changes_and_password_resets_take_effect(accounts):
    accounts.add("las.test", "lasare", PASSWORD)
    assert accounts.set_role("las.test", "redaktor").role is Role.REDAKTOR
    accounts.reset_password("las.test", "ett helt nytt lösenord")
    with pytest.raises(SignInRefused):
        accounts.sign_in("las.test", PASSWORD)
    assert accounts.sign_in("las.test", "ett helt nytt lösenord").user.role is Role.REDAKTOR
    with pytest.raises(AccountError, match="ingen användare"):
        accounts.set_role("finns.inte", "lasare")
