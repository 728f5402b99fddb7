"""The inbox page (/admin/inkorg) and the overview's links to it: search, filters, paging that
keeps the filters, groups a published answer answers moving to "Besvarade", the "Lägg till i
svar" picker, and changes from the page audited once. Fictitious questions, users and answers;
the tiny fictitious corpus with the fake embedder."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient

from actions.web.app import create_app
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.audit import AuditLog
from knowledge.curated import Content, CuratedStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.settings import Settings
from knowledge.statistics import REVIEW_EXPLANATION
from tests.api.workspace_session import PASSWORD, csrf_of
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url

PARKING = "Vem betalar parkeringen vid testcentralen?"
FIKA = "Får personalen bjuda på fikabröd på mötet i Malmö?"
BLANKETT = "Vilken blankett gäller för testanmälan i Farsta?"
KEBAB = "Vilken pizzeria nära testcentralen har bäst kebab?"
JOUR = "Går det att nå testjouren under helgen?"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2099, 1, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def site(tmp_path, corpus):
    url = initialised(sqlite_url(tmp_path))
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS, secret_key=TEST_SECRET_KEY,
        sources_dir=corpus / "sources", index_dir=corpus / "build", embedding_model="fake-embedder",
        database_url=url, curated_poll_seconds=0.0,
    )  # fmt: skip
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    AccountStore(url).add("pl.test", "processledare", PASSWORD)
    clock = Clock()
    log = QuestionLog(url, clock)
    asked = ((PARKING, 2, 4), (FIKA, 10, 3), (BLANKETT, 20, 2), (KEBAB, 25, 1), (JOUR, 28, 1))
    for text, day, times in asked:
        for n in range(times):
            clock.now = dt.datetime(2099, 1, day, 8, n, tzinfo=dt.UTC)
            log.add(text, "abstain")
    Inbox(url).add("conv-test", BLANKETT)  # a user asked for it to be passed on
    with TestClient(create_app(settings, engine), follow_redirects=False) as client:
        page = client.get("/admin/login")
        client.post(
            "/admin/login", data={"name": "pl.test", "password": PASSWORD, "csrf": csrf_of(page.text)}
        )
        yield client, url


def _shown(page: str) -> list[str]:
    """The groups' questions on an inbox page, in order."""
    return [html.unescape(q) for q in re.findall(r'<h2 id="g-[a-z2-7]+">([^<]+)</h2>', page)]


def _key(page: str, question: str) -> str:
    return re.search(rf'<h2 id="g-([a-z2-7]+)">{re.escape(html.escape(question))}</h2>', page).group(1)


def test_search_finds_a_group_by_a_word_of_its_questions(site):
    client, _ = site
    assert _shown(client.get("/admin/inkorg").text) == [PARKING, FIKA, BLANKETT, JOUR, KEBAB]
    found = client.get("/admin/inkorg", params={"sok": "fikabrod"})
    assert found.status_code == 200 and _shown(found.text) == [FIKA]
    assert 'value="fikabrod"' in found.text  # the search field keeps what was asked
    assert _shown(client.get("/admin/inkorg", params={"sok": "kebab pizzeria"}).text) == [KEBAB]
    assert "Inga grupper matchar filtren" in client.get("/admin/inkorg", params={"sok": "zebra"}).text


def test_filters_by_source_region_and_period_and_the_passed_on_group_says_when(site):
    client, _ = site
    passed = client.get("/admin/inkorg", params={"kalla": "vidareskickad"}).text
    assert _shown(passed) == [BLANKETT]
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert f"Bad om att bli kontaktad {today}" in passed
    assert '<option value="vidareskickad" selected>' in passed
    assert _shown(client.get("/admin/inkorg", params={"region": "skane"}).text) == [FIKA]
    assert _shown(client.get("/admin/inkorg", params={"region": "stockholm"}).text) == [BLANKETT]
    january = {"fran": "2099-01-05", "till": "2099-01-25"}
    assert _shown(client.get("/admin/inkorg", params=january).text) == [FIKA, BLANKETT, KEBAB]
    assert _shown(client.get("/admin/inkorg", params={"sortering": "nyast"}).text)[0] == JOUR
    bad = client.get("/admin/inkorg", params={"fran": "igår"})
    assert bad.status_code == 422 and "ÅÅÅÅ-MM-DD" in bad.text
    unknown = client.get("/admin/inkorg", params={"kalla": "alla"})
    assert unknown.status_code == 422 and "Okänd källa" in unknown.text


def test_paging_keeps_the_filters(site):
    client, _ = site
    first = client.get(
        "/admin/inkorg", params={"kalla": "ej_besvarad", "sortering": "nyast", "per_sida": "2"}
    )
    assert _shown(first.text) == [JOUR, KEBAB]
    assert "sida 1 av 3" in first.text
    assert re.search(r'aria-current="page"><span class="visually-hidden">Sida </span>1<', first.text)
    links = [html.unescape(h) for h in re.findall(r'<a href="([^"]+)" rel="next"', first.text)]
    assert links == ["/admin/inkorg?kalla=ej_besvarad&sortering=nyast&sida=2&per_sida=2"]
    second = client.get(links[0])
    assert "sida 2 av 3" in second.text
    assert set(_shown(second.text)).isdisjoint(_shown(first.text))
    tabs = [html.unescape(h) for h in re.findall(r'<li><a href="([^"]+)"[^>]*>Besvarade', second.text)]
    assert tabs == ["/admin/inkorg?kalla=ej_besvarad&sortering=nyast&vy=besvarade&per_sida=2"]


