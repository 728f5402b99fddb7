"""Every name and alias in the register, asked about through the running bot (generated from the register)."""

from __future__ import annotations

import pytest

from knowledge.registry import get_register
from knowledge.text import fold
from tests.conversation.conftest import answer_of

pytestmark = pytest.mark.integration


def _questions() -> list[tuple[str, str]]:
    cases = []
    for area in get_register().all():
        for alias in dict.fromkeys((area.name, *area.aliases)):
            cases.append((f"Vem är GSA i {alias}?", area.id))
            cases.append((f"vem ar ksa i {fold(alias)}", area.id))
    return cases


def test_every_alias_is_understood_as_its_area(assistant, capsys):
    cases = _questions()
    wrong = []
    for question, area_id in cases:
        got = answer_of(assistant.say(question)).get("area")
        if got != area_id:
            wrong.append((question, area_id, got))
    accuracy = 1 - len(wrong) / len(cases)
    with capsys.disabled():
        print(f"\narea recognition through the bot: {accuracy:.3f} over {len(cases)} questions")
    assert wrong == []
