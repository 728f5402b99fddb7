"""The answer editor's "Prova" in plain Swedish, the side-by-side version diff, the audit log page
with its filters, and the sign-in page after signing out. Fictitious users and answers; a tiny
fictitious corpus with the fake embedder."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient

from actions.web.app import create_app
from actions.web.routers import audit
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.curated import CuratedStore
from knowledge.settings import Settings
from tests.api.workspace_session import PASSWORD, csrf_of, sign_in
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url

QUESTION = "Vem betalar parkeringen vid testcentralen?"
ANSWER = "Testcentralen betalar parkeringen (fiktivt)."


@pytest.fixture
def site(tmp_path, corpus):
    url = initialised(sqlite_url(tmp_path))
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        secret_key=TEST_SECRET_KEY,
        sources_dir=corpus / "sources", index_dir=corpus / "build", embedding_model="fake-embedder",
        database_url=url, curated_poll_seconds=0.0,
    )  # fmt: skip
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    accounts = AccountStore(url)
    accounts.add("pl.test", "processledare", PASSWORD)
    accounts.add("red.test", "redaktor", PASSWORD)
    with TestClient(create_app(settings, engine), follow_redirects=False) as client:
        yield client, url


def write(client: TestClient, csrf: str, answer: str = ANSWER, questions: str = QUESTION) -> int:
    made = client.post("/admin/svar", data={"questions": questions, "answer": answer, "region": "all",
                                            "csrf": csrf})  # fmt: skip
    assert made.status_code == 303
    return int(re.search(r"/admin/svar/(\d+)", made.headers["location"]).group(1))


def publish(client: TestClient, csrf: str, answer_id: int, version: int) -> None:
    done = client.post(f"/admin/svar/{answer_id}", data={"action": "publish", "version": str(version),
                                                         "csrf": csrf, "accept_conflicts": "1"})  # fmt: skip
    assert done.status_code == 303, done.text


def edit(client: TestClient, csrf: str, answer_id: int, version: int, answer: str) -> None:
    saved = client.post(f"/admin/svar/{answer_id}", data={"action": "save", "version": str(version),
                        "questions": QUESTION, "answer": answer, "region": "all", "csrf": csrf})  # fmt: skip
    assert saved.status_code == 303, saved.text


def text_of(page: str) -> str:
    """The page's visible text, roughly: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>\n\n", start)]


def test_prova_says_in_swedish_what_the_bot_answers_with_the_signals_behind_a_disclosure(site):
    client, _ = site
    csrf = sign_in(client, "pl.test")
    answer_id = write(client, csrf)
    publish(client, csrf, answer_id, 1)
    edit(client, csrf, answer_id, 1, "Testcentralen betalar all parkering (fiktivt).")

    page = client.get(f"/admin/svar/{answer_id}", params={"fraga": QUESTION}).text
    trial = section(page, "prova")
    outside = re.sub(r"<details.*?</details>", "", trial, flags=re.S)
    shown = text_of(outside)
    assert "(abstain)" not in shown and "Signaler:" not in shown and "(curated)" not in shown
    assert "Svar från processledaren" in shown
    today = f"{dt.datetime.now(dt.UTC):%Y-%m-%d}"
    assert f"Svar från processledaren, {today}" in shown  # the date is never missing
    assert "Svar från processledaren, ." not in shown
    assert re.search(r"Säkerhet:\s+(hög|medel|låg)", shown)
    assert ANSWER in shown and "Testcentralen betalar all parkering (fiktivt)." in shown  # now, and the draft
    assert "<summary>Tekniska detaljer</summary>" in trial and "probability" in trial

    off_topic = client.get(f"/admin/svar/{answer_id}", params={"fraga": "Vilken pizzeria har bäst kebab?"})
    shown = text_of(re.sub(r"<details.*?</details>", "", section(off_topic.text, "prova"), flags=re.S))
    assert "Inget svar" in shown and "(abstain)" not in shown and re.search(r"Säkerhet:\s+låg", shown)


