"""Fixtures for the register and the designation store: the real register, a real database (SQLite
and PostgreSQL: ``database_url`` in tests/conftest.py), and clearly fictitious designations (never
real health centres or people)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from knowledge.registry.areas import Register, get_register
from knowledge.registry.designations import DesignationStore

FICTITIOUS_GSA = "Testvårdcentralen (fiktiv)"
FICTITIOUS_KSA = "Testkommunens samordnande funktion (fiktiv)"
FICTITIOUS_CONTACT = "samordning@test.invalid"


@pytest.fixture(scope="session")
def register() -> Register:
    """The shipped register (knowledge/registry/areas.yaml)."""
    return get_register()


class Clock:
    """A deterministic clock: every call is one minute later."""

    def __init__(self) -> None:
        self.now = dt.datetime(2099, 1, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def store_factory(register: Register) -> Callable[[str], DesignationStore]:
    def make(url: str) -> DesignationStore:
        return DesignationStore(url, register, clock=Clock())

    return make


@pytest.fixture
def store(store_factory, database_url) -> Iterator[DesignationStore]:
    yield store_factory(database_url)
