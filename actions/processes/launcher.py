"""Start the knowledge service and the Rasa server together, wait until both answer, and keep them
running (actions/processes/supervisor.py: a busy port refused, a crashed server restarted with back-off,
logs appended, redacted and rotated).

Used by ``make run`` (``python -m actions.processes.launcher``), the scaled profile and the tests."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from actions.processes.supervisor import RotatingLog, Service, Supervisor, require_free
from knowledge.secrets import ServiceSecrets, new_secret_key
from knowledge.settings import PROJECT_ROOT, Settings

T = TypeVar("T")
BOT_DIR = PROJECT_ROOT / "bot"
# The Teams channel (bot/channels/teams.py), loaded by Rasa by module path with bot/ on PYTHONPATH.
TEAMS_CHANNEL = "channels.teams.TeamsInput"
TEAMS_WEBHOOK_PATH = "/webhooks/teams/webhook"
# Rasa expands ${VAR} in its credentials and endpoints files: secrets travel in Rasa's
# environment, not on disk.
TEAMS_PASSWORD_VARIABLE = "HOK_TEAMS_APP_PASSWORD"
CHANNEL_TOKEN_VARIABLE = "HOK_RASA_CHANNEL_TOKEN"
ACTION_SECRET_VARIABLE = "HOK_ACTION_SECRET"
ACTION_SECRET_HEADER = "X-HOK-Action-Secret"
# Rasa's REST channel behind the front door (bot/channels/frontdoor.py).
FRONT_DOOR_CHANNEL = "channels.frontdoor.FrontDoorInput"
SECRET_KEY_FILE = PROJECT_ROOT / ".var" / "secret.key"


@dataclass(frozen=True)
class Servers:
    rasa_url: str
    knowledge_url: str
    teams_webhook: str | None = None  # the Teams messaging endpoint on the front door, when enabled
    rasa_token: str = ""  # what the front door shows Rasa's REST channel (tests talk to Rasa too)
    supervisor: Supervisor | None = None


def secret_key(settings: Settings, path: Path = SECRET_KEY_FILE) -> str:
    """The configured secret key, else the one kept in ``path`` (created once, readable by the
    owner only), so conversation cookies stay valid across restarts."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_secret_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key


def endpoints_file(knowledge_port: int, tracker_db: Path | None, directory: Path) -> Path:
    """bot/endpoints.yml with the action endpoint (and optionally the tracker database) moved, and
    the action webhook's secret header (its value expanded by Rasa from its environment)."""
    config = yaml.safe_load((BOT_DIR / "endpoints.yml").read_text(encoding="utf-8")) or {}
    action = config.setdefault("action_endpoint", {})
    action["url"] = f"http://127.0.0.1:{knowledge_port}/webhook"
    action["headers"] = {ACTION_SECRET_HEADER: f"${{{ACTION_SECRET_VARIABLE}}}"}
    if tracker_db is not None and isinstance(config.get("tracker_store"), dict):
        config["tracker_store"]["db"] = str(tracker_db)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


LAUNCHER_SETTINGS = (
    "secret_key",
    "max_message_chars",
    "rasa_session_turns",
)  # besides teams_*: what the launcher uses


def settings_for(env: Mapping[str, str]) -> Settings:
    """Settings as the servers will see them: HOK_TEAMS_* values and those the launcher uses in
    ``env`` override the process environment and .env (names are case-insensitive, as in
    Settings)."""
    overrides: dict[str, Any] = {}
    for key, value in env.items():
        if not key.lower().startswith("hok_"):
            continue
        name = key.lower().removeprefix("hok_")
        if (name.startswith("teams_") or name in LAUNCHER_SETTINGS) and name in Settings.model_fields:
            overrides[name] = value
    return Settings(**overrides)