def test_prova_links_a_passage_answer_to_its_passage_in_the_source_viewer(site):
    client, _ = site
    csrf = sign_in(client, "red.test")
    answer_id = write(client, csrf)
    question = "Vad ska testfunktionen ha god kunskap om?"
    trial = section(client.get(f"/admin/svar/{answer_id}", params={"fraga": question}).text, "prova")
    assert "Citat ur källan" in trial and "socialtjänstens organisation" in trial
    (link,) = {html.unescape(x) for x in re.findall(r'<a href="(/kallor/[^"]+)"', trial)}
    assert link.startswith("/kallor/testdok?stycke=") and "#stycke-" in link
    viewer = client.get(link)
    assert viewer.status_code == 200 and f'id="{link.split("#")[1]}"' in viewer.text
    assert "Samma svar som ovan" in trial  # the draft does not answer this


def test_a_curated_source_links_to_its_section_in_the_source_viewer(site):
    client, _ = site
    csrf = sign_in(client, "red.test")
    body = {"questions": QUESTION, "answer": ANSWER, "region": "all", "csrf": csrf}
    search = client.post("/admin/svar", data={**body, "action": "search", "sok": "sammankallar"})
    key = html.unescape(re.search(r'name="source" value="([^"]+)"', search.text).group(1))
    made = client.post("/admin/svar", data={**body, "source": key})
    answer_id = int(made.headers["location"].split("/")[-1].split("?")[0])
    page = client.get(f"/admin/svar/{answer_id}").text
    link = html.unescape(re.search(r'class="source-link" href="([^"]+)"', page).group(1))
    doc, _, section_name = key.partition("|")
    assert link.startswith(f"/kallor/{doc}")
    if section_name:
        assert "#stycke-" in link
    assert client.get(link).status_code == 200


def test_the_diff_shows_both_versions_side_by_side_with_the_changed_word_marked(site):
    client, _ = site
    csrf = sign_in(client, "pl.test")
    answer_id = write(client, csrf, answer="Testcentralen betalar parkeringen (fiktivt).")
    publish(client, csrf, answer_id, 1)
    edit(client, csrf, answer_id, 1, "Kommunen betalar parkeringen (fiktivt).")
    page = client.get(f"/admin/svar/{answer_id}").text
    diff = section(page, "skillnad")
    assert "---" not in diff and "+++" not in diff and "@@" not in diff
    assert "<del>Testcentralen</del>" in diff and "<ins>Kommunen</ins>" in diff
    assert "Publicerad (version 1)" in diff and "Utkast (version 2)" in diff
    assert "överstruken" in diff and "understruken" in diff  # the legend says it in words
    assert "betalar parkeringen" in text_of(diff)  # the unchanged words stay plain

    # Two history versions, by the history's link.
    edit(client, csrf, answer_id, 2, "Kommunen betalar all parkering (fiktivt).")
    page = client.get(f"/admin/svar/{answer_id}").text
    assert f"/admin/svar/{answer_id}?fran=2&amp;till=3#skillnad" in page
    between = section(
        client.get(f"/admin/svar/{answer_id}", params={"fran": "2", "till": "3"}).text, "skillnad"
    )
    assert "Version 2" in between and "Version 3" in between and "<ins>all parkering</ins>" in between
    assert "<del>parkeringen</del>" in between


def test_the_api_gives_the_diff_as_two_sides(site):
    client, _ = site
    csrf = sign_in(client, "pl.test")
    answer_id = write(client, csrf)
    publish(client, csrf, answer_id, 1)
    edit(client, csrf, answer_id, 1, "Kommunen betalar parkeringen (fiktivt).")
    diff = client.get(f"/api/admin/answers/{answer_id}").json()["diff"]
    (row,) = [r for r in diff["rows"] if r["field"] == "answer"]
    assert {"kind": "removed", "text": "Testcentralen"} in row["left"]
    assert {"kind": "added", "text": "Kommunen"} in row["right"]


