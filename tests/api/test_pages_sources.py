"""The workspace's sources (/admin/kallor): each sentence with the questions that lead to it, the
questions answered from it, and the inbox groups close to it; a process lead adds a question to a
sentence and the assistant answers a paraphrase of it from that sentence, in this process and in
another one on the same database within the poll interval, with no rebuild and no retraining; a
reader may look but not change. The fictitious corpus with the fake embedder; fictitious users."""

from __future__ import annotations

import html
import re
import time

import pytest
from fastapi.testclient import TestClient

from actions.web.app import create_app
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.audit import AuditLog
from knowledge.question_log import QuestionLog
from knowledge.settings import Settings
from tests.api.workspace_session import PASSWORD, csrf_of, sign_in
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url

FOLLOW_UP = "Parterna följer upp överenskommelsen varje år i en gemensam dialog om resultaten."
ADDED = "Vilka siffror granskas vid den årliga genomgången med parterna?"
PARAPHRASE = "vilka siffror granskas vid genomgången"
WRITTEN = "Finns det någon årlig uppföljning?"


def settings_for(url: str, corpus, poll: float = 0.0) -> Settings:
    return Settings(
        questions_dir=FICTITIOUS_QUESTIONS, secret_key=TEST_SECRET_KEY,
        sources_dir=corpus / "sources", index_dir=corpus / "build", embedding_model="fake-embedder",
        database_url=url, curated_poll_seconds=poll,
    )  # fmt: skip


def app_for(settings: Settings):
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    return create_app(settings, engine)


@pytest.fixture
def url(tmp_path):
    url = initialised(sqlite_url(tmp_path))
    AccountStore(url).add("pl.test", "processledare", PASSWORD)
    AccountStore(url).add("las.test", "lasare", PASSWORD)
    AccountStore(url).add("red.test", "redaktor", PASSWORD)
    return url


@pytest.fixture
def site(url, corpus):
    with TestClient(app_for(settings_for(url, corpus)), follow_redirects=False) as client:
        sign_in(client, "pl.test")
        yield client


def unit_of(page: str, text: str) -> str:
    """The unit id of the sentence ``text`` on a source page."""
    at = page.index(html.escape(text))
    return re.findall(r'id="enhet-([0-9a-f-]+)"', page[:at])[-1]


def block(page: str, unit: str) -> str:
    """One sentence's part of a source page."""
    start = page.index(f'id="enhet-{unit}"')
    end = page.find('<li class="source-unit"', start)
    return page[start : end if end > 0 else len(page)]


def ask(client: TestClient, question: str) -> dict:
    response = client.post("/api/answer", json={"question": question})
    assert response.status_code == 200
    return response.json()


def test_the_sources_are_listed_and_linked_from_the_navigation(site):
    page = site.get("/admin/kallor")
    assert page.status_code == 200
    assert '<a href="/admin/kallor" aria-current="page">Källor</a>' in page.text
    assert '<a href="/admin/kallor/testdok">Fiktiv testöverenskommelse</a>' in page.text
    assert site.get("/admin/kallor/finns-inte").status_code == 404


def test_each_sentence_shows_its_written_questions_and_how_often_it_answered(site, url):
    page = site.get("/admin/kallor/testdok").text
    unit = unit_of(page, FOLLOW_UP)
    mine = block(page, unit)
    assert html.escape(WRITTEN) in mine and "Besvarade 0 frågor" in mine
    QuestionLog(url).add("Hur ofta följs den upp?", "passage", unit=unit)
    QuestionLog(url).add("Följs den upp varje år?", "passage", unit=unit)
    assert "Besvarade 2 frågor de senaste 90 dagarna" in block(site.get("/admin/kallor/testdok").text, unit)


def test_a_question_added_to_a_sentence_answers_a_paraphrase_here_and_in_another_process(site, url, corpus):
    page = site.get("/admin/kallor/testdok").text
    unit = unit_of(page, FOLLOW_UP)
    with TestClient(app_for(settings_for(url, corpus, poll=1.0))) as other:
        assert ask(other, PARAPHRASE)["answer"]["kind"] == "abstain"  # before: nothing leads there
        posted = site.post(
            f"/admin/kallor/testdok/{unit}", data={"csrf": csrf_of(page), "question": ADDED, "action": "add"}
        )
        assert posted.status_code == 303 and posted.headers["location"].endswith(f"#enhet-{unit}")
        shown = site.get(posted.headers["location"]).text
        assert "Frågan är tillagd" in shown
        assert html.escape(ADDED) in block(shown, unit) and "tillagd av pl.test" in block(shown, unit)
        here = ask(site, PARAPHRASE)
        assert here["answer"]["kind"] == "passage" and FOLLOW_UP in here["text"]
        time.sleep(1.1)  # the other process polls at most every second
        there = ask(other, PARAPHRASE)
        assert there["answer"]["kind"] == "passage" and FOLLOW_UP in there["text"]
    logged = QuestionLog(url).list(kind="passage")
    assert [q.unit for q in logged if q.question == PARAPHRASE] == [unit, unit]
    (event,) = AuditLog(url).list(action="question.add")
    assert (event.actor, event.target, event.after) == (
        "pl.test",
        f"unit:testdok/{unit}",
        {"question": ADDED},
    )


