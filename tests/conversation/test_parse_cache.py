"""The NLU parse cache (bot/channels/parse_cache.py) with the trained model in Rasa's Python: a
repeated text gets exactly the parse a fresh one gets, a caller changing a parse it was given
does not change what the next hit returns, and a message with metadata is parsed afresh."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conversation.conftest import RASA_MODEL
from tests.conversation.rasa_python import run_in_rasa

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def check() -> dict[str, Any]:
    assert RASA_MODEL.exists(), "no trained Rasa model: run `make train`"
    return run_in_rasa("parse_cache_check.py", str(RASA_MODEL.parent))


def test_a_repeated_text_parses_as_a_fresh_one(check: dict[str, Any]):
    assert check["same_first"] is True
    assert check["same_repeated"] is True
    assert check["intents"][0] != check["intents"][2]  # the texts are really parsed, not echoed
    texts = len(check["intents"])
    assert check["stats"] == {"hits": 2 * texts, "misses": texts, "kept": texts}  # 1st, 2nd, 3rd pass


def test_a_caller_cannot_change_what_is_kept(check: dict[str, Any]):
    assert check["same_after_change"] is True


def test_a_message_with_metadata_is_parsed_afresh(check: dict[str, Any]):
    assert check["metadata_parsed"] is True
