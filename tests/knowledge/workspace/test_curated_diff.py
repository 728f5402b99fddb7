"""Two versions of a curated answer side by side with the changed words marked (fictitious text)."""

from __future__ import annotations

import datetime as dt

from knowledge.curated import Content, SourceRef
from knowledge.curated_diff import SegmentKind, side_by_side, tokens, word_diff

OLD = Content(
    ("Vem betalar parkeringen i Testby?", "Får jag parkera gratis vid testcentralen?"),
    "Testcentralen betalar parkeringen för besökare. Personalen betalar själv.",
    (SourceRef("testdok", "Syfte"),),
    "stockholm",
)


def _text(segments, kind=None):
    return "".join(s.text for s in segments if kind is None or s.kind is kind)


def test_tokens_keep_the_text_whole():
    text = "Vårdcentralen – GSA:n – ringer, 08-123 45 67!"
    assert "".join(tokens(text)) == text


def test_a_changed_word_is_marked_on_both_sides_and_the_rest_is_equal():
    left, right = word_diff("Testcentralen betalar parkeringen.", "Kommunen betalar parkeringen.")
    assert _text(left, SegmentKind.REMOVED) == "Testcentralen"
    assert _text(right, SegmentKind.ADDED) == "Kommunen"
    assert _text(left) == "Testcentralen betalar parkeringen."
    assert _text(right) == "Kommunen betalar parkeringen."
    assert _text(right, SegmentKind.EQUAL) == " betalar parkeringen."


def test_the_answer_text_row_shows_only_the_changed_words():
    new = Content(OLD.questions, OLD.answer.replace("Personalen betalar själv", "Personalen åker gratis"),
                  OLD.sources, OLD.region)  # fmt: skip
    diff = side_by_side(OLD, new)
    (answer,) = [r for r in diff.rows if r.field == "answer"]
    assert answer.label == "Svarstext" and answer.changed
    assert _text(answer.left, SegmentKind.REMOVED) == "betalar själv"
    assert _text(answer.right, SegmentKind.ADDED) == "åker gratis"
    assert [r.field for r in diff.rows if r.changed] == ["answer"]


def test_added_and_removed_questions_stand_on_one_side_only():
    new = Content(
        ("Vem betalar parkeringen i Testby?", "Kostar parkeringen något i Testby?"),
        OLD.answer, (), "all", dt.date(2099, 6, 30),
    )  # fmt: skip
    diff = side_by_side(OLD, new)
    questions = [r for r in diff.rows if r.field == "question"]
    assert not questions[0].changed
    # The second question was replaced: its words are compared with the new one's.
    assert _text(questions[1].left) == "Får jag parkera gratis vid testcentralen?"
    assert _text(questions[1].right) == "Kostar parkeringen något i Testby?"
    (source,) = [r for r in diff.rows if r.field == "source"]
    assert _text(source.left, SegmentKind.REMOVED) == "testdok, Syfte" and source.right == ()
    (region,) = [r for r in diff.rows if r.field == "region"]
    assert _text(region.left) == "Stockholms län" and _text(region.right) == "Alla regioner"
    (review,) = [r for r in diff.rows if r.field == "review_by"]
    assert _text(review.right, SegmentKind.ADDED) == "2099-06-30"


def test_the_same_content_has_no_changes_and_a_first_version_is_all_added():
    assert not side_by_side(OLD, OLD).changed
    first = side_by_side(None, OLD, "", "Version 1")
    assert all(s.kind is SegmentKind.ADDED for r in first.rows for s in r.right)
    assert all(r.left == () for r in first.rows)
