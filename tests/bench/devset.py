"""The shared dev set (../shared/eval/devset.yaml) and evaluation client."""

from __future__ import annotations

from knowledge.settings import PROJECT_ROOT

DEVSET = PROJECT_ROOT.parent / "shared" / "eval" / "devset.yaml"
ASK_BOT = PROJECT_ROOT.parent / "shared" / "eval" / "ask_bot.py"
