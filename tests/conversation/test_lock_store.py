"""Rasa's lock store for several replicas, against a real Redis: six processes take twenty turns
each of one conversation, all released at the same instant each round. With the atomic store
exactly one turn is ever inside the lock and every turn is served; with Rasa's own Redis store
(the control) turns overlap and some fail, which is what lost a turn's events in the scaled
profile."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.processes.infra import redis_service, wait_for_port
from actions.processes.supervisor import RotatingLog, port_free
from tests.conversation.rasa_python import run_in_rasa
from tests.fictitious import fictitious_id

pytestmark = pytest.mark.integration

REDIS_PORT = int(os.environ.get("HOK_TEST_LOCK_REDIS_PORT", "16480"))
PROCESSES, ROUNDS = 6, 20


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    assert port_free("127.0.0.1", REDIS_PORT), f"port {REDIS_PORT} is busy"
    with tempfile.TemporaryDirectory() as directory:
        log = RotatingLog(Path(directory) / "redis.log")
        server = redis_service(Path(directory) / "redis", REDIS_PORT, log)  # as the scaled profile's
        server.start()
        try:
            wait_for_port("127.0.0.1", REDIS_PORT, 10, server)
            yield REDIS_PORT
        finally:
            server.stop()
            log.close()


def race(redis_port: int, store: str) -> dict[str, Any]:
    return run_in_rasa(
        "lock_race.py", str(redis_port), store, str(PROCESSES), str(ROUNDS), fictitious_id("race-")
    )


def test_the_atomic_store_serves_one_turn_at_a_time_and_every_turn(redis_port: int):
    result = race(redis_port, "stores.locks.AtomicRedisLockStore")
    assert result["errors"] == []
    assert result["most_inside"] == 1
    assert result["done"] == PROCESSES * ROUNDS


def test_rasas_own_redis_store_lets_simultaneous_turns_overlap(redis_port: int):
    # The control: the same race detects the fault in the store the atomic one replaces.
    result = race(redis_port, "rasa.core.lock_store.RedisLockStore")
    assert result["most_inside"] > 1 or result["errors"]
