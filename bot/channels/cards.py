"""What a turn looks like in Microsoft Teams: pure functions, standard library only.

Imported by the Teams channel in Rasa's environment (Python 3.10) and by the unit tests in the
knowledge service's environment (Python 3.11), so it must not import rasa.

Decisions about text:
- Incoming text: Teams wraps mentions in ``<at>…</at>`` and may send HTML entities (``&nbsp;``);
  both are removed before the text reaches NLU.
- Outgoing plain messages are sent with ``textFormat: plain``: Teams then shows the text as is,
  neither markdown nor HTML is interpreted.
- Adaptive Card TextBlocks are always markdown-processed (bold, italic, lists, links) and have no
  switch to turn that off. Bot text may echo what a user typed, so the characters that start those
  constructs are backslash-escaped (CommonMark escapes, honoured by Teams); everything else, such
  as Swedish punctuation, passes unchanged. HTML is never rendered in cards, so it needs nothing.
- Links: an http(s) URL in an answer's text becomes a markdown link to itself (the process lead
  may put links in curated answers); nothing else becomes a link, and sources' titles and
  excerpts stay literal text.
- Line breaks: a single newline does not break a line in card markdown, so every line becomes its
  own TextBlock (no extra spacing inside a paragraph, normal spacing between paragraphs).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
HERO_CARD = "application/vnd.microsoft.card.hero"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
CARD_LANGUAGE = "sv"

# Swedish wording shown in cards.
SOURCES_HEADING = "Källor"
SOURCES_ACTION = "Källor ({count})"

EXCERPT_CHARS = 240
# Teams shows at most six actions in one row; several rows (ActionSets) hold more.
ACTIONS_PER_SET = 5

_MENTION = re.compile(r"<at(?:\s[^>]*)?>.*?</at>", re.IGNORECASE | re.DOTALL)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_WHITESPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?])")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_MARKDOWN_CHARACTERS = re.compile(r"([\\*_\[\]])")
_LIST_MARKER = re.compile(r"^(\s*)(\d+)([.)]\s)|^(\s*)([-+])(\s)")
_URL = re.compile(r"\bhttps?://[^\s<>\"'”’]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}”’»"  # punctuation after a URL in a sentence, not part of it


def strip_mentions(text: str) -> str:
    """The user's words without ``<at>…</at>`` mentions, HTML entities or surplus whitespace."""
    without_mentions = _MENTION.sub(" ", text)
    plain = html.unescape(without_mentions).translate(_INVISIBLE)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _WHITESPACE.sub(" ", plain)).strip(" ,")


def escape_markdown(line: str) -> str:
    """One line of text for a TextBlock, shown literally: emphasis, links and list markers escaped."""
    escaped = _MARKDOWN_CHARACTERS.sub(r"\\\1", line)
    return _LIST_MARKER.sub(_escape_list_marker, escaped, count=1)


def _escape_list_marker(match: re.Match[str]) -> str:
    if match.group(2) is not None:  # "1. " or "1) "
        return f"{match.group(1)}{match.group(2)}\\{match.group(3)}"
    return f"{match.group(4)}\\{match.group(5)}{match.group(6)}"


def url_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the http(s) URLs in ``text`` start and end, without the punctuation that follows
    them in a sentence (a closing parenthesis is kept when the URL opened one)."""
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
                break
            end -= 1
        if urlsplit(text[start:end]).hostname:
            yield start, end


def markdown_with_links(line: str) -> str:
    """One line of answer text for a TextBlock: literal, as :func:`escape_markdown`, except that
    each http(s) URL is a link to itself."""
    parts: list[str] = []
    done = 0
    for start, end in url_spans(line):
        parts.append(_escaped(line[done:start], at_line_start=done == 0))
        url = line[start:end]
        target = quote(url, safe="/:?#=&%+,;@!$'*~-._")  # parentheses, brackets and spaces encoded
        parts.append(f"[{_escaped(url, at_line_start=False)}]({target})")
        done = end
    parts.append(_escaped(line[done:], at_line_start=done == 0))
    return "".join(parts)


def _escaped(text: str, at_line_start: bool) -> str:
    return escape_markdown(text) if at_line_start else _MARKDOWN_CHARACTERS.sub(r"\\\1", text)


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Wrapping TextBlocks, one per line, so line breaks and paragraphs survive."""
    blocks: list[dict[str, Any]] = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            text_block = markdown_with_links(line.strip())
            block: dict[str, Any] = {"type": "TextBlock", "text": text_block, "wrap": True}
            if index:
                block["spacing"] = "None"
            blocks.append(block)
    return blocks


