"""Starting, watching and restarting the servers' processes; their logs, redacted and rotated.

Used by the launcher (``make run``, ``make run-scaled``) and by the conversation tests."""

from __future__ import annotations

import errno
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from knowledge.redact import redact_line

LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
STABLE_SECONDS = 60.0  # a process that ran this long starts over at the first back-off


class PortBusyError(RuntimeError):
    """The port a server is to listen on is taken (the message is Swedish, for the operator)."""


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def require_free(name: str, host: str, port: int) -> None:
    if not port_free(host, port):
        raise PortBusyError(
            f"Porten {port} ({name}) är redan upptagen, kanske av en tidigare körning som inte "
            f"stoppats. Stoppa den (t.ex. `fuser -k {port}/tcp`) eller välj en annan port."
        )


class RotatingLog:
    """Appends lines to ``path``, redacted; at ``max_bytes`` the file moves to ``path.1`` (and
    ``.1`` to ``.2`` …, ``backups`` kept). Thread-safe: several processes' readers may share it."""

    def __init__(self, path: Path, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("a", encoding="utf-8")

    def write(self, line: str) -> None:
        with self._lock:
            self._file.write(redact_line(line))
            self._file.flush()
            if self._file.tell() >= self.max_bytes:
                self._rotate()

    def _rotate(self) -> None:
        self._file.close()
        for n in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{n + 1}"))
        if self.backups > 0:
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink()
        self._file = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        with self._lock:
            self._file.close()


@dataclass
class Service:
    """One server process to keep running."""

    name: str  # Swedish, shown to the operator: "kunskapstjänsten", "Rasa-servern (2)"
    argv: Sequence[str]
    cwd: Path
    env: Mapping[str, str]
    log: RotatingLog
    port: int
    host: str = "127.0.0.1"
    user: str | None = None  # run as this user (PostgreSQL refuses to run as root)
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    backoff: float = BACKOFF_FIRST_SECONDS
    _reader: threading.Thread | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} start: {self.name}\n")
        self.process = subprocess.Popen(
            list(self.argv), cwd=self.cwd, env=dict(self.env),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, user=self.user,
        )  # fmt: skip
        self.started_at = time.monotonic()
        self._reader = threading.Thread(target=self._copy_output, args=(self.process,), daemon=True)
        self._reader.start()

    def _copy_output(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            self.log.write(raw.decode("utf-8", "replace"))

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(2)  # SIGINT: both servers shut down cleanly on it
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)


class Supervisor:
    """Starts services, and restarts one that exits with growing back-off (1 s, 2 s, 4 s … 30 s),
    telling ``report`` (Swedish lines for the operator) what happened."""

    def __init__(self, report: Callable[[str], None] = print, poll_seconds: float = 0.5) -> None:
        self.services: list[Service] = []
        self.report = report
        self.poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, service: Service) -> Service:
        require_free(service.name, service.host, service.port)
        self.services.append(service)
        service.start()
        return service

    def watch(self) -> None:
        """Start watching (after the first start-up succeeded)."""
        self._thread = threading.Thread(target=self._watch, daemon=True, name="supervisor")
        self._thread.start()

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            for service in self.services:
                if service.process is None or service.process.poll() is None:
                    continue
                self._restart(service)

    def _restart(self, service: Service) -> None:
        code = service.process.returncode if service.process else None
        if time.monotonic() - service.started_at >= STABLE_SECONDS:
            service.backoff = BACKOFF_FIRST_SECONDS
        wait = service.backoff
        service.backoff = min(BACKOFF_MAX_SECONDS, service.backoff * 2)
        self.report(f"{service.name} stannade (kod {code}); startas om om {wait:.0f} s.")
        if self._stopping.wait(wait):
            return
        if not port_free(service.host, service.port):  # something else took the port: retry later
            self.report(f"Porten {service.port} är upptagen; {service.name} startas inte om än.")
            service.started_at = time.monotonic()
            return
        service.restarts += 1
        service.start()
        self.report(f"{service.name} startades om (gång {service.restarts}).")

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for service in reversed(self.services):
            service.stop()
        logs = {id(s.log): s.log for s in self.services}
        for log in logs.values():
            log.close()
