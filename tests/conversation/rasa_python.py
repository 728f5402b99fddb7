"""Run a check script under Rasa's Python (Rasa is not importable from pytest's), with bot/ and
the project root importable as in the Rasa processes the launcher starts; its last output line
is JSON."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from knowledge.settings import PROJECT_ROOT
from tests.conversation.conftest import RASA


def run_in_rasa(script: str, *args: str, timeout: float = 600) -> dict[str, Any]:
    python = Path(RASA).with_name("python")
    assert python.exists(), f"no Rasa environment at {python}: run `make env`"
    argv = [str(python), str(Path(__file__).with_name(script)), *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(PROJECT_ROOT / "bot"), str(PROJECT_ROOT)))}
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=timeout, cwd=PROJECT_ROOT / "bot"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
