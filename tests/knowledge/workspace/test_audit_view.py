"""The audit log in Swedish: a sentence per entry with what changed and a link to the object, and
the log filtered by person, kind and date, page by page. Fictitious people and answers."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.audit import ACTION_KINDS, AuditLog, AuditQuery, kind_of
from knowledge.audit_view import SENTENCES, describe
from knowledge.curated import Content, CuratedStore
from tests.databases import initialised, sqlite_url


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2099, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def url(tmp_path) -> str:
    return initialised(sqlite_url(tmp_path))


def test_every_action_code_recorded_has_a_swedish_sentence_and_a_kind():
    codes = {c for group in ACTION_KINDS.values() for c in group}
    assert codes == set(SENTENCES)
    assert kind_of("answer.publish") == "svar" and kind_of("något.annat") == "övrigt"


def test_an_edited_answer_says_what_changed_and_links_to_the_answer(url, clock):
    store = CuratedStore(url, clock=clock)
    made = store.create(
        Content(("Vem betalar parkeringen i Testby?",), "Testcentralen.", (), "all"), by="red.a"
    )
    store.update(made.id, 1, Content(("Vem betalar parkeringen i Testby?",), "Kommunen.", (), "skane"),
                 by="red.a")  # fmt: skip
    edit = AuditLog(url).query(AuditQuery(kind="svar")).events[0]
    line = describe(edit)
    assert line.summary == f"Ändrade svar {made.id} (Vem betalar parkeringen i Testby?)"
    assert line.link == f"/admin/svar/{made.id}" and line.kind_label == "Kurerade svar"
    assert {(c.label, c.before, c.after) for c in line.changes} >= {
        ("Svarstext", "Testcentralen.", "Kommunen."),
        ("Region", "alla regioner", "Skåne"),
    }
    assert "answer.edit" not in line.summary


def test_a_designation_change_names_the_area_and_role_in_swedish(url):
    log = AuditLog(url)
    log.record("pl.b", "designation.set", "designation:farsta/gsa", {"name": "VC Gamla (fiktiv)"},
               {"name": "VC Nya (fiktiv)"})  # fmt: skip
    line = describe(log.list(1)[0], area_name={"farsta": "Farsta"}.get)  # type: ignore[arg-type]
    assert line.summary == "Registrerade GSA för Farsta"
    assert line.link == "/admin/register?omrade=farsta#omrade-farsta"
    assert [(c.label, c.before, c.after) for c in line.changes] == [
        ("Namn", "VC Gamla (fiktiv)", "VC Nya (fiktiv)")
    ]


def test_the_log_is_filtered_by_person_kind_and_dates_and_paged(database_url, clock):
    """On SQLite and PostgreSQL."""
    log = AuditLog(database_url, clock)
    for day in range(1, 11):
        clock.now = dt.datetime(2099, 3, day, 12, 0, tzinfo=dt.UTC)
        log.record("pl.a" if day % 2 else "pl.b", "answer.edit", f"answer:{day}")
        log.record("pl.a", "sign_in", "user:pl.a")
    assert log.query(AuditQuery()).total == 20
    by_b = log.query(AuditQuery(actor="pl.b"))
    assert by_b.total == 5 and {e.actor for e in by_b.events} == {"pl.b"}
    answers = log.query(AuditQuery(kind="svar", since=dt.date(2099, 3, 3), until=dt.date(2099, 3, 5)))
    assert [e.target for e in answers.events] == ["answer:5", "answer:4", "answer:3"]
    first = log.query(AuditQuery(kind="konton", page=1, page_size=4))
    third = log.query(AuditQuery(kind="konton", page=3, page_size=4))
    assert (first.total, first.pages, len(first.events), len(third.events)) == (10, 3, 4, 2)
    assert first.events[0].at > third.events[-1].at  # newest first
    assert log.actors() == ["pl.a", "pl.b"]
    with pytest.raises(ValueError, match="Okänd sorts ändring"):
        log.query(AuditQuery(kind="okänt"))
