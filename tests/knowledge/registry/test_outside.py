"""Regions whose agreements the assistant does not have."""

from __future__ import annotations

import pytest

from knowledge.registry.outside import other_regions


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Hur ser samverkan ut i Region Uppsala?", "Region Uppsala"),
        ("har vastra gotalandsregionen en HÖK", "Västra Götalandsregionen"),
        ("och i Norrbotten?", "Region Norrbotten"),
        ("Vad gäller i Göteborg?", "Västra Götalandsregionen"),
    ],
)
def test_a_question_naming_another_region_is_recognised(text, region):
    assert other_regions().named_in(text) == region


@pytest.mark.parametrize("text", ["Vem är GSA i Farsta?", "Hur följs HÖK upp?", "Vad gäller i Skåne?"])
def test_stockholm_and_skane_are_not_other_regions(text):
    assert other_regions().named_in(text) is None
