"""Start the knowledge service and the Rasa server together, wait until both answer.

Used by ``make run`` (``python -m actions.launcher``) and by the conversation tests."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.settings import PROJECT_ROOT, Settings

BOT_DIR = PROJECT_ROOT / "bot"
# The Teams channel (bot/channels/teams.py), loaded by Rasa by module path with bot/ on PYTHONPATH.
TEAMS_CHANNEL = "channels.teams.TeamsInput"
TEAMS_WEBHOOK_PATH = "/webhooks/teams/webhook"
# Rasa expands ${VAR} in its credentials file: the secret travels in Rasa's environment, not on disk.
TEAMS_PASSWORD_VARIABLE = "HOK_TEAMS_APP_PASSWORD"


@dataclass(frozen=True)
class Servers:
    rasa_url: str
    knowledge_url: str
    teams_webhook: str | None = None  # the Teams messaging endpoint on the Rasa server, when enabled


def endpoints_file(knowledge_port: int, tracker_db: Path | None, directory: Path) -> Path:
    """bot/endpoints.yml with the action endpoint (and optionally the tracker database) moved."""
    config = yaml.safe_load((BOT_DIR / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config.setdefault("action_endpoint", {})["url"] = f"http://127.0.0.1:{knowledge_port}/webhook"
    if tracker_db is not None and isinstance(config.get("tracker_store"), dict):
        config["tracker_store"]["db"] = str(tracker_db)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def settings_for(env: Mapping[str, str]) -> Settings:
    """Settings as the servers will see them: HOK_TEAMS_* values in ``env`` override the process
    environment and .env (env prefix and names are case-insensitive, as in Settings)."""
    overrides: dict[str, Any] = {}
    for key, value in env.items():
        name = key.lower().removeprefix("hok_")
        if key.lower().startswith("hok_teams_") and name in Settings.model_fields:
            overrides[name] = value
    return Settings(**overrides)


def credentials_file(settings: Settings, directory: Path) -> Path:
    """bot/credentials.yml (the REST channel) plus, when Teams is enabled, the Teams channel."""
    config = yaml.safe_load((BOT_DIR / "credentials.yml").read_text(encoding="utf-8")) or {}
    if settings.teams_enabled:
        config[TEAMS_CHANNEL] = {
            "app_id": settings.teams_app_id,
            "app_password": f"${{{TEAMS_PASSWORD_VARIABLE}}}",
            "openid_url": settings.teams_openid_url,
            "token_url": settings.teams_token_url,
        }
    path = directory / "credentials.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def rasa_environment(base_env: Mapping[str, str], settings: Settings) -> dict[str, str]:
    """Rasa's environment: bot/ importable (custom channels), and the project root so the Teams
    channel can use knowledge/redact.py (standard library only); the Teams secret when enabled."""
    paths = (str(BOT_DIR), str(PROJECT_ROOT), base_env.get("PYTHONPATH", ""))
    python_path = os.pathsep.join(p for p in paths if p)
    rasa_env = {**base_env, "PYTHONPATH": python_path}
    if settings.teams_enabled:
        rasa_env[TEAMS_PASSWORD_VARIABLE] = settings.teams_app_password.get_secret_value()
    return rasa_env


def wait_for(url: str, seconds: float, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {seconds:.0f} s")


def wait_for_model(rasa_url: str, seconds: float, process: subprocess.Popen[bytes]) -> None:
    """Rasa's REST channel answers before its model is loaded (it then drops messages): wait
    until a greeting gets a reply."""
    body = json.dumps({"sender": "readiness-probe", "message": "/greet"}).encode()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Rasa server exited with code {process.returncode} while loading its model")
        request = urllib.request.Request(
            f"{rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                if json.loads(resp.read() or b"[]"):
                    return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise RuntimeError(f"Rasa did not load its model within {seconds:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(
    rasa: str,
    rasa_port: int = 5005,
    knowledge_port: int = 5055,
    tracker_db: Path | None = None,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
) -> Iterator[Servers]:
    """Both servers, started and healthy; stopped on exit. The Teams channel is on when the
    settings (with ``env`` applied) have a Teams app id and password."""
    base_env = {**os.environ, **(env or {})}
    settings = settings_for(base_env)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    knowledge_url = f"http://127.0.0.1:{knowledge_port}"
    knowledge_env = {**base_env, "HOK_KNOWLEDGE_PORT": str(knowledge_port), "HOK_RASA_URL": rasa_url}
    teams_webhook = f"{rasa_url}{TEAMS_WEBHOOK_PATH}" if settings.teams_enabled else None
    with tempfile.TemporaryDirectory(prefix="hok-run-") as tmp:
        logs = log_dir or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        endpoints = endpoints_file(knowledge_port, tracker_db, Path(tmp))
        credentials = credentials_file(settings, Path(tmp))
        k_log = (logs / "knowledge.log").open("wb")
        r_log = (logs / "rasa.log").open("wb")
        # Rasa runs in bot/, so a relative path to its executable is resolved here first.
        rasa_bin = str(Path(rasa).resolve()) if Path(rasa).exists() else rasa
        knowledge = subprocess.Popen(
            [sys.executable, "-m", "actions"], cwd=PROJECT_ROOT, env=knowledge_env, stdout=k_log, stderr=k_log
        )
        rasa_proc: subprocess.Popen[bytes] | None = None
        try:
            rasa_proc = subprocess.Popen(
                [rasa_bin, "run", "--model", "models", "--endpoints", str(endpoints), "--credentials",
                 str(credentials), "--port", str(rasa_port), "--interface", "127.0.0.1"],
                cwd=BOT_DIR, env=rasa_environment(base_env, settings), stdout=r_log, stderr=r_log,
            )  # fmt: skip
            wait_for(f"{knowledge_url}/health", 180, knowledge, "knowledge service")
            wait_for(f"{rasa_url}/webhooks/rest/", 180, rasa_proc, "Rasa server")
            wait_for_model(rasa_url, 180, rasa_proc)
            yield Servers(rasa_url, knowledge_url, teams_webhook)
        finally:
            if rasa_proc is not None:
                _stop(rasa_proc)
            _stop(knowledge)
            k_log.close()
            r_log.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def teams_status(servers: Servers) -> str:
    if servers.teams_webhook:
        return (
            "Microsoft Teams: på. Meddelandeslutpunkt för Azure Bot: "
            f"https://<publik värd>{TEAMS_WEBHOOK_PATH} (här: {servers.teams_webhook})."
        )
    return "Microsoft Teams: av (sätt HOK_TEAMS_APP_ID och HOK_TEAMS_APP_PASSWORD för att slå på)."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa", required=True, help="path to the rasa executable")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--knowledge-port", type=int, default=5055)
    args = parser.parse_args(argv)
    log_dir = PROJECT_ROOT / ".var" / "logs"
    teams = settings_for(os.environ)
    if bool(teams.teams_app_id) != bool(teams.teams_app_password.get_secret_value()):
        print(
            "warning: Teams needs both HOK_TEAMS_APP_ID and HOK_TEAMS_APP_PASSWORD; it stays off.",
            file=sys.stderr,
        )
    print("==> starting the knowledge service and the Rasa server (logs in .var/logs/) …", flush=True)
    # A service manager stops with SIGTERM: treat it as Ctrl-C, so both servers are stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with running(args.rasa, args.rasa_port, args.knowledge_port, log_dir=log_dir) as servers:
            print(f"\nHÖK-assistenten är igång. Öppna chatten: {servers.knowledge_url}/", flush=True)
            print(f"(Rasa REST: {servers.rasa_url}/webhooks/rest/webhook). Ctrl-C stoppar båda.", flush=True)
            print(teams_status(servers), flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(1)
    except (RuntimeError, OSError) as exc:
        print(f"start failed: {exc}. See {log_dir}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
