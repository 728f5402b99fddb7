"""Curated answers: drafts, versions, publishing (with four eyes), archiving, conflicts between
concurrent edits, redaction, and the audit log. Every answer here is fictitious."""

from __future__ import annotations

import threading

import pytest

from knowledge.audit import AuditLog
from knowledge.curated import Conflict, Content, CuratedError, CuratedStore, NotFound, SourceRef, Status

DRAFT = Content(
    ("Vem ansvarar för testfrågan i Testby?", "vem ansvarar for testfragan"),
    "Testfunktionen i Testby ansvarar (fiktivt svar).",
    (SourceRef("hok-oversikt", "Syfte"),),
    "stockholm",
)
DOCS = frozenset({"hok-oversikt", "storsthlm-rekommendation-hok-2021"})


@pytest.fixture
def store(database_url) -> CuratedStore:
    return CuratedStore(database_url, known_docs=DOCS)


def test_a_new_answer_is_a_draft_that_serves_nobody(store):
    answer = store.create(DRAFT, by="red.test")
    assert (answer.status, answer.version, answer.published) == (Status.DRAFT, 1, None)
    assert store.published() == []


def test_publishing_serves_the_version_published_until_the_next_publish(store):
    answer = store.create(DRAFT, by="red.test")
    published = store.publish(answer.id, 1, by="pl.test")
    assert published.status is Status.PUBLISHED and published.published == DRAFT
    changed = Content(DRAFT.questions, "Ett ändrat fiktivt svar.", (), "all")
    edited = store.update(answer.id, 1, changed, by="red.test")
    assert edited.version == 2 and edited.has_unpublished_changes
    assert store.get(answer.id).published == DRAFT  # the bot still serves version 1
    assert store.publish(answer.id, 2, by="pl.test").published == changed
    assert [v.number for v in store.history(answer.id)] == [1, 2]


def test_an_edit_from_a_stale_version_is_a_conflict_and_overwrites_nothing(store):
    answer = store.create(DRAFT, by="red.test")
    store.update(answer.id, 1, Content(DRAFT.questions, "Först (fiktivt).", (), "all"), by="a.test")
    with pytest.raises(Conflict, match=r"a\.test"):
        store.update(answer.id, 1, Content(DRAFT.questions, "Sedan (fiktivt).", (), "all"), by="b.test")
    assert store.get(answer.id).content.answer == "Först (fiktivt)."


def test_of_two_concurrent_edits_from_one_version_exactly_one_wins(store):
    answer = store.create(DRAFT, by="red.test")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(text: str) -> None:
        barrier.wait()
        try:
            store.update(answer.id, 1, Content(DRAFT.questions, text, (), "all"), by="x.test")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as error:  # SQLite's busy lock is also "the other one won"
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("A (fiktivt)", "B (fiktivt)")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert store.get(answer.id).version == 2 and len(store.history(answer.id)) == 2


def test_four_eyes_nobody_publishes_their_own_change(database_url):
    store = CuratedStore(database_url, four_eyes=True)
    answer = store.create(DRAFT, by="pl.one")
    with pytest.raises(CuratedError, match="Fyra ögon"):
        store.publish(answer.id, 1, by="pl.one")
    assert store.publish(answer.id, 1, by="pl.two").status is Status.PUBLISHED


def test_archiving_stops_serving_and_freezes_the_answer(store):
    answer = store.create(DRAFT, by="red.test")
    store.publish(answer.id, 1, by="pl.test")
    before = store.generation()
    archived = store.archive(answer.id, 1, by="pl.test")
    assert archived.status is Status.ARCHIVED and store.published() == []
    assert store.generation() != before
    with pytest.raises(CuratedError, match="arkiverat"):
        store.update(answer.id, 1, DRAFT, by="red.test")


def test_publishing_changes_the_generation_every_process_polls(store):
    before = store.generation()
    answer = store.create(DRAFT, by="red.test")
    assert store.generation() == before  # a draft changes nothing the bot serves
    store.publish(answer.id, 1, by="pl.test")
    assert store.generation() != before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (Content((" ",), "Svar.", (), "all"), "minst en fråga"),
        (Content(("Fråga?",), "  ", (), "all"), "Svarstexten saknas"),
        (Content(("Fråga?",), "Svar.", (), "goteborg"), "Region"),
        (Content(("Fråga?",), "Svar.", (SourceRef("okänt-dokument", "x"),), "all"), "Okänt källdokument"),
        (Content(("Fråga?",), "x" * 5000, (), "all"), "högst 4000"),
    ],
)
def test_bad_content_is_refused_in_swedish_and_nothing_is_stored(store, content, message):
    with pytest.raises(CuratedError, match=message):
        store.create(content, by="red.test")
    assert store.list() == []


def test_personal_identity_numbers_are_redacted_before_storing(store):
    content = Content(("Gäller det 19121212-1212?",), "Ring om 19121212-1212 (fiktivt).", (), "all")
    answer = store.create(content, by="red.test")
    stored = store.get(answer.id).content
    assert "19121212-1212" not in stored.answer and "19121212-1212" not in stored.questions[0]
    assert all("19121212-1212" not in str(e.after) for e in AuditLog(store.url).list())


def test_every_change_is_in_the_audit_log_with_before_and_after(store):
    answer = store.create(DRAFT, by="red.test")
    store.publish(answer.id, 1, by="pl.test")
    events = AuditLog(store.url).list()
    assert [(e.actor, e.action) for e in events] == [
        ("pl.test", "answer.publish"),
        ("red.test", "answer.create"),
    ]
    assert events[0].before["status"] == "draft" and events[0].after["status"] == "published"


def test_an_unknown_answer_is_not_found(store):
    with pytest.raises(NotFound):
        store.get(404)
    with pytest.raises(NotFound):
        store.publish(404, 1, by="pl.test")


def test_the_audit_log_redacts_who_and_what_too(database_url):
    AuditLog(database_url).record("19121212-1212", "sign_in.failed", "user:19121212-1212")
    (event,) = AuditLog(database_url).list()
    assert "19121212-1212" not in event.actor + event.target
