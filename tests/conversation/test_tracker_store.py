"""Rasa's tracker store as the assistant configures it (bot/stores/trackers.py), against Rasa's
own SQL tracker store, with Rasa's Python on real SQLite files: a conversation of 60 turns with a
new session every ten reads back the same at every turn and leaves the same rows; when another
process stores an event of the conversation between a read and a save, every event of the turn
is still stored, where Rasa's own store drops one per such write."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conversation.rasa_python import run_in_rasa

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    directory: Path = tmp_path_factory.mktemp("tracker-stores")
    result = run_in_rasa("tracker_store_check.py", str(directory), "60")
    print(f"\nper turn: Rasa's store {result['rasa_ms']} ms, the lean store {result['lean_ms']} ms")
    return result


def test_every_read_and_every_stored_row_is_rasas(check: dict[str, object]):
    assert check["same_reads"] is True
    assert check["same_rows"] is True
    assert check["rows"] == check["expected_rows"]


def test_a_turn_keeps_all_its_events_when_another_process_wrote_meanwhile(check: dict[str, object]):
    stored = check["with_outside_writes_stored"]
    assert isinstance(stored, dict)
    assert stored["lean"] == check["expected_rows"]
    assert stored["rasa"] < check["expected_rows"]  # the control: Rasa's own store drops events
