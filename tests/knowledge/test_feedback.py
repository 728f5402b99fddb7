import datetime as dt

import pytest

from knowledge.__main__ import main
from knowledge.answer import AnswerKind
from knowledge.feedback import MAX_COMMENT_CHARS, Feedback, FeedbackSource, FeedbackStore, Rating

SOURCE = FeedbackSource("hok-oversikt", "HÖK i korthet", "Uppföljning")


@pytest.fixture
def url(database_url):
    return database_url


def test_feedback_is_stored_and_listed_newest_first_across_connections(url):
    before = dt.datetime.now(dt.UTC)
    first = FeedbackStore(url).add(
        "conv-1", "Hur följs HÖK upp?", "Varje år.", "passage", [SOURCE], "up", "Bra svar"
    )
    second = FeedbackStore(url).add("conv-2", "Vem vann?", "Jag hittar inget svar.", "abstain", [], "down")
    items = FeedbackStore(url).list()
    assert [i.id for i in items] == [second.id, first.id]
    stored = items[1]
    assert stored == Feedback(
        id=first.id,
        created_at=stored.created_at,
        conversation="conv-1",
        question="Hur följs HÖK upp?",
        answer="Varje år.",
        kind=AnswerKind.PASSAGE,
        sources=(SOURCE,),
        rating=Rating.UP,
        comment="Bra svar",
    )
    assert stored.created_at.tzinfo is not None and before - dt.timedelta(seconds=5) <= stored.created_at
    assert items[0].sources == () and items[0].comment is None and items[0].rating is Rating.DOWN


def test_list_honours_the_limit(url):
    store = FeedbackStore(url)
    ids = [store.add(f"c{i}", "fråga", "svar", AnswerKind.RULE, [SOURCE], Rating.UP).id for i in range(5)]
    assert [i.id for i in store.list(limit=2)] == ids[::-1][:2]
    assert store.list(limit=0) == []


def test_personal_identity_numbers_are_redacted_before_storing(url):
    item = FeedbackStore(url).add(
        "conv-1",
        "Gäller det 19850709-9805?",
        "Om 850709-9805 bor i Farsta ...",
        "clarify",
        [],
        "down",
        "Fel, hon har samordningsnummer 701063-2391",
    )
    stored = FeedbackStore(url).list()[0]
    assert stored == item
    assert stored.question == "Gäller det [personnummer borttaget]?"
    assert stored.answer == "Om [personnummer borttaget] bor i Farsta ..."
    assert stored.comment == "Fel, hon har samordningsnummer [samordningsnummer borttaget]"
    with FeedbackStore(url).engine.connect() as connection:
        rows = connection.exec_driver_sql("select question, answer, comment from feedback").all()
    assert not any(ch.isdigit() for row in rows for text in row for ch in text)


def test_a_comment_is_short_and_stays_within_its_limit_once_redacted(url):
    store = FeedbackStore(url)
    with pytest.raises(ValueError, match="kommentaren är för lång"):
        store.add("c1", "fråga", "svar", "passage", [SOURCE], "down", "x" * (MAX_COMMENT_CHARS + 1))
    assert store.list() == []
    # Every personal number is replaced by a longer mark: the comment is cut, never a number kept.
    numbers = " ".join(["19850709-9805"] * 35)
    item = store.add("c1", "fråga", "svar", "passage", [SOURCE], "down", numbers)
    assert item.comment is not None and len(item.comment) == MAX_COMMENT_CHARS
    assert item.comment.startswith("[personnummer borttaget] [personnummer borttaget]")
    assert not any(ch.isdigit() for ch in item.comment)


def test_blank_comments_and_nul_characters_are_dropped(url):
    item = FeedbackStore(url).add(" c1 ", " fr\x00åga ", "svar", "passage", [SOURCE], "up", "  \n ")
    assert (item.conversation, item.question, item.comment) == ("c1", "fråga", None)


@pytest.mark.parametrize(("kind", "rating"), [("wrong", "up"), ("passage", "meh"), ("", "")])
def test_unknown_kind_or_rating_is_refused_in_swedish_and_nothing_is_stored(url, kind, rating):
    with pytest.raises(ValueError, match="okän"):
        FeedbackStore(url).add("c1", "fråga", "svar", kind, [], rating)
    assert FeedbackStore(url).list() == []


def test_the_command_line_lists_feedback(url, capsys):
    store = FeedbackStore(url)
    store.add("c1", "Hur följs\nHÖK upp?", "Varje år. " * 20, "passage", [SOURCE], "up", "Tack")
    store.add("c2", "Vem vann?", "Inget svar.", "abstain", [], "down")
    assert main(["--database-url", url, "feedback", "--limit", "5"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and err.strip() == "2 återkopplingar"
    newest, oldest = (line.split("\t") for line in lines)
    assert newest[2:] == ["dåligt", "abstain", "Vem vann?", "Inget svar.", "-", ""]
    assert oldest[2:5] == ["bra", "passage", "Hur följs HÖK upp?"]
    assert len(oldest[5]) == 80 and oldest[5].endswith("…")
    assert oldest[6:] == ["hok-oversikt", "Tack"]
    assert main(["--database-url", url, "feedback", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_the_command_line_refuses_a_bad_limit_in_swedish(url, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--database-url", url, "feedback", "--limit", "0"])
    assert exit_.value.code == 2 and "ogiltigt värde" in capsys.readouterr().err


def test_the_migration_to_short_comments_keeps_every_rating_and_cuts_long_comments(blank_database_url):
    from sqlalchemy import text

    from knowledge.db import Database, State, engine_for

    url = blank_database_url
    Database(url).migrate_to("0003")  # before comments were short
    insert = text(
        "INSERT INTO feedback (created_at, conversation, question, answer, kind, sources, rating, comment) "
        "VALUES ('2099-01-01 08:00:00', :conversation, 'fråga', 'svar', 'passage', '[]', 'down', :comment)"
    )
    with engine_for(url).begin() as connection:
        connection.execute(insert, {"conversation": "long", "comment": "y" * 3000})
        connection.execute(insert, {"conversation": "short", "comment": "Fel avsnitt"})
    assert Database(url).upgrade().state is State.CURRENT
    stored = {i.conversation: i.comment for i in FeedbackStore(url).list()}
    assert stored == {"long": "y" * MAX_COMMENT_CHARS, "short": "Fel avsnitt"}
