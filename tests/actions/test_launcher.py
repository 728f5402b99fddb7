"""The launcher's configuration of Rasa: the Teams channel only when it is configured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from actions.processes.launcher import (
    BOT_DIR,
    FRONT_DOOR_CHANNEL,
    TEAMS_CHANNEL,
    Servers,
    credentials_file,
    endpoints_file,
    rasa_environment,
    running,
    secret_key,
    settings_for,
    teams_status,
)
from knowledge.secrets import ServiceSecrets
from knowledge.settings import PROJECT_ROOT
from tests.conftest import TEST_SECRET_KEY

TEAMS_ENV = {
    "HOK_TEAMS_APP_ID": "6f1c2d3e-4b5a-4c6d-8e7f-000000000001",  # fictitious
    "HOK_TEAMS_APP_PASSWORD": "fiktivt-testlosenord",
    "HOK_TEAMS_OPENID_URL": "http://127.0.0.1:9/openid",
    "HOK_TEAMS_TOKEN_URL": "http://127.0.0.1:9/token",
}
NO_TEAMS = {"HOK_TEAMS_APP_ID": "", "HOK_TEAMS_APP_PASSWORD": "", "HOK_SECRET_KEY": ""}
SECRETS = ServiceSecrets.from_key(TEST_SECRET_KEY)


def test_by_default_only_the_rest_channel_is_configured(tmp_path):
    settings = settings_for(NO_TEAMS)
    assert not settings.teams_enabled
    credentials = yaml.safe_load(credentials_file(settings, tmp_path).read_text(encoding="utf-8"))
    # Only the front door's REST channel, which takes its token from Rasa's environment.
    assert credentials == {
        FRONT_DOOR_CHANNEL: {"token": "${HOK_RASA_CHANNEL_TOKEN}", "max_chars": 2000, "session_turns": 10}
    }
    env = rasa_environment({"PATH": "/usr/bin", "HOK_SECRET_KEY": "k" * 20}, settings, SECRETS)
    assert "HOK_TEAMS_APP_PASSWORD" not in env
    assert env["HOK_RASA_CHANNEL_TOKEN"] == SECRETS.rasa_channel_token
    assert env["HOK_ACTION_SECRET"] == SECRETS.action_secret
    assert "HOK_SECRET_KEY" not in env  # the key itself stays with the knowledge service


def test_rasa_shows_the_action_webhook_its_secret_from_its_environment(tmp_path):
    endpoints = yaml.safe_load(endpoints_file(5055, None, tmp_path).read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"] == {
        "url": "http://127.0.0.1:5055/webhook",
        "headers": {"X-HOK-Action-Secret": "${HOK_ACTION_SECRET}"},
    }


def test_the_secret_key_is_kept_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "secret.key"
    key = secret_key(settings_for(NO_TEAMS), path)
    assert len(key) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert secret_key(settings_for(NO_TEAMS), path) == key  # the same at the next start
    assert secret_key(settings_for({**NO_TEAMS, "HOK_SECRET_KEY": "x" * 32}), path) == "x" * 32


def test_the_teams_channel_is_added_from_the_given_environment(tmp_path):
    settings = settings_for({"PATH": "/usr/bin", **TEAMS_ENV})
    assert settings.teams_enabled
    text = credentials_file(settings, tmp_path).read_text(encoding="utf-8")
    credentials = yaml.safe_load(text)
    assert set(credentials) == {FRONT_DOOR_CHANNEL, TEAMS_CHANNEL}
    assert credentials[TEAMS_CHANNEL] == {
        "app_id": TEAMS_ENV["HOK_TEAMS_APP_ID"],
        # Rasa expands it from its environment: the secret is not written to disk.
        "app_password": "${HOK_TEAMS_APP_PASSWORD}",
        "openid_url": TEAMS_ENV["HOK_TEAMS_OPENID_URL"],
        "token_url": TEAMS_ENV["HOK_TEAMS_TOKEN_URL"],
        "max_chars": 2000,
    }
    assert "fiktivt-testlosenord" not in text
    assert "app_password: ${HOK_TEAMS_APP_PASSWORD}\n" in text  # a plain scalar, so Rasa expands it
    env = rasa_environment({"PYTHONPATH": "/elsewhere"}, settings, SECRETS)
    assert env["HOK_TEAMS_APP_PASSWORD"] == "fiktivt-testlosenord"
    assert env["PYTHONPATH"].split(os.pathsep) == [str(BOT_DIR), str(PROJECT_ROOT), "/elsewhere"]


def test_teams_needs_both_id_and_password():
    assert not settings_for({**TEAMS_ENV, "HOK_TEAMS_APP_PASSWORD": ""}).teams_enabled
    assert not settings_for({**TEAMS_ENV, "HOK_TEAMS_APP_ID": ""}).teams_enabled
    assert settings_for({k.lower(): v for k, v in TEAMS_ENV.items()}).teams_enabled  # as Settings: any case


def test_the_status_line_names_the_messaging_endpoint():
    on = Servers(
        "http://127.0.0.1:5005", "http://127.0.0.1:5055", "http://127.0.0.1:5055/webhooks/teams/webhook"
    )
    assert "https://<publik värd>/webhooks/teams/webhook" in teams_status(on)
    assert "på" in teams_status(on)
    assert "av" in teams_status(Servers("http://127.0.0.1:5005", "http://127.0.0.1:5055"))


def _processes_with(variable: str) -> list[int]:
    """Live processes whose environment holds ``variable`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and variable.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_missing_rasa_executable_stops_the_knowledge_service_too(tmp_path):
    env = {"HOK_SECRET_KEY": TEST_SECRET_KEY}
    with pytest.raises(OSError), running(str(tmp_path / "no-rasa"), 16495, 16496, env=env, log_dir=tmp_path):
        pass
    assert (tmp_path / "knowledge.log").exists()  # the knowledge service had been started
    assert _processes_with("HOK_KNOWLEDGE_PORT=16496") == []  # and is stopped, not left running
