"""Bounded load through the front door (``make bench-load``).

At 1, 8, 32 and 64 concurrent users, each user holds realistic conversations of about six turns
(a greeting, agreement questions from the question bank, a GSA/KSA question whose area the form
asks for, thanks), one client (cookie jar) per conversation, back to back for a fixed time. Each
level reports turns per second, the median and p95 turn time and the errors (anything but 200
with a reply). Also measured: one long conversation, turn 5 against turn 200.

    .venv/bin/python -m tests.bench.load --rasa .venv-rasa/bin/rasa [--profile default|scaled|both]

The last line printed is the default profile's (or the only profile's) 32-user figure, e.g.
``32 users: 27.4 turns/s, p95 840 ms, 0 errors``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import httpx

from actions.processes.launcher import running
from actions.processes.scaled import Ports, running_scaled
from knowledge.registry import get_register
from knowledge.secrets import new_secret_key
from tests.bench import bank
from tests.databases import initialised, sqlite_url
from tests.fictitious import fictitious_id

LEVELS = (1, 8, 32, 64)
GREETINGS = ("Hej", "hej!", "God morgon", "Hejsan")
THANKS = ("Tack!", "tack så mycket", "Tack, det hjälpte")
ROLE_QUESTIONS = ("Vem är GSA?", "Vem ar KSA", "vilken vårdcentral är GSA", "Vem är samordnande funktion?")


@lru_cache(maxsize=1)
def tls() -> ssl.SSLContext:
    """One TLS context for every client: httpx builds a new one per client otherwise (31 ms of
    the load generator's CPU per conversation, taken from the servers it measures)."""
    return ssl.create_default_context()


@lru_cache(maxsize=1)
def questions() -> tuple[str, ...]:
    """Single-turn agreement questions of the question bank (both halves: the load is not scored)."""
    cases = [c for half in ("dev", "test") for c in bank.load(half)]
    return tuple(c["ask"] for c in cases if isinstance(c["ask"], str) and not bank.must_abstain(c))


def conversations(seed: int) -> Iterator[list[str]]:
    """Endless realistic conversations of five to seven turns."""
    rng = random.Random(seed)
    asked = questions()
    areas = stockholm_areas()
    while True:
        turns = [rng.choice(GREETINGS), *rng.sample(asked, rng.randint(2, 3))]
        turns += [rng.choice(ROLE_QUESTIONS), rng.choice(areas), rng.choice(THANKS)]
        yield turns


@lru_cache(maxsize=1)
def stockholm_areas() -> tuple[str, ...]:
    return tuple(a.name for a in get_register().in_region("stockholm"))


@dataclass
class Level:
    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def turns(self) -> int:
        return len(self.latencies) + self.errors

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    def line(self) -> str:
        rate = self.turns / self.seconds
        return f"{self.users} users: {rate:.1f} turns/s, p95 {self.p(0.95):.0f} ms, {self.errors} errors"


async def _user(url: str, seed: int, until: float, level: Level) -> None:
    for turns in conversations(seed):
        sender = fictitious_id()
        async with httpx.AsyncClient(timeout=60.0, verify=tls()) as client:  # one client, one cookie jar
            for message in turns:
                if time.monotonic() >= until:
                    return
                start = time.perf_counter()
                try:
                    response = await client.post(url, json={"sender": sender, "message": message})
                    ok = response.status_code == 200 and bool(response.json())
                except (httpx.HTTPError, ValueError):
                    ok = False
                if ok:
                    level.latencies.append(time.perf_counter() - start)
                else:
                    level.errors += 1


async def run_level(url: str, users: int, seconds: float) -> Level:
    level = Level(users, seconds)
    until = time.monotonic() + seconds
    await asyncio.gather(*(_user(url, 1000 * users + n, until, level) for n in range(users)))
    return level


# One conversation's turns start at most this often: below the front door's limit per conversation
# (10 a second refilled, HOK_RATE_CONVERSATION_PER_SECOND), which a person never reaches and a
# client sending back to back now does (a turn takes about 35 ms). Turn times are unaffected.
LONG_CONVERSATION_TURNS_PER_SECOND = 8.0


async def long_conversation(url: str, turns: int = 200) -> tuple[float, float]:
    """Median turn time (ms) around turn 5 and around turn ``turns`` of one conversation."""
    took: list[float] = []
    gap = 1.0 / LONG_CONVERSATION_TURNS_PER_SECOND
    sender = fictitious_id()
    messages = ["Hej", "Hur följs HÖK upp?", "tack", "Vem sammankallar till lokala samverkansmöten?"]
    async with httpx.AsyncClient(timeout=60.0, verify=tls()) as client:
        for n in range(turns):
            start = time.perf_counter()
            response = await client.post(url, json={"sender": sender, "message": messages[n % len(messages)]})
            response.raise_for_status()
            took.append(time.perf_counter() - start)
            await asyncio.sleep(max(0.0, gap - took[-1]))
    early = statistics.median(took[2:8]) * 1000
    late = statistics.median(took[-6:]) * 1000
    return early, late


def measure(url: str, seconds: float, levels: tuple[int, ...]) -> list[Level]:
    asyncio.run(run_level(url, 4, 5))  # warm-up, not counted
    results = []
    for users in levels:
        level = asyncio.run(run_level(url, users, seconds))
        print(f"    {level.line()} (median {level.p(0.5):.0f} ms, {level.turns} turns)", flush=True)
        results.append(level)
    return results


@contextmanager
def default_profile(rasa: str, tmp: Path) -> Iterator[str]:
    env = {"HOK_DATABASE_URL": initialised(sqlite_url(tmp)), "HOK_SECRET_KEY": new_secret_key()}
    with running(
        rasa, 17105, 17155, tracker_db=tmp / "tracker.db", env=env, log_dir=tmp / "logs", report=print
    ) as s:
        yield f"{s.knowledge_url}/chat"


@contextmanager
def scaled_profile(rasa: str, tmp: Path) -> Iterator[str]:
    env = {"HOK_SECRET_KEY": new_secret_key()}
    tmp.chmod(0o755)  # PostgreSQL runs as the postgres user, who must reach its directory
    with running_scaled(rasa, tmp / "scaled", Ports.from_base(17200), env=env, report=print) as s:
        yield f"{s.front_url}/chat"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rasa", required=True)
    parser.add_argument("--profile", choices=("default", "scaled", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=20.0, help="per level")
    args = parser.parse_args(argv)
    profiles = ("scaled", "default") if args.profile == "both" else (args.profile,)
    table: dict[str, list[Level]] = {}
    long: dict[str, tuple[float, float]] = {}
    for profile in profiles:
        print(f"==> {profile} profile", flush=True)
        with tempfile.TemporaryDirectory(prefix="hok-load-") as tmp:
            start = default_profile if profile == "default" else scaled_profile
            with start(args.rasa, Path(tmp)) as url:
                table[profile] = measure(url, args.seconds, LEVELS)
                long[profile] = asyncio.run(long_conversation(url))
    print("\nprofile   users  turns/s  median ms  p95 ms  errors")
    for profile, levels in table.items():
        for level in levels:
            print(
                f"{profile:<9} {level.users:>5}  {level.turns / level.seconds:>7.1f}  {level.p(0.5):>9.0f}"
                f"  {level.p(0.95):>6.0f}  {level.errors:>6}"
            )
    for profile, (early, late) in long.items():
        ratio = late / early
        print(f"{profile}: one conversation, turn 5 {early:.0f} ms, turn 200 {late:.0f} ms ({ratio:.2f}×)")
    last = "default" if "default" in table else profiles[-1]
    print(next(level.line() for level in table[last] if level.users == 32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
