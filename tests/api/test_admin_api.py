"""The workspace's JSON API (/api/admin/): roles, tokens, sessions with CSRF, conflicts, bad
input (a clear 4xx in Swedish, nothing stored), and a published curated answer given by the bot
at once. A tiny fictitious corpus with the fake embedder; every user and answer is fictitious."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from actions.web.admin_auth import SESSION_COOKIE
from actions.web.app import create_app
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.curated import CuratedStore
from knowledge.registry import DesignationStore
from knowledge.settings import Settings
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url

PASSWORD = "ett långt testlösenord"
QUESTION = "Vem sammanställer testrapporten i Testby?"
DRAFT = {
    "questions": [QUESTION, "vem gor testrapporten i testby"],
    "answer": "Testfunktionen sammanställer testrapporten (fiktivt svar).",
    "sources": [{"doc": "testdok", "section": "Uppdrag"}],
    "region": "all",
}


@pytest.fixture
def app_and_tokens(tmp_path, corpus):
    url = initialised(sqlite_url(tmp_path))
    settings = Settings(
        questions_dir=FICTITIOUS_QUESTIONS,
        secret_key=TEST_SECRET_KEY,
        sources_dir=corpus / "sources",
        index_dir=corpus / "build",
        embedding_model="fake-embedder",
        database_url=url,
        curated_poll_seconds=0.0,
    )
    engine = SearchEngine(settings)
    engine.__dict__["embedder"] = FakeEmbedder()
    accounts = AccountStore(url)
    tokens = {}
    for name, role in (("pl.test", "processledare"), ("red.test", "redaktor"), ("las.test", "lasare"),
                       ("adm.test", "admin")):  # fmt: skip
        accounts.add(name, role, PASSWORD)
        tokens[role] = {"Authorization": f"Bearer {accounts.create_token(name)}"}
    with TestClient(create_app(settings, engine)) as client:
        yield client, tokens, url


def _draft(client, tokens) -> dict:
    r = client.post("/api/admin/answers", json=DRAFT, headers=tokens["redaktor"])
    assert r.status_code == 201, r.text
    return r.json()


ENDPOINTS = [
    ("get", "/api/admin/answers"),
    ("post", "/api/admin/answers"),
    ("get", "/api/admin/answers/1"),
    ("put", "/api/admin/answers/1"),
    ("post", "/api/admin/answers/1/publish"),
    ("post", "/api/admin/answers/1/archive"),
    ("get", "/api/admin/designations"),
    ("put", "/api/admin/designations/farsta/gsa"),
    ("delete", "/api/admin/designations/farsta/gsa"),
    ("get", "/api/admin/inbox"),
    ("get", "/api/admin/feedback"),
    ("get", "/api/admin/audit"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer hok_fel"}, {"Authorization": "Basic eA=="}]
)
def test_every_call_is_refused_without_a_valid_token_or_session(app_and_tokens, method, path, headers):
    client, _, _ = app_and_tokens
    r = client.request(method, path, json={}, headers=headers)
    assert r.status_code == 401 and "logga in" in r.json()["detail"]


def test_a_draft_is_created_and_a_redaktor_cannot_publish_it(app_and_tokens):
    client, tokens, _ = app_and_tokens
    made = _draft(client, tokens)
    assert made["status"] == "draft" and isinstance(made["id"], int) and made["version"] == 1
    refused = client.post(
        f"/api/admin/answers/{made['id']}/publish", json={"version": 1}, headers=tokens["redaktor"]
    )
    assert refused.status_code == 403 and "processledare" in refused.json()["detail"]
    assert (
        client.get(f"/api/admin/answers/{made['id']}", headers=tokens["lasare"]).json()["status"] == "draft"
    )


@pytest.mark.parametrize("body", [{}, {"version": "ett"}, {"version": 1, "okänt": True}, [1]])
def test_who_may_publish_is_settled_before_the_body_is_validated(app_and_tokens, body):
    client, tokens, _ = app_and_tokens
    made = _draft(client, tokens)
    for action in ("publish", "archive"):
        refused = client.post(
            f"/api/admin/answers/{made['id']}/{action}", json=body, headers=tokens["redaktor"]
        )
        assert refused.status_code == 403 and "processledare" in refused.json()["detail"]
    bad = client.post(f"/api/admin/answers/{made['id']}/publish", json=body, headers=tokens["processledare"])
    assert bad.status_code == 422 and "Fel i förfrågan" in bad.json()["detail"]  # a right: then the body
    wrong_role = client.put("/api/admin/designations/farsta/gsa", json=body, headers=tokens["redaktor"])
    assert wrong_role.status_code == 403 and "registret" in wrong_role.json()["detail"]
    assert (
        client.get(f"/api/admin/answers/{made['id']}", headers=tokens["lasare"]).json()["status"] == "draft"
    )


def test_a_published_answer_is_given_by_the_bot_at_once_with_kind_curated(app_and_tokens):
    client, tokens, _ = app_and_tokens
    before = client.post("/api/answer", json={"question": QUESTION}).json()
    assert before["answer"]["kind"] != "curated"
    made = _draft(client, tokens)
    published = client.post(
        f"/api/admin/answers/{made['id']}/publish", json={"version": 1}, headers=tokens["processledare"]
    )
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published" and published.json()["check"]["ok"]
    after = client.post("/api/answer", json={"question": QUESTION}).json()
    assert after["answer"]["kind"] == "curated"
    assert after["text"].startswith("Testfunktionen sammanställer testrapporten")
    assert after["answer"]["sources"][0]["doc"] == "testdok"
    archived = client.post(
        f"/api/admin/answers/{made['id']}/archive", json={"version": 1}, headers=tokens["processledare"]
    )
    assert archived.json()["status"] == "archived"
    assert client.post("/api/answer", json={"question": QUESTION}).json()["answer"]["kind"] != "curated"


def test_an_answer_resting_on_no_source_is_signed_by_the_process_lead(app_and_tokens):
    client, tokens, _ = app_and_tokens
    body = {**DRAFT, "sources": []}
    made = client.post("/api/admin/answers", json=body, headers=tokens["processledare"]).json()
    client.post(
        f"/api/admin/answers/{made['id']}/publish", json={"version": 1}, headers=tokens["processledare"]
    )
    after = client.post("/api/answer", json={"question": QUESTION}).json()
    assert after["answer"]["kind"] == "curated" and "Svar från processledaren, 20" in after["text"]


def test_an_edit_from_a_stale_version_is_a_conflict_and_overwrites_nothing(app_and_tokens):
    client, tokens, _ = app_and_tokens
    made = _draft(client, tokens)
    path = f"/api/admin/answers/{made['id']}"
    first = client.put(
        path, json={**DRAFT, "answer": "Först (fiktivt).", "version": 1}, headers=tokens["redaktor"]
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.put(
        path, json={**DRAFT, "answer": "Sedan (fiktivt).", "version": 1}, headers=tokens["processledare"]
    )
    assert second.status_code == 409 and "Ladda om" in second.json()["detail"]
    stale_publish = client.post(f"{path}/publish", json={"version": 1}, headers=tokens["processledare"])
    assert stale_publish.status_code == 409
    shown = client.get(path, headers=tokens["lasare"]).json()
    assert shown["answer"] == "Först (fiktivt)." and [v["version"] for v in shown["history"]] == [1, 2]


def test_the_diff_shows_what_changed_since_publishing(app_and_tokens):
    client, tokens, _ = app_and_tokens
    made = _draft(client, tokens)
    path = f"/api/admin/answers/{made['id']}"
    client.post(f"{path}/publish", json={"version": 1}, headers=tokens["processledare"])
    client.put(path, json={**DRAFT, "answer": "Nytt fiktivt svar.", "version": 1}, headers=tokens["redaktor"])
    shown = client.get(path, headers=tokens["redaktor"]).json()
    (row,) = [r for r in shown["diff"]["rows"] if r["field"] == "answer"]
    assert shown["unpublished_changes"] and row["changed"]
    assert "Testfunktionen" in "".join(s["text"] for s in row["left"] if s["kind"] == "removed")
    assert "".join(s["text"] for s in row["right"]) == "Nytt fiktivt svar."
    assert shown["published"]["answer"] == DRAFT["answer"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({**DRAFT, "questions": []}, 422, "questions"),
        ({k: v for k, v in DRAFT.items() if k != "answer"}, 422, "answer"),
        ({**DRAFT, "answer": "x" * 4001}, 422, "answer"),
        ({**DRAFT, "region": "goteborg"}, 422, "region"),
        ({**DRAFT, "sources": [{"doc": "finns-inte", "section": ""}]}, 422, "Okänt källdokument"),
        ({**DRAFT, "extra": 1}, 422, "extra"),
        ([1, 2], 422, "Fel i förfrågan"),
    ],
)
def test_bad_answers_get_a_swedish_4xx_and_nothing_is_stored(app_and_tokens, body, status, message):
    client, tokens, url = app_and_tokens
    r = client.post("/api/admin/answers", json=body, headers=tokens["redaktor"])
    assert r.status_code == status and message in r.json()["detail"]
    assert CuratedStore(url).list() == []


def test_unparsable_bodies_get_a_swedish_4xx(app_and_tokens):
    client, tokens, url = app_and_tokens
    headers = {**tokens["redaktor"], "Content-Type": "application/json"}
    for body in (b"\xff\xfe", b"{", b'{"questions": ["\\ud800"], "answer": "x"}'):
        r = client.post("/api/admin/answers", content=body, headers=headers)
        assert 400 <= r.status_code < 500 and r.json()["detail"]
    assert CuratedStore(url).list() == []


def test_roles_decide_who_may_do_what(app_and_tokens):
    client, tokens, _ = app_and_tokens
    assert client.get("/api/admin/inbox", headers=tokens["lasare"]).status_code == 200
    assert client.post("/api/admin/answers", json=DRAFT, headers=tokens["lasare"]).status_code == 403
    assert client.get("/api/admin/audit", headers=tokens["lasare"]).status_code == 403
    assert client.get("/api/admin/audit", headers=tokens["admin"]).status_code == 200
    assert client.post("/api/admin/answers", json=DRAFT, headers=tokens["admin"]).status_code == 403
    put = client.put(
        "/api/admin/designations/farsta/gsa", json={"name": "X (fiktiv)"}, headers=tokens["redaktor"]
    )
    assert put.status_code == 403 and "registret" in put.json()["detail"]


def test_designations_are_set_conflict_checked_and_removed(app_and_tokens):
    client, tokens, url = app_and_tokens
    lead = tokens["processledare"]
    path = "/api/admin/designations/farsta/gsa"
    made = client.put(
        path, json={"name": "Testvårdcentralen (fiktiv)", "contact": "t@test.invalid"}, headers=lead
    )
    assert made.status_code == 200 and made.json()["area_name"] == "Farsta" and not made.json()["stale"]
    blind = client.put(path, json={"name": "Någon annan (fiktiv)"}, headers=lead)
    assert blind.status_code == 409 and "ändrats" in blind.json()["detail"]
    changed = client.put(path, json={"name": "Ny (fiktiv)", "version": made.json()["version"]}, headers=lead)
    assert changed.status_code == 200
    listed = client.get("/api/admin/designations", headers=tokens["lasare"]).json()
    assert [(d["area_id"], d["role"], d["name"]) for d in listed] == [("farsta", "gsa", "Ny (fiktiv)")]
    stale_delete = client.delete(path, params={"version": made.json()["version"]}, headers=lead)
    assert stale_delete.status_code == 409
    assert client.delete(path, params={"version": changed.json()["version"]}, headers=lead).status_code == 200
    assert DesignationStore(url).list() == []
    actions = [e["action"] for e in client.get("/api/admin/audit", headers=lead).json()]
    assert actions[:3] == ["designation.remove", "designation.set", "designation.set"]


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/admin/designations/atlantis/gsa", {"name": "X (fiktiv)"}, 404, "Okänt område"),
        ("/api/admin/designations/farsta/chef", {"name": "X (fiktiv)"}, 404, "Okänd roll"),
        ("/api/admin/designations/farsta/gsa", {"name": ""}, 422, "name"),
        ("/api/admin/designations/farsta/gsa", {"name": "X", "valid_from": "igår"}, 422, "valid_from"),
    ],
)
def test_bad_designations_get_a_swedish_4xx_and_nothing_is_stored(
    app_and_tokens, path, body, status, message
):
    client, tokens, url = app_and_tokens
    r = client.put(path, json=body, headers=tokens["processledare"])
    assert r.status_code == status and message in r.json()["detail"]
    assert DesignationStore(url).list() == []


def test_a_session_must_send_its_csrf_token_to_change_anything(app_and_tokens):
    client, _, url = app_and_tokens
    signed_in = AccountStore(url).sign_in("red.test", PASSWORD)
    client.cookies.set(SESSION_COOKIE, signed_in.session_id)
    try:
        assert client.get("/api/admin/answers").status_code == 200
        refused = client.post("/api/admin/answers", json=DRAFT)
        assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
        wrong = client.post("/api/admin/answers", json=DRAFT, headers={"X-CSRF-Token": "fel"})
        assert wrong.status_code == 403
        ok = client.post("/api/admin/answers", json=DRAFT, headers={"X-CSRF-Token": signed_in.csrf})
        assert ok.status_code == 201
    finally:
        client.cookies.clear()


def test_the_admin_api_is_part_of_the_openapi_schema(app_and_tokens):
    client, _, _ = app_and_tokens
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/admin/answers", "/api/admin/answers/{answer_id}/publish", "/api/admin/inbox",
            "/api/admin/designations/{area_id}/{role}", "/api/admin/audit"} <= set(paths)  # fmt: skip


def test_the_inbox_groups_unanswered_questions_and_a_group_becomes_phrasings(app_and_tokens):
    client, tokens, _url = app_and_tokens
    for question in (
        "Vilken pizzeria nära testcentralen har bäst kebab?",
        "vilken pizzeria nara testcentralen har bast kebab",
    ):
        client.post("/api/answer", json={"question": question})
    (group,) = client.get("/api/admin/inbox", headers=tokens["lasare"]).json()
    assert group["count"] == 2 and group["sources"] == {"inget svar": 2}
    made = _draft(client, tokens)
    path = f"/api/admin/inbox/{group['key']}/add-to/{made['id']}"
    assert client.post(path, json={"version": 1}, headers=tokens["lasare"]).status_code == 403
    added = client.post(path, json={"version": 1}, headers=tokens["redaktor"])
    assert added.status_code == 200 and added.json()["version"] == 2
    assert "vilken pizzeria nara testcentralen har bast kebab" in added.json()["questions"]
    assert client.get("/api/admin/inbox", headers=tokens["lasare"]).json() == []
    gone = client.post(
        f"/api/admin/inbox/{group['key']}/dismiss", json={"reason": "x"}, headers=tokens["redaktor"]
    )
    assert gone.status_code == 404 and "Gruppen finns inte" in gone.json()["detail"]