def button_action(button: Mapping[str, Any]) -> dict[str, Any] | None:
    """A Rasa button as an Adaptive Card action.

    A text payload becomes ``imBack``: Teams posts it in the chat as the user's message. A Rasa
    intent payload (``/affirm``) becomes ``messageBack``: the bot gets the payload while the chat
    shows the button's title, so staff never see ``/affirm``. A ``web_url`` button opens its URL."""
    title = str(button.get("title") or "").strip()
    url = str(button.get("url") or "").strip()
    if button.get("type") == "web_url" and url.startswith(("https://", "http://")):
        return {"type": "Action.OpenUrl", "title": title or url, "url": url}
    payload = str(button.get("payload") or title).strip()
    if not payload:
        return None
    if payload.startswith("/"):
        msteams = {"type": "messageBack", "displayText": title or payload, "text": payload}
    else:
        msteams = {"type": "imBack", "value": payload}
    return {"type": "Action.Submit", "title": title or payload, "data": {"msteams": msteams}}


def action_sets(buttons: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Buttons as ActionSets of at most ACTIONS_PER_SET actions each."""
    actions = [a for a in (button_action(b) for b in buttons) if a is not None]
    return [
        {"type": "ActionSet", "actions": actions[start : start + ACTIONS_PER_SET]}
        for start in range(0, len(actions), ACTIONS_PER_SET)
    ]


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Whitespace-normalised text cut at a word boundary with an ellipsis when longer than limit."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def source_blocks(source: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One source: its title, its section and a short excerpt."""
    title = str(source.get("title") or source.get("doc") or "").strip()
    section = str(source.get("section") or "").strip()
    excerpt = shorten(str(source.get("excerpt") or ""))
    blocks: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": escape_markdown(title), "wrap": True, "weight": "Bolder"}
    ]
    if section:
        blocks.append(
            {
                "type": "TextBlock",
                "text": escape_markdown(section),
                "wrap": True,
                "isSubtle": True,
                "spacing": "None",
            }
        )
    if excerpt:
        blocks.append(
            {"type": "TextBlock", "text": escape_markdown(f"”{excerpt}”"), "wrap": True, "spacing": "Small"}
        )
    return blocks


def sources_action(sources: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The collapsible "Källor" section: a ShowCard that lists every source."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": SOURCES_HEADING, "style": "heading", "weight": "Bolder", "wrap": True}
    ]
    for source in sources:
        body.append({"type": "Container", "separator": True, "items": source_blocks(source)})
    return {
        "type": "Action.ShowCard",
        "title": SOURCES_ACTION.format(count=len(sources)),
        "card": {"type": "AdaptiveCard", "body": body},
    }


def answer_attachment(
    text: str,
    sources: Sequence[Mapping[str, Any]] = (),
    buttons: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """One Adaptive Card: the answer's text, its buttons as actions and its sources as "Källor"."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "lang": CARD_LANGUAGE,
        "body": text_blocks(text) + action_sets(buttons),
    }
    if sources:
        card["actions"] = [sources_action(sources)]
    fallback = "\n\n".join([text.strip(), *(str(s.get("title") or s.get("doc") or "") for s in sources)])
    if fallback.strip():
        card["fallbackText"] = fallback.strip()
    return {"contentType": ADAPTIVE_CARD, "content": card}


def plain_message(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text, "textFormat": "plain"}


def card_message(attachment: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "message", "attachments": [dict(attachment)]}


def compose(messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A turn's buffered replies as Bot Framework message activities, in order.

    ``messages`` are what Rasa handed to the output channel: ``{"text", "buttons"}``,
    ``{"custom"}``, ``{"image"}`` or ``{"activity"}``. Texts and buttons collect until an answer
    payload ``{"answer": {...}}`` arrives; then they go out together as one Adaptive Card with the
    answer's sources. Left-over text with buttons becomes a card too; left-over text without
    buttons goes out as plain messages. Any other custom payload is sent as the activity it
    describes, like Rasa's stock Bot Framework channel does."""
    activities: list[dict[str, Any]] = []
    texts: list[str] = []
    buttons: list[Mapping[str, Any]] = []

    def flush_pending() -> None:
        if buttons:
            activities.append(card_message(answer_attachment("\n\n".join(texts), (), buttons)))
        else:
            activities.extend(plain_message(text) for text in texts)
        texts.clear()
        buttons.clear()

    for message in messages:
        custom = message.get("custom")
        if message.get("text") or message.get("buttons"):
            if message.get("text"):
                texts.append(str(message["text"]))
            buttons.extend(b for b in message.get("buttons") or () if isinstance(b, Mapping))
        elif isinstance(custom, Mapping) and isinstance(custom.get("answer"), Mapping):
            answer = custom["answer"]
            sources = [s for s in answer.get("sources") or () if isinstance(s, Mapping)]
            activities.append(card_message(answer_attachment("\n\n".join(texts), sources, buttons)))
            texts.clear()
            buttons.clear()
        elif isinstance(custom, Mapping):
            flush_pending()
            activities.append({"type": "message", "text": "", **custom})
        elif message.get("image"):
            flush_pending()
            hero = {"contentType": HERO_CARD, "content": {"images": [{"url": str(message["image"])}]}}
            activities.append(card_message(hero))
        elif isinstance(message.get("activity"), Mapping):
            flush_pending()
            activities.append({"type": "message", "text": "", **message["activity"]})
    flush_pending()
    return activities
