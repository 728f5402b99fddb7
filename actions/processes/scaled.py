"""The scaled profile on one machine (``make run-scaled``): PostgreSQL (the knowledge database and
Rasa's tracker store), Redis (Rasa's lock store), two Rasa replicas, two knowledge-service
replicas and nginx in front as the one front door, round-robin, all supervised.

    client ─▶ nginx :5055 ─▶ knowledge :5155 | :5156 ─▶ nginx :5085 (loopback) ─▶ Rasa :5105 | :5106
                  ▲                                                                  │
                  └──────────────── /webhook (Rasa's secret) ◀──────────────────────┘

Every replica is stateless apart from PostgreSQL and Redis, so any turn may land on any replica.
Files live in ``.var/scaled/`` (the PostgreSQL cluster is created there once and kept)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.processes.infra import Postgres, nginx_config, nginx_service, redis_service, wait_for_port
from actions.processes.launcher import (
    ACTION_SECRET_HEADER,
    ACTION_SECRET_VARIABLE,
    credentials_file,
    knowledge_service,
    rasa_environment,
    rasa_service,
    say,
    secret_key,
    serve,
    settings_for,
    wait_for,
    wait_for_model,
)
from actions.processes.supervisor import RotatingLog, Supervisor, require_free
from knowledge.db import Database
from knowledge.secrets import ServiceSecrets
from knowledge.settings import PROJECT_ROOT

SCALED_DIR = PROJECT_ROOT / ".var" / "scaled"
KNOWLEDGE_DATABASE = "hok_knowledge"
TRACKER_DATABASE = "hok_tracker"

# Rasa's own Redis lock store issues tickets non-atomically, so two replicas taking a turn of one
# conversation at the same instant both ran it (bot/stores/locks.py).
LOCK_STORE = "stores.locks.AtomicRedisLockStore"
# Rasa's SQL tracker store, cheaper per turn, storing every event of a turn (bot/stores/trackers.py).
TRACKER_STORE = "stores.trackers.LeanSQLTrackerStore"


@dataclass(frozen=True)
class Ports:
    front: int = 5055  # nginx: the one front door
    rasa_front: int = 5085  # nginx, loopback: the knowledge replicas' way to Rasa
    knowledge: tuple[int, ...] = (5155, 5156)
    rasa: tuple[int, ...] = (5105, 5106)
    postgres: int = 55432
    redis: int = 56379

    @classmethod
    def from_base(cls, base: int) -> Ports:
        """Ports base … base+9, for tests beside a running assistant."""
        return cls(base, base + 1, (base + 2, base + 3), (base + 4, base + 5), base + 6, base + 7)

    def all(self) -> list[tuple[str, int]]:
        named = [("nginx", self.front), ("nginx (Rasa)", self.rasa_front), ("PostgreSQL", self.postgres)]
        named += [("Redis", self.redis)]
        named += [(f"kunskapstjänsten ({n})", p) for n, p in enumerate(self.knowledge, 1)]
        return named + [(f"Rasa-servern ({n})", p) for n, p in enumerate(self.rasa, 1)]


@dataclass(frozen=True)
class Scaled:
    front_url: str
    rasa_urls: tuple[str, ...]
    knowledge_urls: tuple[str, ...]
    rasa_token: str
    database_url: str  # the knowledge database (PostgreSQL)
    tracker_url: str  # Rasa's tracker store (PostgreSQL), as a SQLAlchemy URL
    supervisor: Supervisor = field(repr=False)


def scaled_endpoints(front_url: str, postgres: Postgres, redis_port: int, directory: Path) -> Path:
    """Rasa's endpoints: actions through the front door with Rasa's secret, conversations in
    PostgreSQL, locks in Redis (so two replicas serialise the turns of one conversation)."""
    config = {
        "action_endpoint": {
            "url": f"{front_url}/webhook",
            "headers": {ACTION_SECRET_HEADER: f"${{{ACTION_SECRET_VARIABLE}}}"},
        },
        "tracker_store": {
            "type": TRACKER_STORE,
            "dialect": "postgresql",
            "url": postgres.host,
            "port": postgres.port,
            "db": TRACKER_DATABASE,
            "username": "postgres",
        },
        "lock_store": {"type": LOCK_STORE, "url": "127.0.0.1", "port": redis_port, "db": 1},
    }
    path = directory / "endpoints-scaled.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def prepare_knowledge_database(postgres: Postgres, root: Path) -> str:
    """The knowledge database on PostgreSQL: created (and migrated) the first time, migrated with
    its rows kept later; gone after it was created once is an error, never a new empty one."""
    url = postgres.url(KNOWLEDGE_DATABASE)
    mark = root / ".knowledge-db-created"
    created = postgres.create_database(KNOWLEDGE_DATABASE)
    if created and mark.exists():
        raise RuntimeError(
            f"Kunskapsdatabasen {KNOWLEDGE_DATABASE} i PostgreSQL ({postgres.data}) har försvunnit sedan "
            "den skapades. Återställ den från en säkerhetskopia (python -m knowledge import) eller ta bort "
            f"{mark} för att börja om med en tom databas."
        )
    database = Database(url)
    database.init() if created else database.upgrade()
    mark.touch()
    return url


@contextlib.contextmanager
def running_scaled(
    rasa: str,
    root: Path = SCALED_DIR,
    ports: Ports = Ports(),
    env: Mapping[str, str] | None = None,
    report: Callable[[str], None] = print,
) -> Iterator[Scaled]:
    base_env = {**os.environ, **(env or {})}
    settings = settings_for(base_env)
    key = secret_key(settings)
    base_env["HOK_SECRET_KEY"] = key
    secrets = ServiceSecrets.from_key(key)
    for name, port in ports.all():
        require_free(name, "127.0.0.1", port)
    logs = root / "logs"
    front_url = f"http://127.0.0.1:{ports.front}"
    supervisor = Supervisor(report)
    with tempfile.TemporaryDirectory(prefix="hok-scaled-") as tmp:
        try:
            postgres = Postgres(root / "postgres" / "data", ports.postgres)
            postgres.initialise()
            pg = supervisor.add(postgres.service(RotatingLog(logs / "postgres.log")))
            wait_for_port("127.0.0.1", ports.postgres, 60, pg)
            database_url = prepare_knowledge_database(postgres, root)
            postgres.create_database(TRACKER_DATABASE)
            tracker_url = postgres.url(TRACKER_DATABASE)
            redis = supervisor.add(
                redis_service(root / "redis", ports.redis, RotatingLog(logs / "redis.log"))
            )
            wait_for_port("127.0.0.1", ports.redis, 30, redis)

            endpoints = scaled_endpoints(front_url, postgres, ports.redis, Path(tmp))
            credentials = credentials_file(settings, Path(tmp))
            # A lock a killed replica held frees itself this soon (Rasa's default: 60 s, longer than a
            # waiting turn's time-out), so the conversation goes on at the other replica.
            rasa_env = {**rasa_environment(base_env, settings, secrets), "TICKET_LOCK_LIFETIME": "10"}
            knowledge_env = {**base_env, "HOK_DATABASE_URL": database_url}
            rasa_front = f"http://127.0.0.1:{ports.rasa_front}"
            rasas = [
                rasa_service(f"Rasa-servern ({n})", rasa, port, endpoints, credentials, rasa_env,
                             RotatingLog(logs / f"rasa-{n}.log"))
                for n, port in enumerate(ports.rasa, 1)
            ]  # fmt: skip
            # The first Rasa creates the tracker store's tables; the others start once it has.
            supervisor.add(rasas[0])
            knowledge = [
                supervisor.add(knowledge_service(f"kunskapstjänsten ({n})", port, rasa_front, knowledge_env,
                                                 RotatingLog(logs / f"knowledge-{n}.log"), tracker_url))
                for n, port in enumerate(ports.knowledge, 1)
            ]  # fmt: skip
            config = nginx_config(
                root / "nginx", ports.front, list(ports.knowledge), ports.rasa_front, list(ports.rasa)
            )
            nginx = supervisor.add(
                nginx_service(root / "nginx", config, ports.front, RotatingLog(logs / "nginx.log"))
            )
            wait_for_port("127.0.0.1", ports.front, 30, nginx)
            wait_for_model(f"http://127.0.0.1:{rasas[0].port}", 300, rasas[0], secrets.rasa_channel_token)
            for service in rasas[1:]:
                supervisor.add(service)
            for service in knowledge:
                wait_for(f"http://127.0.0.1:{service.port}/health/live", 240, service)
            for service in rasas[1:]:
                wait_for_model(f"http://127.0.0.1:{service.port}", 300, service, secrets.rasa_channel_token)
            supervisor.watch()
            yield Scaled(
                front_url,
                tuple(f"http://127.0.0.1:{p}" for p in ports.rasa),
                tuple(f"http://127.0.0.1:{p}" for p in ports.knowledge),
                secrets.rasa_channel_token,
                database_url,
                tracker_url,
                supervisor,
            )
        finally:
            supervisor.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rasa", required=True, help="path to the rasa executable")
    args = parser.parse_args(argv)
    print("==> startar PostgreSQL, Redis, två Rasa-servrar, två kunskapstjänster och nginx "
          f"(loggar i {SCALED_DIR / 'logs'}) …", flush=True)  # fmt: skip

    def ready(scaled: Scaled, seconds: float) -> list[str]:
        return [
            f"    alla svarar efter {seconds:.0f} s",
            f"\nHÖK-assistenten (skalad) är igång. Öppna chatten: {scaled.front_url}/",
            "nginx fördelar på två kunskapstjänster och två Rasa-servrar. Ctrl-C stoppar allt.",
        ]

    return serve(running_scaled(args.rasa, report=say), ready, SCALED_DIR / "logs")


if __name__ == "__main__":
    sys.exit(main())
