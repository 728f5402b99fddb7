"""Run by Rasa's Python (not pytest's): the same conversation, turn by turn, through Rasa's SQL
tracker store and through stores.trackers.LeanSQLTrackerStore, each on its own SQLite file.
The conversation has a new session every ten turns and ends with reads of the latest and of all
sessions. Prints one JSON line: whether every read and the stored rows were identical, the median
milliseconds per turn (read, add a turn's events, save) of each store, and, run again with
another process writing an event of the conversation between some reads and saves, how many of
the conversation's own events each store kept.

    python tracker_store_check.py DIRECTORY TURNS
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from channels import speedups
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from stores.trackers import LeanSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, ask]
slots:
  area:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "Hej!"}]
"""
)
SENDER = "fictitious-conversation"


def turn_events(n: int) -> list[Any]:
    at = 1_700_000_000.0 + 10 * n
    parse = {"intent": {"name": "ask", "confidence": 0.9}, "entities": [], "text": f"fråga {n}"}
    return [
        UserUttered(f"fråga {n}", parse["intent"], [], parse, timestamp=at),
        SlotSet("area", f"område {n}", timestamp=at + 1),
        ActionExecuted("action_answer", timestamp=at + 2),
        BotUttered(f"svar {n}", {"elements": None}, {}, timestamp=at + 3),
        ActionExecuted("action_listen", timestamp=at + 4),
    ]


def session_events(n: int) -> list[Any]:
    at = 1_700_000_000.0 + 10 * n
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at + 1)]


def state(tracker: DialogueStateTracker | None) -> Any:
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


def rows(store: SQLTrackerStore) -> list[tuple[Any, ...]]:
    with store.engine.connect() as c:
        query = (
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
        )
        return [tuple(r) for r in c.execute(sa.text(query))]


def outside_write(store: SQLTrackerStore, n: int) -> None:
    # Another process (a second replica) stores an event of the conversation.
    event = BotUttered(f"från en annan process {n}", timestamp=1_700_000_000.0 + 10 * n + 5)
    with store.engine.begin() as c:
        c.execute(
            store.SQLEvent.__table__.insert(),
            {
                "sender_id": SENDER,
                "type_name": event.type_name,
                "timestamp": event.timestamp,
                "data": json.dumps(event.as_dict()),
            },
        )


async def run(store: SQLTrackerStore, turns: int, outside: bool) -> tuple[list[Any], list[float]]:
    reads, took = [], []
    for n in range(turns):
        start = time.perf_counter()
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
        reads.append(state(tracker))
        if n % 10 == 0:
            tracker.update_with_events(session_events(n), DOMAIN, override_timestamp=False)
        if outside and n % 7 == 3:
            outside_write(store, n)
        tracker.update_with_events(turn_events(n), DOMAIN, override_timestamp=False)
        await store.save(tracker)
        took.append((time.perf_counter() - start) * 1000)
    reads.append(state(await store.retrieve(SENDER)))
    reads.append(state(await store.retrieve_full_tracker(SENDER)))
    return reads, took


def own_events(store: SQLTrackerStore) -> int:
    """Stored events of the conversation's own turns (not those the other process wrote)."""
    return sum(1 for r in rows(store) if "annan process" not in r[5])


def main() -> None:
    speedups.install()  # as in every Rasa process the launcher starts
    directory, turns = Path(sys.argv[1]), int(sys.argv[2])
    expected = turns * len(turn_events(0)) + len(range(0, turns, 10)) * len(session_events(0))
    plain: dict[str, Any] = {}
    outside: dict[str, int] = {}
    for name, cls in (("rasa", SQLTrackerStore), ("lean", LeanSQLTrackerStore)):
        store = cls(domain=DOMAIN, dialect="sqlite", db=str(directory / f"{name}.db"))
        reads, took = asyncio.run(run(store, turns, outside=False))
        plain[name] = {"reads": reads, "rows": rows(store), "ms": statistics.median(took)}
        store = cls(domain=DOMAIN, dialect="sqlite", db=str(directory / f"{name}-outside.db"))
        asyncio.run(run(store, turns, outside=True))
        outside[name] = own_events(store)
    result = {
        "same_reads": plain["rasa"]["reads"] == plain["lean"]["reads"],
        "same_rows": plain["rasa"]["rows"] == plain["lean"]["rows"],
        "rows": len(plain["lean"]["rows"]),
        "expected_rows": expected,
        "rasa_ms": round(plain["rasa"]["ms"], 2),
        "lean_ms": round(plain["lean"]["ms"], 2),
        "with_outside_writes_stored": outside,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
