"""The process lead's edits to the written questions: stored redacted and length-limited, never
deleted (a removal is withdrawn, a written question can be added back), each change audited once
with a Swedish sentence and a link to the unit, and a stamp that moves with every change. On
SQLite and PostgreSQL; fictitious questions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from knowledge.audit import AuditLog
from knowledge.audit_view import describe
from knowledge.db import Database, State, engine_for
from knowledge.question_log import QuestionLog
from knowledge.questions.edits import (
    MAX_ADDED_PER_UNIT,
    MAX_QUESTION_CHARS,
    EditAction,
    QuestionEditError,
    QuestionEdits,
)

DOC, UNIT = "testdok", "abc123def456"


@pytest.fixture
def edits(database_url) -> QuestionEdits:
    return QuestionEdits(database_url, AuditLog(database_url))


def test_an_added_question_is_stored_redacted_cut_and_audited_once(edits):
    before = edits.stamp()
    added = edits.add(DOC, UNIT, "  Vem ringer  jag om 19121212-1212?\n" + "x" * 400, "pl.test")
    assert added is not None and added.action is EditAction.ADD and added.by == "pl.test"
    assert "19121212" not in added.question and len(added.question) == MAX_QUESTION_CHARS
    assert [e.question for e in edits.in_force(DOC)] == [added.question]
    assert edits.stamp() != before
    events = edits.audit.list()
    assert [(e.action, e.target, e.actor) for e in events] == [
        ("question.add", f"unit:{DOC}/{UNIT}", "pl.test")
    ]
    line = describe(events[0])
    assert line.summary.startswith("Lade till en fråga som leder till en mening i källan testdok")
    assert line.link == f"/admin/kallor/{DOC}#enhet-{UNIT}" and line.kind == "källor"


def test_empty_duplicate_and_too_many_questions_are_refused_in_swedish(edits):
    with pytest.raises(QuestionEditError, match="Skriv en fråga"):
        edits.add(DOC, UNIT, "   ", "pl.test")
    edits.add(DOC, UNIT, "Vem kallar till mötet?", "pl.test")
    with pytest.raises(QuestionEditError, match="finns redan"):
        edits.add(DOC, UNIT, "vem kallar till motet?", "pl.test")  # the same, folded
    with pytest.raises(QuestionEditError, match="finns redan"):
        edits.add(DOC, UNIT, "En skriven fråga?", "pl.test", written=True)
    for n in range(MAX_ADDED_PER_UNIT - 1):
        edits.add(DOC, UNIT, f"Fråga nummer {n}?", "pl.test")
    with pytest.raises(QuestionEditError, match="högst"):
        edits.add(DOC, UNIT, "En fråga för mycket?", "pl.test")
    assert len(edits.audit.list(limit=500)) == MAX_ADDED_PER_UNIT  # refusals are not audited


def test_removing_an_added_question_withdraws_it_and_it_can_be_added_again(edits):
    edits.add(DOC, UNIT, "Vem kallar till mötet?", "pl.test")
    stamp = edits.stamp()
    edits.remove(DOC, UNIT, "Vem kallar till mötet?", "pl.annan", written=False)
    assert edits.in_force() == [] and edits.stamp() != stamp
    with pytest.raises(QuestionEditError, match="finns inte"):
        edits.remove(DOC, UNIT, "Vem kallar till mötet?", "pl.annan", written=False)
    assert edits.add(DOC, UNIT, "Vem kallar till mötet?", "pl.test") is not None
    assert [e.action for e in reversed(edits.audit.list())] == [
        "question.add",
        "question.remove",
        "question.add",
    ]
    assert describe(edits.audit.list()[1]).summary.startswith("Tog bort en fråga")


def test_a_removed_written_question_is_hidden_until_added_back(edits):
    edits.remove(DOC, UNIT, "Vem sammankallar till samverkansmöten?", "pl.test", written=True)
    (removal,) = edits.in_force(DOC)
    assert (
        removal.action is EditAction.REMOVE and removal.question == "Vem sammankallar till samverkansmöten?"
    )
    with pytest.raises(QuestionEditError, match="finns inte"):  # already removed
        edits.remove(DOC, UNIT, "Vem sammankallar till samverkansmöten?", "pl.test", written=True)
    assert edits.add(DOC, UNIT, "Vem sammankallar till samverkansmöten?", "pl.test", written=True) is None
    assert edits.in_force(DOC) == []
    assert edits.in_force("annat-dokument") == []


def test_the_question_log_counts_the_questions_each_unit_answered(database_url):
    times = iter(dt.datetime(2099, 1, d, tzinfo=dt.UTC) for d in (1, 2, 3, 4))
    log = QuestionLog(database_url, clock=lambda: next(times))
    log.add("Vem sammankallar?", "passage", unit="u1")
    log.add("Vem kallar?", "passage", unit="u1")
    log.add("Hur ofta?", "passage", unit="u2")
    log.add("Vad tjänar man?", "abstain")
    assert log.answered_per_unit(["u1", "u2", "u3"]) == {"u1": 2, "u2": 1, "u3": 0}
    assert log.answered_per_unit(["u1"], since=dt.datetime(2099, 1, 2, tzinfo=dt.UTC)) == {"u1": 1}


def test_the_migration_keeps_the_question_log_and_adds_the_edits(blank_database_url):
    url = blank_database_url
    Database(url).migrate_to("0004")
    with engine_for(url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO question_log (at, question, kind, reason) "
                "VALUES ('2099-01-01 08:00:00', 'Hur ofta följs den upp?', 'passage', '')"
            )
        )
    assert Database(url).upgrade().state is State.CURRENT
    (kept,) = QuestionLog(url).list()
    assert (kept.question, kept.unit) == ("Hur ofta följs den upp?", None)
    assert QuestionEdits(url, AuditLog(url)).stamp() == (0, 0)
