"""The picker of curated answers by their first question: folded search, distinct labels even for
two answers with the same first question, archived answers left out. Fictitious answers."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.curated import Content, CuratedStore
from knowledge.curated_picker import choices
from tests.databases import initialised, sqlite_url


@pytest.fixture
def store(tmp_path) -> CuratedStore:
    return CuratedStore(
        initialised(sqlite_url(tmp_path)), clock=lambda: dt.datetime(2099, 2, 3, tzinfo=dt.UTC)
    )


def test_answers_are_found_by_a_folded_word_of_their_first_question(store):
    store.create(Content(("Vem betalar parkeringen vid testcentralen?",), "a", (), "all"), by="pl")
    store.create(Content(("Hur bokar jag testlokalen?", "Vem betalar?"), "b", (), "all"), by="pl")
    found = choices(store.list(), "PARKERINGEN")
    assert [c.first_question for c in found] == ["Vem betalar parkeringen vid testcentralen?"]
    assert [c.first_question for c in choices(store.list(), "vem betalar")] == [
        "Vem betalar parkeringen vid testcentralen?"
    ]  # only the first question counts
    assert len(choices(store.list())) == 2


def test_two_answers_with_the_same_first_question_have_distinct_labels(store):
    one = store.create(Content(("Får personalen bjuda på fikabröd?",), "a", (), "all"), by="pl")
    two = store.create(Content(("Får personalen bjuda på fikabröd?",), "b", (), "skane"), by="pl")
    store.publish(one.id, 1, by="pl")
    labels = [c.label for c in choices(store.list(), "fikabrod")]
    assert labels == [
        f"Får personalen bjuda på fikabröd? (svar {one.id}, publicerat, ändrat 2099-02-03)",
        f"Får personalen bjuda på fikabröd? (svar {two.id}, utkast, ändrat 2099-02-03)",
    ]
    store.archive(two.id, 1, by="pl")
    assert [c.id for c in choices(store.list(), "fikabröd")] == [one.id]


def test_a_long_first_question_is_shortened_with_a_mark():
    from knowledge.curated import CuratedAnswer, Status

    long = "Vem " + "mycket " * 40 + "?"
    answer = CuratedAnswer(7, Status.DRAFT, 1, Content((long,), "a", (), "all"), None, None, None, None, "pl",
                           dt.datetime(2099, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    (choice,) = choices([answer])
    assert "…" in choice.label and choice.label.endswith("(svar 7, utkast, ändrat 2099-01-01)")