def test_a_removed_question_disappears_is_audited_and_can_be_added_back(site, url):
    page = site.get("/admin/kallor/testdok").text
    unit = unit_of(page, FOLLOW_UP)
    form = {"csrf": csrf_of(page), "question": WRITTEN}
    assert site.post(f"/admin/kallor/testdok/{unit}", data={**form, "action": "remove"}).status_code == 303
    shown = site.get("/admin/kallor/testdok?klart=borttagen").text
    assert "Frågan är borttagen" in shown and html.escape(WRITTEN) not in block(shown, unit)
    again = site.post(f"/admin/kallor/testdok/{unit}", data={**form, "action": "remove"})
    assert again.status_code == 422 and "finns inte" in again.text
    assert site.post(f"/admin/kallor/testdok/{unit}", data={**form, "action": "add"}).status_code == 303
    assert html.escape(WRITTEN) in block(site.get("/admin/kallor/testdok").text, unit)
    actions = [e.action for e in AuditLog(url).list() if e.action.startswith("question.")]
    assert actions == ["question.add", "question.remove"]  # newest first; the refusal is not audited


def test_an_empty_question_or_an_unknown_sentence_is_refused_in_swedish(site):
    page = site.get("/admin/kallor/testdok").text
    unit = unit_of(page, FOLLOW_UP)
    empty = site.post(
        f"/admin/kallor/testdok/{unit}", data={"csrf": csrf_of(page), "question": " ", "action": "add"}
    )
    assert empty.status_code == 422 and "Skriv en fråga" in empty.text
    unknown = site.post(
        "/admin/kallor/testdok/000000000000", data={"csrf": csrf_of(page), "question": "Hur?"}
    )
    assert unknown.status_code == 422 and "Meningen finns inte" in unknown.text


@pytest.mark.parametrize("user", ["las.test", "red.test"])
def test_only_a_process_lead_changes_the_questions_others_see_them(url, corpus, user):
    with TestClient(app_for(settings_for(url, corpus)), follow_redirects=False) as client:
        assert client.get("/admin/kallor").status_code == 303  # not signed in: to the sign-in page
        sign_in(client, user)
        page = client.get("/admin/kallor/testdok")
        assert page.status_code == 200 and html.escape(WRITTEN) in page.text
        assert "Lägg till fråga" not in page.text and "Ta bort" not in page.text
        unit = unit_of(page.text, FOLLOW_UP)
        refused = client.post(
            f"/admin/kallor/testdok/{unit}",
            data={"csrf": csrf_of(page.text), "question": ADDED, "action": "add"},
        )
        assert refused.status_code == 403
    assert AuditLog(url).list(action="question.add") == []


def test_a_form_without_the_csrf_token_changes_nothing(site, url):
    unit = unit_of(site.get("/admin/kallor/testdok").text, FOLLOW_UP)
    refused = site.post(f"/admin/kallor/testdok/{unit}", data={"question": ADDED, "action": "add"})
    assert refused.status_code == 403
    assert AuditLog(url).list(action="question.add") == []


def test_the_inbox_groups_close_to_a_sentence_are_linked_from_it(site, url):
    log = QuestionLog(url)
    log.add("Finns det någon årlig uppföljning då?", "abstain")  # alike a written question of the sentence
    log.add("Vilken pizzeria har bäst kebab?", "abstain")  # alike nothing
    page = site.get("/admin/kallor/testdok").text
    mine = block(page, unit_of(page, FOLLOW_UP))
    assert "Grupper i inkorgen som ligger nära" in mine
    key = re.search(r'href="/admin/inkorg\?grupp=([a-z2-7]+)"', mine).group(1)
    assert "Finns det någon årlig uppföljning då?" in mine and "kebab" not in page
    assert "Finns det någon årlig uppföljning då?" in site.get(f"/admin/inkorg?grupp={key}").text
