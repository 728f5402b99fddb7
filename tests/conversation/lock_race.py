"""Run by Rasa's Python (not pytest's): several processes, like Rasa replicas, take turns of one
conversation through a lock store at the same instant, and every turn counts how many turns are
inside the lock at once. Prints one JSON line: turns done, the most inside at once, errors.

    python lock_race.py REDIS_PORT MODULE.CLASS PROCESSES ROUNDS CONVERSATION
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sys
import time
from typing import Any

from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import EndpointConfig


def store_of(path: str, port: int) -> Any:
    cls = class_from_module_path(path)
    if path == "rasa.core.lock_store.RedisLockStore":
        return cls(host="127.0.0.1", port=port, db=1)
    return cls(endpoint_config=EndpointConfig(url="127.0.0.1", port=port, db=1))


def replica(path: str, port: int, conversation: str, barrier: Any, rounds: int, out: Any) -> None:
    store = store_of(path, port)
    red = store.red
    done, most, errors = 0, 0, []

    async def turn() -> None:
        nonlocal done, most
        async with store.lock(conversation, lock_lifetime=10, wait_time_in_seconds=0.01):
            inside = red.incr(f"race:{conversation}:inside")
            most = max(most, int(inside))
            time.sleep(0.02)  # a turn's work, blocking like Rasa's
            red.decr(f"race:{conversation}:inside")
            done += 1

    for _ in range(rounds):
        try:
            barrier.wait(timeout=30)
            asyncio.run(asyncio.wait_for(turn(), timeout=20))
        except Exception as error:  # reported, not raised: the parent counts them
            errors.append(f"{type(error).__name__}: {error}")
    out.put({"done": done, "most": most, "errors": errors})


def main() -> None:
    port, path, processes, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    conversation = sys.argv[5]
    context = multiprocessing.get_context("fork")
    barrier, out = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=replica, args=(path, port, conversation, barrier, rounds, out))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    print(
        json.dumps(
            {
                "done": sum(r["done"] for r in results),
                "most_inside": max(r["most"] for r in results),
                "errors": [e for r in results for e in r["errors"]],
            }
        )
    )


if __name__ == "__main__":
    main()