def test_a_group_a_published_answer_answers_moves_to_besvarade_with_a_link(site):
    client, url = site
    store = CuratedStore(url)
    made = store.create(Content((PARKING,), "Testcentralen betalar (fiktivt).", (), "all"), by="pl.test")
    store.publish(made.id, 1, by="pl.test")
    open_page = client.get("/admin/inkorg").text
    assert PARKING not in _shown(open_page)
    assert re.search(r'aria-current="page">Öppna \(4\)', open_page)
    answered = client.get("/admin/inkorg", params={"vy": "besvarade"}).text
    assert _shown(answered) == [PARKING]
    assert re.search(r'aria-current="page">Besvarade \(1\)', answered)
    assert f'Besvaras nu av <a href="/admin/svar/{made.id}">svar {made.id}</a>' in answered


def test_adding_a_group_to_an_answer_from_the_inbox_is_audited_once(site):
    client, url = site
    store = CuratedStore(url)
    made = store.create(Content(("Vem betalar för testparkering?",), "Fiktivt.", (), "all"), by="pl.test")
    page = client.get("/admin/inkorg").text
    key = _key(page, PARKING)
    assert f'<option value="{made.id}:1">' in page
    done = client.post(
        f"/admin/inkorg/{key}", data={"action": "add", "answer": f"{made.id}:1", "csrf": csrf_of(page)}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/admin/svar/{made.id}?sparat=1"
    assert PARKING in store.get(made.id).content.questions
    added = [e for e in AuditLog(url).list() if e.action == "inbox.add_phrasings"]
    assert len(added) == 1 and added[0].actor == "pl.test"
    assert PARKING not in _shown(client.get("/admin/inkorg").text)
    stale = client.post(
        f"/admin/inkorg/{_key(page, FIKA)}",
        data={"action": "add", "answer": f"{made.id}:1", "csrf": csrf_of(page)},
    )
    assert stale.status_code == 409  # the answer changed since the page was shown


def test_dismissing_keeps_the_filters_and_is_audited_once(site):
    client, url = site
    page = client.get("/admin/inkorg", params={"sok": "kebab"}).text
    done = client.post(
        f"/admin/inkorg/{_key(page, KEBAB)}",
        data={"action": "dismiss", "reason": "Utanför uppdraget (fiktivt)", "csrf": csrf_of(page),
              "tillbaka": "sok=kebab"},
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/admin/inkorg?sok=kebab"
    assert [e.action for e in AuditLog(url).list()].count("inbox.dismiss") == 1
    assert KEBAB not in _shown(client.get("/admin/inkorg").text)


def test_the_picker_searches_answers_and_tells_two_with_the_same_first_question_apart(site):
    client, url = site
    store = CuratedStore(url)
    one = store.create(Content(("Hur bokar jag testlokalen?",), "Svar ett (fiktivt).", (), "all"), by="pl")
    two = store.create(Content(("Hur bokar jag testlokalen?",), "Svar två (fiktivt).", (), "all"), by="pl")
    store.create(Content(("Vem äger testdatorn?",), "Svar tre (fiktivt).", (), "all"), by="pl")
    key = _key(client.get("/admin/inkorg").text, FIKA)
    page = client.get("/admin/inkorg", params={"valj": key, "svarsok": "TESTLOKALEN"}).text
    picker = re.search(rf'<select id="a-{key}" name="answer">(.*?)</select>', page).group(1)
    labels = [html.unescape(o) for o in re.findall(r'<option value="\d+:\d+">([^<]+)</option>', picker)]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert all(label.startswith("Hur bokar jag testlokalen?") for label in labels)
    assert f"svar {one.id}," in labels[0] and f"svar {two.id}," in labels[1]
    other = _key(page, PARKING)  # the other groups list every answer
    assert "Vem äger testdatorn?" in re.search(rf'<select id="a-{other}"(.*?)</select>', page).group(1)
    none = client.get("/admin/inkorg", params={"valj": key, "svarsok": "zebra"}).text
    assert "Inget svar har ”zebra” i sin första fråga" in none


def test_the_api_takes_the_same_query(site):
    client, url = site
    AccountStore(url).add("las.test", "lasare", PASSWORD)
    headers = {"Authorization": f"Bearer {AccountStore(url).create_token('las.test')}"}
    client.cookies.clear()
    found = client.get("/api/admin/inbox", params={"sok": "fikabrod"}, headers=headers)
    assert found.status_code == 200 and [g["question"] for g in found.json()] == [FIKA]
    assert found.headers["X-Total-Count"] == "1"
    passed = client.get("/api/admin/inbox", params={"kalla": "vidareskickad"}, headers=headers).json()
    assert [g["question"] for g in passed] == [BLANKETT] and passed[0]["passed_on_at"] is not None
    paged = client.get("/api/admin/inbox", params={"per_sida": 2, "sida": 3}, headers=headers)
    assert len(paged.json()) == 1 and paged.headers["X-Page-Count"] == "3"
    assert client.get("/api/admin/inbox", params={"kalla": "alla"}, headers=headers).status_code == 422


def test_the_overview_links_its_largest_groups_and_explains_what_needs_review(site):
    client, _ = site
    overview = client.get("/admin/").text
    assert REVIEW_EXPLANATION in html.unescape(overview)
    links = [html.unescape(h) for h in re.findall(r'<a href="(/admin/inkorg\?grupp=[a-z2-7]+)">', overview)]
    assert len(links) == 5
    one = client.get(links[0]).text
    assert _shown(one) == [PARKING] and "Visar en grupp" in one
