"""The launcher's configuration of Rasa: the Teams channel only when it is configured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from actions.launcher import (
    BOT_DIR,
    TEAMS_CHANNEL,
    Servers,
    credentials_file,
    rasa_environment,
    running,
    settings_for,
    teams_status,
)
from knowledge.settings import PROJECT_ROOT

TEAMS_ENV = {
    "HOK_TEAMS_APP_ID": "6f1c2d3e-4b5a-4c6d-8e7f-000000000001",  # fictitious
    "HOK_TEAMS_APP_PASSWORD": "fiktivt-testlosenord",
    "HOK_TEAMS_OPENID_URL": "http://127.0.0.1:9/openid",
    "HOK_TEAMS_TOKEN_URL": "http://127.0.0.1:9/token",
}
NO_TEAMS = {"HOK_TEAMS_APP_ID": "", "HOK_TEAMS_APP_PASSWORD": ""}


def test_by_default_only_the_rest_channel_is_configured(tmp_path):
    settings = settings_for(NO_TEAMS)
    assert not settings.teams_enabled
    credentials = yaml.safe_load(credentials_file(settings, tmp_path).read_text(encoding="utf-8"))
    assert credentials == {"rest": None}
    assert "HOK_TEAMS_APP_PASSWORD" not in rasa_environment({"PATH": "/usr/bin"}, settings)


def test_the_teams_channel_is_added_from_the_given_environment(tmp_path):
    settings = settings_for({"PATH": "/usr/bin", **TEAMS_ENV})
    assert settings.teams_enabled
    text = credentials_file(settings, tmp_path).read_text(encoding="utf-8")
    credentials = yaml.safe_load(text)
    assert set(credentials) == {"rest", TEAMS_CHANNEL}
    assert credentials[TEAMS_CHANNEL] == {
        "app_id": TEAMS_ENV["HOK_TEAMS_APP_ID"],
        # Rasa expands it from its environment: the secret is not written to disk.
        "app_password": "${HOK_TEAMS_APP_PASSWORD}",
        "openid_url": TEAMS_ENV["HOK_TEAMS_OPENID_URL"],
        "token_url": TEAMS_ENV["HOK_TEAMS_TOKEN_URL"],
    }
    assert "fiktivt-testlosenord" not in text
    assert "app_password: ${HOK_TEAMS_APP_PASSWORD}\n" in text  # a plain scalar, so Rasa expands it
    env = rasa_environment({"PYTHONPATH": "/elsewhere"}, settings)
    assert env["HOK_TEAMS_APP_PASSWORD"] == "fiktivt-testlosenord"
    assert env["PYTHONPATH"].split(os.pathsep) == [str(BOT_DIR), str(PROJECT_ROOT), "/elsewhere"]


def test_teams_needs_both_id_and_password():
    assert not settings_for({**TEAMS_ENV, "HOK_TEAMS_APP_PASSWORD": ""}).teams_enabled
    assert not settings_for({**TEAMS_ENV, "HOK_TEAMS_APP_ID": ""}).teams_enabled
    assert settings_for({k.lower(): v for k, v in TEAMS_ENV.items()}).teams_enabled  # as Settings: any case


def test_the_status_line_names_the_messaging_endpoint():
    on = Servers(
        "http://127.0.0.1:5005", "http://127.0.0.1:5055", "http://127.0.0.1:5005/webhooks/teams/webhook"
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
    with pytest.raises(OSError), running(str(tmp_path / "no-rasa"), 16495, 16496, log_dir=tmp_path):
        pass
    assert (tmp_path / "knowledge.log").exists()  # the knowledge service had been started
    assert _processes_with("HOK_KNOWLEDGE_PORT=16496") == []  # and is stopped, not left running
