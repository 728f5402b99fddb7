"""The Teams card builder (bot/channels/cards.py), loaded by path: it runs in Rasa's environment."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

import pytest

from knowledge.settings import PROJECT_ROOT

CARDS_PATH = PROJECT_ROOT / "bot" / "channels" / "cards.py"


@pytest.fixture(scope="module")
def cards() -> ModuleType:
    spec = importlib.util.spec_from_file_location("teams_cards", CARDS_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SOURCES = [
    {
        "doc": "storsthlm-rekommendation-hok-2021",
        "title": "Huvudöverenskommelse om länsövergripande samverkan",
        "section": "Lokal samverkan",
        "excerpt": "Den samordnande vårdcentralen sammankallar till lokal samverkan. " * 10,
    },
    {"doc": "hok-oversikt", "title": "HÖK", "section": "", "excerpt": "Kort utdrag."},
]
ANSWER = {"answer": {"kind": "passage", "sources": SOURCES, "confidence": 0.9, "area": None}}


def texts(element):
    """Every TextBlock text inside a card, depth first."""
    if isinstance(element, dict):
        if element.get("type") == "TextBlock":
            yield element["text"]
        for value in element.values():
            yield from texts(value)
    elif isinstance(element, list):
        for item in element:
            yield from texts(item)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "<at>HÖK-assistenten</at> Vem sammankallar till lokal samverkan?",
            "Vem sammankallar till lokal samverkan?",
        ),
        ("<at>HÖK-assistenten</at>&nbsp;&nbsp;Vem är GSA i Farsta?", "Vem är GSA i Farsta?"),
        (
            'Hej <AT id="1">Anna Andersson</AT> och <at>HÖK-assistenten</at>,  hur följs HÖK upp?',
            "Hej och, hur följs HÖK upp?",
        ),
        ("Vård &amp; omsorg\u200b\n\ti Huddinge ", "Vård & omsorg i Huddinge"),
        ("Utan omnämnande", "Utan omnämnande"),
        ("&lt;at&gt;skrivet&lt;/at&gt; är text", "<at>skrivet</at> är text"),
        ("<at>HÖK-assistenten</at>", ""),
        ("<at>HÖK-assistenten</at>, vem är KSA i Solna?", "vem är KSA i Solna?"),
    ],
)
def test_mentions_entities_and_extra_whitespace_are_stripped(cards, raw, expected):
    assert cards.strip_mentions(raw) == expected


def test_markdown_is_escaped_and_swedish_text_is_left_alone(cards):
    plain = "Vem är GSA? ”Citat” – tankstreck (parentes), 50 % och a/b."
    assert cards.escape_markdown(plain) == plain
    assert cards.escape_markdown("**fet** och _kursiv_") == r"\*\*fet\*\* och \_kursiv\_"
    assert (
        cards.escape_markdown("[klicka](https://example.invalid)") == r"\[klicka\](https://example.invalid)"
    )
    assert cards.escape_markdown(r"C:\mapp") == r"C:\\mapp"
    assert cards.escape_markdown("- punkt") == r"\- punkt"
    assert cards.escape_markdown("2. andra steget") == r"2\. andra steget"
    assert cards.escape_markdown("2024. Året då") == r"2024\. Året då"
    assert cards.escape_markdown("Se punkt 2. nedan") == "Se punkt 2. nedan"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Läs mer på https://www.example.invalid/hok_2021.",
            r"Läs mer på [https://www.example.invalid/hok\_2021](https://www.example.invalid/hok_2021).",
        ),
        (
            "Se planen (https://example.invalid/plan?a=1&b=2), sidan 3",
            "Se planen ([https://example.invalid/plan?a=1&b=2]"
            "(https://example.invalid/plan?a=1&b=2)), sidan 3",
        ),
        (
            "- http://example.invalid/wiki/Fil_(test) och *fet*",
            r"\- [http://example.invalid/wiki/Fil\_(test)](http://example.invalid/wiki/Fil_%28test%29)"
            r" och \*fet\*",
        ),
        # Nothing but http(s) URLs is a link: no other schemes, no markdown links, no bare hosts.
        ("javascript:alert(1) ftp://example.invalid www.example.invalid", None),
        ("[klicka](javascript:alert(1))", r"\[klicka\](javascript:alert(1))"),
        ("https:// utan värd", None),
    ],
)
def test_http_links_in_answer_text_become_markdown_links_and_nothing_else(cards, line, expected):
    (block,) = cards.text_blocks(line)
    assert block["text"] == (cards.escape_markdown(line) if expected is None else expected)


def test_links_in_a_sources_title_or_excerpt_stay_text(cards):
    source = {"doc": "d", "title": "https://example.invalid/a", "excerpt": "Se https://example.invalid/b"}
    texts = [b["text"] for b in cards.source_blocks(source)]
    assert texts == ["https://example.invalid/a", "”Se https://example.invalid/b”"]


def test_line_breaks_and_paragraphs_become_separate_text_blocks(cards):
    blocks = cards.text_blocks("Rad ett\nRad två\n\n  \nNytt stycke")
    assert [b["text"] for b in blocks] == ["Rad ett", "Rad två", "Nytt stycke"]
    assert all(b["type"] == "TextBlock" and b["wrap"] is True for b in blocks)
    assert [b.get("spacing") for b in blocks] == [None, "None", None]


def test_buttons_become_bot_framework_actions(cards):
    assert cards.button_action({"title": "Farsta", "payload": "Farsta"}) == {
        "type": "Action.Submit",
        "title": "Farsta",
        "data": {"msteams": {"type": "imBack", "value": "Farsta"}},
    }
    # An intent payload is sent to the bot while the chat shows the title.
    assert cards.button_action({"title": "Ja, skicka vidare", "payload": "/affirm"})["data"] == {
        "msteams": {"type": "messageBack", "displayText": "Ja, skicka vidare", "text": "/affirm"}
    }
    assert cards.button_action({"type": "web_url", "title": "Läs mer", "url": "https://example.invalid"}) == {
        "type": "Action.OpenUrl",
        "title": "Läs mer",
        "url": "https://example.invalid",
    }
    assert cards.button_action({"title": "", "payload": ""}) is None


def test_many_buttons_are_split_into_rows(cards):
    sets = cards.action_sets([{"title": f"Område {i}", "payload": f"Område {i}"} for i in range(13)])
    assert [len(s["actions"]) for s in sets] == [5, 5, 3]
    assert all(s["type"] == "ActionSet" for s in sets)


def test_answer_card_holds_text_sources_and_buttons(cards):
    attachment = cards.answer_attachment(
        "Svaret.\nAndra raden.\n\nKälla: HÖK.", SOURCES, [{"title": "Nej tack", "payload": "/deny"}]
    )
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5" and card["lang"] == "sv"
    body_texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert body_texts == ["Svaret.", "Andra raden.", "Källa: HÖK."]
    assert card["body"][-1]["type"] == "ActionSet"
    (show,) = card["actions"]
    assert show["type"] == "Action.ShowCard" and show["title"] == "Källor (2)"
    shown = list(texts(show["card"]))
    assert shown[0] == "Källor"
    assert "Huvudöverenskommelse om länsövergripande samverkan" in shown and "Lokal samverkan" in shown
    excerpt = next(t for t in shown if t.startswith("”Den samordnande"))
    assert excerpt.endswith("…”") and len(excerpt) <= cards.EXCERPT_CHARS + 3
    assert "HÖK" in shown and "”Kort utdrag.”" in shown
    assert card["fallbackText"].startswith("Svaret.")
    json.dumps(attachment)  # serialisable as it is sent


def test_answer_card_without_sources_has_no_sources_action(cards):
    card = cards.answer_attachment("Vilket stadsdelsområde gäller det?")["content"]
    assert "actions" not in card


def test_a_text_and_its_answer_payload_make_one_card(cards):
    activities = cards.compose([{"text": "Svaret.", "buttons": None}, {"custom": ANSWER}])
    assert len(activities) == 1
    (attachment,) = activities[0]["attachments"]
    assert attachment["content"]["body"][0]["text"] == "Svaret."
    assert attachment["content"]["actions"][0]["title"] == "Källor (2)"


def test_texts_buttons_and_answer_of_a_turn_are_combined_in_order(cards):
    activities = cards.compose(
        [
            {"text": "Hej!"},
            {"text": "Jag tolkar ”farsta” som Farsta."},
            {
                "text": "Vilket stadsdelsområde gäller det?",
                "buttons": [{"title": "Farsta", "payload": "Farsta"}],
            },
            {
                "custom": {
                    "answer": {"kind": "clarify", "sources": [], "confidence": 0.5, "area": "stockholm"}
                }
            },
            {"text": "Något mer?"},
        ]
    )
    assert len(activities) == 2
    card = activities[0]["attachments"][0]["content"]
    assert [b["text"] for b in card["body"] if b["type"] == "TextBlock"] == [
        "Hej!",
        "Jag tolkar ”farsta” som Farsta.",
        "Vilket stadsdelsområde gäller det?",
    ]
    assert card["body"][-1]["actions"][0]["data"]["msteams"] == {"type": "imBack", "value": "Farsta"}
    assert "actions" not in card
    assert activities[1] == {"type": "message", "text": "Något mer?", "textFormat": "plain"}


def test_plain_texts_go_out_as_plain_messages_and_buttons_without_payload_as_a_card(cards):
    assert cards.compose([{"text": "Hej! *inte fet*"}]) == [
        {"type": "message", "text": "Hej! *inte fet*", "textFormat": "plain"}
    ]
    (activity,) = cards.compose(
        [{"text": "Vill du det?", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]
    )
    card = activity["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Vill du det?" and card["body"][1]["type"] == "ActionSet"
    assert cards.compose([]) == []


def test_other_payloads_keep_their_place(cards):
    activities = cards.compose(
        [
            {"text": "Först"},
            {"custom": {"attachments": [{"contentType": "x"}]}},
            {"image": "https://example.invalid/a.png"},
        ]
    )
    assert activities[0]["text"] == "Först"
    assert activities[1] == {"type": "message", "text": "", "attachments": [{"contentType": "x"}]}
    assert activities[2]["attachments"][0]["content"]["images"] == [{"url": "https://example.invalid/a.png"}]
