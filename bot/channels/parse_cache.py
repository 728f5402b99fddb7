"""Rasa's NLU parse of a message text, remembered.

The NLU pipeline (tokenizer, featurizers, DIET, the entity extractors, the fallback classifier)
is a function of the model and the text alone: the same text always parses the same. Measured
under load it is the largest part of a turn in Rasa (about 13 ms of 35), and the messages people
send most are the same few texts: greetings, thanks, "ja"/"nej", an area's name in answer to
the form, the common questions. So the parse of a text is kept, for the loaded model, in a
bounded least-recently-used table, and a repeated text costs a copy instead of a parse.

Only what depends on nothing but the text is kept: the output properties (text, tokens, intent,
ranking, entities), never the message's id; a message with metadata is parsed as always.
A hit returns a copy, so nothing downstream can change what is kept. The texts kept are what the
channels pass on: already redacted, and in this process's memory only.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_SIZE = 4096
MAX_TEXT_CHARS = 2000  # the front door's own limit; a longer text is parsed, not kept


@dataclass
class ParseCache:
    size: int = DEFAULT_SIZE
    hits: int = 0
    misses: int = 0
    _kept: OrderedDict[tuple[str, str], dict[str, Any]] = field(default_factory=OrderedDict)

    def get(self, key: tuple[str, str]) -> dict[str, Any] | None:
        kept = self._kept.get(key)
        if kept is None:
            self.misses += 1
            return None
        self.hits += 1
        self._kept.move_to_end(key)
        return copy.deepcopy(kept)

    def put(self, key: tuple[str, str], parse: dict[str, Any]) -> None:
        self._kept[key] = copy.deepcopy(parse)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "kept": len(self._kept)}


_original = MessageProcessor._parse_message_with_graph
cache = ParseCache()


def _parse_message_with_graph(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    text = message.text
    # The full parse (only_output_properties=False) carries the message's id and metadata.
    if (
        not only_output_properties
        or message.metadata
        or not isinstance(text, str)
        or len(text) > MAX_TEXT_CHARS
    ):
        parse: dict[str, Any] = _original(self, message, tracker, only_output_properties)
        return parse
    key = (str(self.model_metadata.model_id), text)
    kept = cache.get(key)
    if kept is not None:
        return kept
    parse = _original(self, message, tracker, only_output_properties)
    cache.put(key, parse)
    return parse


def install(size: int = DEFAULT_SIZE) -> None:
    cache.size = size
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph  # type: ignore[method-assign]
