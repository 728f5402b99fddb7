"""Run by Rasa's Python (not pytest's): the trained model parses texts without and with
channels/parse_cache.py installed. Prints one JSON line: whether every parse through the cache
(the first and the repeated) equals the parse without it, whether changing a returned parse
changed what a later hit returns, and the cache's counts.

    python parse_cache_check.py MODEL_DIRECTORY
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from channels import parse_cache
from rasa.core.agent import load_agent
from rasa.core.channels.channel import UserMessage

TEXTS = [
    "Hej",
    "hej!",
    "Vem är GSA i Bromma?",
    "vem ar ksa i botkyrka",
    "Hur följs HÖK upp?",
    "Tack, det hjälpte",
    "ja",
    "nej",
    "Vem sammankallar till lokala samverkansmöten?",
    "/session_start",
]


async def parses(processor: Any) -> list[dict[str, Any]]:
    return [await processor.parse_message(UserMessage(text)) for text in TEXTS]


async def main() -> None:
    agent = await load_agent(model_path=sys.argv[1])
    processor = agent.processor
    plain = await parses(processor)
    parse_cache.install()
    first, again = await parses(processor), await parses(processor)
    same_again = again == plain
    again[2]["intent"]["name"] = "changed by a caller"
    again[2]["entities"].append({"entity": "area", "value": "changed"})
    third = await parses(processor)
    stats = parse_cache.cache.stats()
    with_metadata = await processor.parse_message(UserMessage("Hej", metadata={"x": 1}))
    print(
        json.dumps(
            {
                "same_first": first == plain,
                "same_repeated": same_again,
                "same_after_change": third == plain,
                "intents": [p["intent"]["name"] for p in plain],
                "stats": stats,
                "metadata_parsed": parse_cache.cache.stats() == stats  # not looked up, not kept
                and with_metadata["intent"]["name"] == plain[0]["intent"]["name"],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
