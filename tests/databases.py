"""Throwaway knowledge databases for tests: a SQLite file in tmp, or a database on a PostgreSQL
server (Debian's postgresql package) started for the test session in a temporary directory.

The PostgreSQL server is real: initdb into tmp, pg_ctl start on a free loopback port, one fresh
database per test. When running as root (CI), the server runs as the ``postgres`` user that
Debian's package creates, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

from knowledge.db import Database

BACKENDS = ("sqlite", "postgresql")


def _binary(name: str) -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    found = [str(c) for c in candidates] or [p for p in [shutil.which(name)] if p]
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is missing: run `make postgres` (Debian's postgresql).")
    return found[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A PostgreSQL cluster in a temporary directory, on loopback, trusting local connections."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hok-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        self.root.chmod(0o755)

    def _run(self, *argv: str) -> None:
        subprocess.run([*self._as_user, *argv], check=True, capture_output=True, cwd="/")

    def start(self) -> PostgresServer:
        self._run(_binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
        )
        log = str(self.root / "log")
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", log, "start")
        return self

    def stop(self) -> None:
        try:
            self._run(_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; its SQLAlchemy URL."""
        name = f"hok_test_{next(self._names)}"
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'var' / 'knowledge.db'}"


def initialised(url: str) -> str:
    """``url`` with every table created by the migrations."""
    Database(url).init()
    return url