def credentials_file(settings: Settings, directory: Path) -> Path:
    """bot/credentials.yml (the front door's REST channel) plus, when Teams is enabled, the Teams
    channel; both with the message length limit of the settings."""
    config = yaml.safe_load((BOT_DIR / "credentials.yml").read_text(encoding="utf-8")) or {}
    config[FRONT_DOOR_CHANNEL] = {
        "token": f"${{{CHANNEL_TOKEN_VARIABLE}}}",
        "max_chars": settings.max_message_chars,
        "session_turns": settings.rasa_session_turns,
    }
    if settings.teams_enabled:
        config[TEAMS_CHANNEL] = {
            "app_id": settings.teams_app_id,
            "app_password": f"${{{TEAMS_PASSWORD_VARIABLE}}}",
            "openid_url": settings.teams_openid_url,
            "token_url": settings.teams_token_url,
            "max_chars": settings.max_message_chars,
        }
    path = directory / "credentials.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def rasa_environment(
    base_env: Mapping[str, str], settings: Settings, secrets: ServiceSecrets
) -> dict[str, str]:
    """Rasa's environment: bot/ importable (custom channels), and the project root so the channels
    can use knowledge/redact.py and knowledge/secrets.py (standard library only); the channel
    token, the action webhook's secret, and the Teams secret when enabled. The secret key itself
    stays with the knowledge service."""
    paths = (str(BOT_DIR), str(PROJECT_ROOT), base_env.get("PYTHONPATH", ""))
    python_path = os.pathsep.join(p for p in paths if p)
    rasa_env = {k: v for k, v in base_env.items() if k != "HOK_SECRET_KEY"}
    rasa_env.update(
        {
            "PYTHONPATH": python_path,
            CHANNEL_TOKEN_VARIABLE: secrets.rasa_channel_token,
            ACTION_SECRET_VARIABLE: secrets.action_secret,
        }
    )
    if settings.teams_enabled:
        rasa_env[TEAMS_PASSWORD_VARIABLE] = settings.teams_app_password.get_secret_value()
    return rasa_env


