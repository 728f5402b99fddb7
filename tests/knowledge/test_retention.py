"""Retention: what users wrote is purged past the retention period, on both database backends and
in a SQL tracker store shaped as Rasa 3.6 makes it; the process lead's work is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.orm import Session

from knowledge.__main__ import main as cli
from knowledge.audit import AuditLog
from knowledge.db import engine_for
from knowledge.feedback import FeedbackRow, FeedbackStore
from knowledge.inbox import Inbox, UnansweredRow
from knowledge.question_log import QuestionLog, QuestionRow
from knowledge.retention import purge

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=200)
RECENT = NOW - dt.timedelta(days=10)
# The events table of Rasa 3.6's SQLTrackerStore (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = """CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def _age(url: str, model: type, column: str, when: dt.datetime, where: str) -> None:
    with Session(engine_for(url)) as session, session.begin():
        field = getattr(model, column)
        session.execute(update(model).where(model.question == where).values({field: when}))


def _tracker(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text(RASA_EVENTS))
        rows = [
            ("gammalt-samtal", OLD),
            ("gammalt-samtal", OLD),
            ("aktivt-samtal", OLD),
            ("aktivt-samtal", RECENT),
        ]
        for sender, at in rows:
            c.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"
                ),
                {"s": sender, "t": at.timestamp()},
            )
    engine.dispose()
    return url


def test_what_users_wrote_is_purged_past_the_retention_period(database_url, tmp_path):
    questions, inbox, feedback = QuestionLog(database_url), Inbox(database_url), FeedbackStore(database_url)
    for q in ("gammal fråga", "ny fråga"):
        questions.add(q, "abstain")
        inbox.add("samtal", q)
        feedback.add("samtal", q, "svar", "passage", [], "down", "kommentar")
    for model, column in ((QuestionRow, "at"), (UnansweredRow, "asked_at"), (FeedbackRow, "created_at")):
        _age(database_url, model, column, OLD, "gammal fråga")
        _age(database_url, model, column, RECENT, "ny fråga")
    AuditLog(database_url).record("processledare", "answer.publish", "answer:1")

    purged = purge(database_url, _tracker(tmp_path), days=180, now=NOW)

    assert (purged.questions, purged.passed_on, purged.feedback, purged.conversations) == (1, 1, 1, 1)
    assert [q.question for q in inbox.list()] == ["ny fråga"]
    assert [f.question for f in feedback.list(10)] == ["ny fråga"]
    assert len(AuditLog(database_url).list()) == 1  # the process lead's work is kept
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as c:
        left = c.execute(text("SELECT DISTINCT sender_id FROM events")).scalars().all()
    engine.dispose()
    assert left == ["aktivt-samtal"]  # a conversation still in use is kept whole


def test_a_missing_tracker_store_is_not_created_by_the_purge(database_url, tmp_path):
    missing = tmp_path / "finns-inte" / "tracker.db"
    assert purge(database_url, f"sqlite:///{missing}", days=30).conversations == 0
    assert not missing.exists()


def test_the_purge_command_uses_the_retention_setting_and_is_audited(
    database_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("HOK_TRACKER_STORE_URL", _tracker(tmp_path))
    monkeypatch.setenv("HOK_RETENTION_DAYS", "180")
    from knowledge.settings import get_settings

    get_settings.cache_clear()
    try:
        assert cli(["--database-url", database_url, "purge"]) == 0
    finally:
        get_settings.cache_clear()
    assert "äldre än 180 dagar" in capsys.readouterr().out
    assert [e.action for e in AuditLog(database_url).list()] == ["purge"]
    with pytest.raises(SystemExit) as refused:
        cli(["--database-url", database_url, "purge", "--days", "0"])
    assert refused.value.code == 2  # a Swedish usage error, nothing purged


def test_a_retention_below_one_day_is_refused(database_url):
    with pytest.raises(ValueError, match="minst en dag"):
        purge(database_url, "", days=0)
