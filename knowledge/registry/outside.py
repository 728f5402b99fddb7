"""Regions no agreement of the assistant covers (``other_regions.yaml``), to recognise a
question about another region's agreements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.text import fold

OTHER_REGIONS_PATH = Path(__file__).with_name("other_regions.yaml")


@dataclass(frozen=True)
class OtherRegions:
    names: dict[str, str]  # folded place or region name -> the region's name

    def named_in(self, text: str) -> str | None:
        """The region outside the agreements that ``text`` names, or None."""
        folded = fold(text)
        for place in sorted(self.names, key=len, reverse=True):
            if re.search(rf"(?<!\w){re.escape(place)}s?(?!\w)", folded):
                return self.names[place]
        return None


@lru_cache(maxsize=1)
def other_regions(path: Path = OTHER_REGIONS_PATH) -> OtherRegions:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names: dict[str, str] = {}
    for region in data.get("regions", []):
        for place in [region["name"], *region.get("places", [])]:
            names[fold(place)] = region["name"]
    return OtherRegions(names)
