"""The shared dev set (../shared/eval/devset.yaml) and evaluation client (ask_bot.py)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from knowledge.settings import PROJECT_ROOT

DEVSET = PROJECT_ROOT.parent / "shared" / "eval" / "devset.yaml"
ASK_BOT = PROJECT_ROOT.parent / "shared" / "eval" / "ask_bot.py"


def load_ask_bot() -> ModuleType:
    """The shared evaluation client as a module, to judge replies exactly as it does."""
    spec = importlib.util.spec_from_file_location("ask_bot", ASK_BOT)
    assert spec and spec.loader, ASK_BOT
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