def wait_for(url: str, seconds: float, service: Service, headers: Mapping[str, str] | None = None) -> None:
    """Until ``url`` answers below 500 (for Rasa's channel: its model is loaded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not service.running():
            code = service.process.returncode if service.process else None
            raise RuntimeError(f"{service.name} avslutades med kod {code} under starten")
        try:
            request = urllib.request.Request(url, headers=dict(headers or {}))
            with urllib.request.urlopen(request, timeout=2) as resp:
                if resp.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{service.name} svarade inte på {url} inom {seconds:.0f} s")


def wait_for_model(rasa_url: str, seconds: float, service: Service, token: str) -> None:
    """Rasa's channel says it is ready once the model is loaded; a greeting must get a reply."""
    wait_for(f"{rasa_url}/webhooks/rest/", seconds, service)
    body = json.dumps({"sender": "readiness-probe", "message": "/greet"}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not service.running():
            raise RuntimeError(f"{service.name} avslutades medan modellen laddades")
        request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                if json.loads(resp.read() or b"[]"):
                    return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise RuntimeError(f"{service.name} laddade inte sin modell inom {seconds:.0f} s")


def _rasa_binary(rasa: str) -> str:
    # Rasa runs in bot/, so a relative path to its executable is resolved here first.
    return str(Path(rasa).resolve()) if Path(rasa).exists() else rasa


def rasa_service(
    name: str,
    rasa: str,
    port: int,
    endpoints: Path,
    credentials: Path,
    env: Mapping[str, str],
    log: RotatingLog,
) -> Service:
    argv = [
        _rasa_binary(rasa), "run", "--model", "models", "--endpoints", str(endpoints),
        "--credentials", str(credentials), "--port", str(port), "--interface", "127.0.0.1",
    ]  # fmt: skip
    return Service(name, argv, BOT_DIR, env, log, port)


def knowledge_service(
    name: str,
    port: int,
    rasa_url: str,
    env: Mapping[str, str],
    log: RotatingLog,
    tracker_url: str | None = None,
) -> Service:
    service_env = {**env, "HOK_KNOWLEDGE_PORT": str(port), "HOK_RASA_URL": rasa_url}
    if tracker_url:  # what the retention purge cleans besides the knowledge database
        service_env["HOK_TRACKER_STORE_URL"] = tracker_url
    return Service(name, [sys.executable, "-m", "actions"], PROJECT_ROOT, service_env, log, port)


@contextlib.contextmanager
def running(
    rasa: str,
    rasa_port: int = 5005,
    knowledge_port: int = 5055,
    tracker_db: Path | None = None,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    report: Callable[[str], None] = print,
) -> Iterator[Servers]:
    """Both servers, started and healthy, watched and restarted when one exits; stopped on exit.
    The Teams channel is on when the settings (with ``env`` applied) have a Teams app id and
    password. A busy port stops the start with PortBusyError before anything is started."""
    base_env = {**os.environ, **(env or {})}
    settings = settings_for(base_env)
    key = secret_key(settings)
    base_env["HOK_SECRET_KEY"] = key
    secrets = ServiceSecrets.from_key(key)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    knowledge_url = f"http://127.0.0.1:{knowledge_port}"
    teams_webhook = f"{knowledge_url}{TEAMS_WEBHOOK_PATH}" if settings.teams_enabled else None
    require_free("kunskapstjänsten", "127.0.0.1", knowledge_port)
    require_free("Rasa-servern", "127.0.0.1", rasa_port)
    with tempfile.TemporaryDirectory(prefix="hok-run-") as tmp:
        logs = log_dir or Path(tmp)
        endpoints = endpoints_file(knowledge_port, tracker_db, Path(tmp))
        credentials = credentials_file(settings, Path(tmp))
        supervisor = Supervisor(report)
        try:
            knowledge = supervisor.add(
                knowledge_service(
                    "kunskapstjänsten",
                    knowledge_port,
                    rasa_url,
                    base_env,
                    RotatingLog(logs / "knowledge.log"),
                    f"sqlite:///{tracker_db}" if tracker_db else None,
                )
            )
            rasa_proc = supervisor.add(
                rasa_service("Rasa-servern", rasa, rasa_port, endpoints, credentials,
                             rasa_environment(base_env, settings, secrets), RotatingLog(logs / "rasa.log"))
            )  # fmt: skip
            wait_for(f"{knowledge_url}/health/live", 180, knowledge)
            wait_for_model(rasa_url, 240, rasa_proc, secrets.rasa_channel_token)
            supervisor.watch()
            yield Servers(rasa_url, knowledge_url, teams_webhook, secrets.rasa_channel_token, supervisor)
        finally:
            supervisor.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def teams_status(servers: Servers) -> str:
    if servers.teams_webhook:
        return (
            "Microsoft Teams: på. Meddelandeslutpunkt för Azure Bot: "
            f"https://<publik värd>{TEAMS_WEBHOOK_PATH} (här: {servers.teams_webhook})."
        )
    return "Microsoft Teams: av (sätt HOK_TEAMS_APP_ID och HOK_TEAMS_APP_PASSWORD för att slå på)."


def say(line: str) -> None:
    """The supervisor's report to the operator's terminal, timed."""
    print(f"    {time.strftime('%H:%M:%S')} {line}", flush=True)


def serve(
    servers: contextlib.AbstractContextManager[T], ready: Callable[[T, float], list[str]], log_dir: Path
) -> int:
    """Start ``servers``, print ``ready(servers, seconds it took)``, and keep them running until
    Ctrl-C or SIGTERM (a service manager's stop, so every server is stopped too); the exit code."""
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with servers as running_servers:
            for line in ready(running_servers, time.monotonic() - started):
                print(line, flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, OSError) as exc:
        print(f"Starten misslyckades: {exc}. Se loggarna i {log_dir}.", file=sys.stderr)
        return 1
    return 0


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
            "Varning: Teams behöver både HOK_TEAMS_APP_ID och HOK_TEAMS_APP_PASSWORD; Teams är av.",
            file=sys.stderr,
        )
    print("==> startar kunskapstjänsten och Rasa-servern (loggar i .var/logs/) …", flush=True)

    def ready(servers: Servers, seconds: float) -> list[str]:
        return [
            f"    båda svarar efter {seconds:.0f} s",
            f"\nHÖK-assistenten är igång. Öppna chatten: {servers.knowledge_url}/",
            "Rasa lyssnar bara på 127.0.0.1 och svarar bara kunskapstjänsten. Ctrl-C stoppar båda.",
            teams_status(servers),
        ]

    return serve(
        running(args.rasa, args.rasa_port, args.knowledge_port, log_dir=log_dir, report=say), ready, log_dir
    )


if __name__ == "__main__":
    sys.exit(main())
