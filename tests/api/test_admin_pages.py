"""The workspace's pages (/admin/): sign-in with lock-out and CSRF, the session cookie's flags,
forms that refuse a post without the session's CSRF token, roles, sign-out. Fictitious users
and answers; a tiny fictitious corpus with the fake embedder."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from actions.web.app import create_app
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.audit import AuditLog
from knowledge.curated import CuratedStore, Status
from knowledge.registry import DesignationStore
from knowledge.settings import Settings
from tests.api.workspace_session import PASSWORD, csrf_of, post_sign_in
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url

PAGES = [
    "/admin/",
    "/admin/inkorg",
    "/admin/svar",
    "/admin/svar/ny",
    "/admin/register",
    "/admin/logg",
    "/admin/betyg",
]


@pytest.fixture
def site(tmp_path, corpus):
    url = initialised(sqlite_url(tmp_path))
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        secret_key=TEST_SECRET_KEY,
        sources_dir=corpus / "sources", index_dir=corpus / "build", embedding_model="fake-embedder",
        database_url=url, curated_poll_seconds=0.0, admin_lockout_failures=3,
    )  # fmt: skip
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    accounts = AccountStore(url)
    accounts.add("pl.test", "processledare", PASSWORD)
    accounts.add("red.test", "redaktor", PASSWORD)
    accounts.add("las.test", "lasare", PASSWORD)
    with TestClient(create_app(settings, engine), follow_redirects=False) as client:
        yield client, url


def sign_in(client, name: str, password: str = PASSWORD):
    return post_sign_in(client, name, password, till="/admin/svar")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_redirects_to_the_sign_in_page_without_a_session(site, path):
    client, _ = site
    r = client.get(path)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/login?till=")


def test_signing_in_sets_a_safe_session_cookie_and_goes_where_asked(site):
    client, url = site
    r = sign_in(client, "pl.test")
    assert r.status_code == 303 and r.headers["location"] == "/admin/svar"
    cookie = r.headers["set-cookie"]
    assert (
        "hok_admin=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200 and 'lang="sv"' in page.text, path
    assert [e.action for e in AuditLog(url).list()] == ["sign_in"]


def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account(site):
    client, _ = site
    for _ in range(3):
        r = sign_in(client, "pl.test", "fel lösenord igen")
        assert r.status_code == 401 and "Fel användarnamn eller lösenord" in r.text
    locked = sign_in(client, "pl.test")
    assert locked.status_code == 401 and "låst" in locked.text
    assert "hok_admin" not in client.cookies


def test_a_sign_in_without_its_csrf_token_is_refused(site):
    client, _ = site
    r = client.post("/admin/login", data={"name": "pl.test", "password": PASSWORD})
    assert r.status_code == 403 and "säkerhetskod" in r.text


def test_a_form_post_without_the_session_csrf_token_is_refused_and_nothing_is_stored(site):
    client, url = site
    sign_in(client, "red.test")
    body = {"questions": "Vem gör testrapporten?", "answer": "Testfunktionen (fiktivt).", "region": "all"}
    refused = client.post("/admin/svar", data=body)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert CuratedStore(url).list() == []
    editor = client.get("/admin/svar/ny").text
    assert '<option value="all" selected>' in editor  # a new answer is for every region unless told
    made = client.post("/admin/svar", data={**body, "csrf": csrf_of(editor)})
    assert made.status_code == 303 and CuratedStore(url).list()[0].status is Status.DRAFT


def test_a_redaktor_cannot_publish_but_a_processledare_can(site):
    client, url = site
    sign_in(client, "red.test")
    csrf = csrf_of(client.get("/admin/svar/ny").text)
    client.post("/admin/svar", data={"questions": "Vem gör testrapporten?", "answer": "Fiktivt svar.",
                                     "region": "all", "csrf": csrf})  # fmt: skip
    answer = CuratedStore(url).list()[0]
    page = client.get(f"/admin/svar/{answer.id}")
    assert 'value="publish"' not in page.text
    refused = client.post(
        f"/admin/svar/{answer.id}", data={"action": "publish", "version": "1", "csrf": csrf}
    )
    assert refused.status_code == 403 and "processledare" in refused.text
    client.post("/admin/logout", data={"csrf": csrf})
    sign_in(client, "pl.test")
    csrf = csrf_of(client.get(f"/admin/svar/{answer.id}").text)
    done = client.post(f"/admin/svar/{answer.id}", data={"action": "publish", "version": "1", "csrf": csrf})
    assert done.status_code == 303 and CuratedStore(url).get(answer.id).status is Status.PUBLISHED


def test_a_redaktor_posting_a_publish_is_refused_before_the_form_is_read(site):
    client, url = site
    sign_in(client, "red.test")
    csrf = csrf_of(client.get("/admin/svar/ny").text)
    client.post("/admin/svar", data={"questions": "Vem gör testrapporten?", "answer": "Fiktivt svar.",
                                     "region": "all", "csrf": csrf})  # fmt: skip
    answer = CuratedStore(url).list()[0]
    for action in ("publish", "archive"):
        refused = client.post(
            f"/admin/svar/{answer.id}", data={"action": action, "version": "inte ett tal", "csrf": csrf}
        )
        assert refused.status_code == 403 and "processledare" in refused.text
    assert CuratedStore(url).get(answer.id).status is Status.DRAFT


def test_a_lasare_sees_but_changes_nothing(site):
    client, _ = site
    sign_in(client, "las.test")
    assert client.get("/admin/inkorg").status_code == 200
    assert client.get("/admin/svar/ny").status_code == 403
    assert client.get("/admin/logg").status_code == 403
    csrf = csrf_of(client.get("/admin/").text)
    r = client.post("/admin/register/farsta/gsa", data={"name": "X (fiktiv)", "csrf": csrf})
    assert r.status_code == 403 and "registret" in r.text


def test_the_register_is_edited_in_the_browser_and_a_stale_form_is_a_conflict(site):
    client, _ = site
    sign_in(client, "pl.test")
    form = client.get("/admin/register?omrade=farsta").text
    csrf = csrf_of(form)
    made = client.post(
        "/admin/register/farsta/gsa", data={"name": "Testvården (fiktiv)", "csrf": csrf, "version": ""}
    )
    assert made.status_code == 303
    assert "Testvården (fiktiv)" in client.get("/admin/register").text
    stale = client.post(
        "/admin/register/farsta/gsa", data={"name": "Annan (fiktiv)", "csrf": csrf, "version": ""}
    )
    assert stale.status_code == 409 and "ändrats" in stale.text


def test_signing_out_ends_the_session(site):
    client, _ = site
    sign_in(client, "pl.test")
    csrf = csrf_of(client.get("/admin/").text)
    out = client.post("/admin/logout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/admin/login?utloggad=1"
    client.cookies.clear()
    assert client.get("/admin/").status_code == 303


def test_an_unanswered_question_is_grouped_in_the_inbox_and_can_be_dismissed_or_answered(site):
    client, _url = site
    for question in (
        "Vilken pizzeria nära testcentralen har bäst kebab?",
        "vilken pizzeria nara testcentralen har bast kebab",
    ):
        assert client.post("/api/answer", json={"question": question}).json()["answer"]["kind"] == "abstain"
    sign_in(client, "pl.test")
    page = client.get("/admin/inkorg").text
    assert page.count('class="group"') == 1 and "2 gånger" in page
    key = re.search(r'action="/admin/inkorg/([a-z2-7]+)"', page).group(1)
    new = re.search(r'href="(/admin/svar/ny\?fraga=[^"]+)"', page).group(1).replace("&amp;", "&")
    editor = client.get(new).text
    assert "Vilken pizzeria nära testcentralen har bäst kebab?" in editor and "vilken pizzeria nara" in editor
    csrf = csrf_of(page)
    refused = client.post(f"/admin/inkorg/{key}", data={"action": "dismiss", "reason": "x"})
    assert refused.status_code == 403
    done = client.post(
        f"/admin/inkorg/{key}", data={"action": "dismiss", "reason": "Utanför (fiktivt)", "csrf": csrf}
    )
    assert done.status_code == 303 and "Inkorgen är tom" in client.get("/admin/inkorg").text
    assert "Frågor per dag" in client.get("/admin/").text


def test_the_register_is_verified_exported_and_imported_as_csv(site):
    client, url = site
    sign_in(client, "pl.test")
    csrf = csrf_of(client.get("/admin/register?omrade=farsta").text)
    client.post(
        "/admin/register/farsta/gsa", data={"name": "Testvården (fiktiv)", "csrf": csrf, "version": ""}
    )
    before = DesignationStore(url).get("farsta", "gsa")
    verified = client.post(
        "/admin/register/farsta/gsa", data={"action": "verify", "csrf": csrf, "version": str(before.version)}
    )
    assert verified.status_code == 303
    after = DesignationStore(url).get("farsta", "gsa")
    assert after.name == before.name and after.version == before.version + 1
    assert [h.action for h in DesignationStore(url).history("farsta")] == ["set", "verify"]

    exported = client.get("/admin/register/export.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "Testvården (fiktiv)" in exported.text
    changed = exported.text.replace("Testvården (fiktiv)", "Importvården (fiktiv)")
    refused = client.post("/admin/register/import", files={"fil": ("r.csv", changed.encode())})
    assert refused.status_code == 403
    done = client.post(
        "/admin/register/import", data={"csrf": csrf}, files={"fil": ("r.csv", changed.encode())}
    )
    # The upload shows a preview first; "Genomför" applies exactly what it showed.
    assert done.status_code == 200 and "ändras" in done.text
    assert DesignationStore(url).get("farsta", "gsa").name == "Testvården (fiktiv)"
    fields = dict(re.findall(r'name="(digest|data)" value="([^"]+)"', done.text))
    applied = client.post("/admin/register/import/genomfor", data={"csrf": csrf, **fields})
    assert applied.status_code == 303
    assert "1 uppgifter ändrades" in client.get(applied.headers["location"]).text
    assert DesignationStore(url).get("farsta", "gsa").name == "Importvården (fiktiv)"
    bad = client.post(
        "/admin/register/import", data={"csrf": csrf}, files={"fil": ("r.csv", b"\xff\xfe\x00trasig")}
    )
    assert bad.status_code == 422 and "Inget importerades" in bad.text
    assert DesignationStore(url).get("farsta", "gsa").name == "Importvården (fiktiv)"
