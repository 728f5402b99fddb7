"""The scaled profile's servers from Debian's packages: PostgreSQL, Redis and nginx, each run in
the foreground under the supervisor, with their files under one directory (``.var/scaled/``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from actions.processes.supervisor import RotatingLog, Service

# What nginx answers, in Swedish, when the replica it chose fails while a turn is in flight.
UNAVAILABLE = "Assistenten kunde inte svara just nu (en server startas om). Försök igen om en stund."


def binary(name: str, package: str) -> str:
    """A server program of a Debian package; RuntimeError naming the package when it is missing."""
    candidates = [str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)]
    found = candidates + [p for p in (shutil.which(name), f"/usr/sbin/{name}") if p and Path(p).exists()]
    if not found:
        raise RuntimeError(f"{name} saknas: installera Debians paket {package} (`make {package}`).")
    return found[0]


def wait_for_port(host: str, port: int, seconds: float, service: Service) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not service.running():
            raise RuntimeError(f"{service.name} avslutades under starten; se dess logg")
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{service.name} lyssnade inte på port {port} inom {seconds:.0f} s")


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL cluster kept in ``data`` (created once), trusting loopback connections."""

    data: Path
    port: int
    host: str = "127.0.0.1"

    @property
    def user(self) -> str | None:
        return "postgres" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@{self.host}:{self.port}/{database}"

    def initialise(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.data, self.user)
        self.data.chmod(0o700)
        argv = [
            binary("initdb", "postgres"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
        ]
        subprocess.run(argv, check=True, capture_output=True, cwd="/", user=self.user)

    def service(self, log: RotatingLog, max_connections: int = 300) -> Service:
        socket_dir = self.data.parent / "pg-socket"
        socket_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(socket_dir, self.user)
        argv = [
            binary("postgres", "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(socket_dir),
            "-c", f"listen_addresses={self.host}", "-c", f"max_connections={max_connections}",
        ]  # fmt: skip
        return Service("PostgreSQL", argv, Path("/"), {"PATH": os.environ.get("PATH", "")}, log, self.port,
                       user=self.user)  # fmt: skip

    def create_database(self, name: str) -> bool:
        """Create ``name`` unless it exists; True when it was created."""
        import psycopg  # the knowledge service's driver

        dsn = f"host={self.host} port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
        return not exists


def redis_service(directory: Path, port: int, log: RotatingLog) -> Service:
    """Redis for Rasa's lock store: locks only, so nothing is written to disk."""
    directory.mkdir(parents=True, exist_ok=True)
    argv = [
        binary("redis-server", "redis"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--dir", str(directory),
    ]  # fmt: skip
    return Service("Redis", argv, directory, {"PATH": os.environ.get("PATH", "")}, log, port)


def nginx_config(
    prefix: Path,
    front_port: int,
    knowledge_ports: list[int],
    rasa_port: int,
    rasa_ports: list[int],
    host: str = "127.0.0.1",
) -> str:
    """nginx in front: ``front_port`` round-robin over the knowledge replicas (the one front door),
    ``rasa_port`` (loopback) round-robin over the Rasa replicas for the knowledge replicas. A
    replica that refuses connections is skipped (the turn goes to the other); a turn in flight on
    a replica that dies gets a Swedish 503. The access log has no query strings."""

    def upstream(name: str, ports: list[int]) -> str:
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in ports)
        return f"    upstream {name} {{\n{servers}\n        keepalive 32;\n    }}\n"

    unavailable = '{"detail": "' + UNAVAILABLE + '"}'

    def server(listen: str, target: str, read_timeout: int) -> str:
        return f"""    server {{
        listen {listen};
        location / {{
            proxy_pass http://{target};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout {read_timeout}s;
            error_page 502 504 =503 @unavailable;
        }}
        location @unavailable {{
            default_type "application/json; charset=utf-8";
            return 503 '{unavailable}';
        }}
    }}
"""

    temp = prefix / "tmp"
    blocks = upstream("knowledge", knowledge_ports) + upstream("rasa", rasa_ports)
    blocks += server(f"{host}:{front_port}", "knowledge", 90) + server(f"127.0.0.1:{rasa_port}", "rasa", 60)
    return f"""# Written by actions/processes/scaled.py for `make run-scaled`; edits are overwritten.
worker_processes 2;
error_log {prefix / "error.log"} warn;
pid {prefix / "nginx.pid"};
events {{ worker_connections 2048; }}
http {{
    log_format front '$remote_addr [$time_local] "$request_method $uri" $status $body_bytes_sent '
                     '$request_time $upstream_addr';
    access_log {prefix / "access.log"} front;
    client_max_body_size 1m;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    server_tokens off;
{blocks}}}
"""


def nginx_service(prefix: Path, config: str, port: int, log: RotatingLog) -> Service:
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(config, encoding="utf-8")
    argv = [binary("nginx", "nginx"), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
    return Service("nginx", argv, prefix, {"PATH": os.environ.get("PATH", "")}, log, port)