def test_the_audit_log_is_swedish_with_what_changed_links_and_filters(site):
    client, _ = site
    csrf = sign_in(client, "red.test")
    answer_id = write(client, csrf)
    client.post("/admin/logout", data={"csrf": csrf})
    csrf = sign_in(client, "pl.test")
    publish(client, csrf, answer_id, 1)
    form = client.get("/admin/register?omrade=farsta").text
    gsa = {"name": "Testvården (fiktiv)", "csrf": csrf_of(form), "version": ""}
    registered = client.post("/admin/register/farsta/gsa", data=gsa)
    assert registered.status_code == 303

    page = client.get("/admin/logg").text
    shown = text_of(page)
    assert "answer.publish" not in shown and "designation:farsta" not in shown
    assert f"Publicerade svar {answer_id} ({QUESTION})" in shown
    assert "GSA för Farsta" in shown and "Testvården (fiktiv)" in shown  # the area's name, what changed
    assert "Status" in shown and "utkast" in shown and "publicerat" in shown  # före → efter
    link = re.search(rf'<a href="(/admin/svar/{answer_id})">Publicerade', page).group(1)
    assert client.get(link).status_code == 200
    register_link = html.unescape(
        re.search(r'<a href="(/admin/register\?omrade=farsta[^"]*)"', page).group(1)
    )
    assert client.get(register_link).status_code == 200
    assert '<option value="red.test">' in page and '<option value="svar">Kurerade svar</option>' in page

    by_red = text_of(client.get("/admin/logg", params={"person": "red.test"}).text)
    assert "Skrev ett nytt svar" in by_red and "Publicerade" not in by_red and "GSA för Farsta" not in by_red
    registry = text_of(client.get("/admin/logg", params={"sort": "register"}).text)
    assert "GSA för Farsta" in registry and "Publicerade" not in registry and "Loggade in" not in registry
    today = dt.datetime.now(dt.UTC).date()
    long_ago = text_of(client.get("/admin/logg", params={"fran": "2001-01-01", "till": "2001-01-31"}).text)
    assert "Inga händelser med de här filtren." in long_ago and "Publicerade" not in long_ago
    this_day = text_of(
        client.get("/admin/logg", params={"fran": today.isoformat(), "till": today.isoformat()}).text
    )
    assert "Publicerade" in this_day
    wrong = client.get("/admin/logg", params={"fran": "igår"})
    assert wrong.status_code == 422 and "ÅÅÅÅ-MM-DD" in wrong.text


def test_the_audit_log_pages_keep_the_filters(site, monkeypatch):
    client, url = site
    csrf = sign_in(client, "pl.test")
    for n in range(3):
        write(client, csrf, answer=f"Fiktivt svar nummer {n}.", questions=f"Fiktiv fråga nummer {n}?")
    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    first = client.get("/admin/logg", params={"sort": "svar"}).text
    assert "sida 1 av 2" in first and "Fiktiv fråga nummer 2" in first and "nummer 0" not in first
    following = html.unescape(re.search(r'<a href="([^"]+)" rel="next">Nästa sida</a>', first).group(1))
    assert "sort=svar" in following and "sida=2" in following
    second = text_of(client.get(following).text)
    assert "sida 2 av 2" in second and "Fiktiv fråga nummer 0" in second
    assert len(CuratedStore(url).list()) == 3


def test_signing_out_says_so_on_the_sign_in_page(site):
    client, _ = site
    csrf = sign_in(client, "pl.test")
    out = client.post("/admin/logout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/admin/login?utloggad=1"
    page = client.get(out.headers["location"]).text
    assert re.search(r'role="status"[^>]*><p class="notice">Du är utloggad\.</p>', page)
    assert "Du är utloggad" not in client.get("/admin/login").text
    assert client.get("/admin/").status_code == 303  # the session is gone
