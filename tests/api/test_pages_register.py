"""The register page (/admin/register) and its designation API: search, filters and paging that
keep the filters; one role of one area edited at a time with the version check; a removal asked
first and undone with "Ångra"; a CSV import previewed before it is applied (and refused when the
register changed since); unique element ids; only a process lead changes anything. Fictitious
people on the real register of areas."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from actions.web.app import create_app
from index.service import SearchEngine
from knowledge.accounts import AccountStore
from knowledge.audit import AuditLog
from knowledge.registry import DesignationStore
from knowledge.settings import Settings
from tests.api.workspace_session import PASSWORD, sign_in
from tests.conftest import FICTITIOUS_QUESTIONS, TEST_SECRET_KEY, FakeEmbedder
from tests.databases import initialised, sqlite_url


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


def area_names(html: str) -> list[str]:
    """The areas listed, in order (each row's header)."""
    return [unescape(n) for n in re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a>', html)]


def hidden(html: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1))


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v is not None]


def duplicate_ids(html: str) -> list[str]:
    parser = Ids()
    parser.feed(html)
    return [i for i, n in Counter(parser.ids).items() if n > 1]


def test_the_register_is_searched_filtered_and_paged_keeping_the_filters(site):
    client, url = site
    sign_in(client, "pl.test")
    store = DesignationStore(url)
    store.set("farsta", "gsa", "Farstavården (fiktiv)", by="pl.test")

    everything = client.get("/admin/register").text
    assert "72 områden matchar, sida 1 av 2" in everything and len(area_names(everything)) == 50
    second = client.get("/admin/register?sida=2").text
    assert len(area_names(second)) == 22 and not set(area_names(second)) & set(area_names(everything))

    assert area_names(client.get("/admin/register?sok=hokarangen").text) == ["Farsta"]  # an alias, folded
    skane = client.get("/admin/register?region=skane").text
    assert (
        "33 områden matchar." in skane and "Bjuv" in area_names(skane) and "Farsta" not in area_names(skane)
    )

    without_gsa = area_names(client.get("/admin/register?saknar_gsa=1").text)
    assert "Farsta" not in without_gsa and len(without_gsa) == 50
    assert area_names(client.get("/admin/register?saknar_ksa=1&sok=farsta").text) == ["Farsta"]
    assert "Inga områden matchar" in client.get("/admin/register?ej_verifierad=1").text

    # Paging keeps the filters; the filter form shows them.
    stockholm = client.get("/admin/register?region=stockholm&saknar_ksa=1").text
    assert "39 områden matchar." in stockholm  # one page: no paging
    paged = client.get("/admin/register?saknar_ksa=1").text
    assert 'href="/admin/register?saknar_ksa=1&amp;sida=2"' in paged
    assert re.search(r'name="saknar_ksa" value="1" checked', paged)
    # A link to one area (as the audit log's) opens the page it is on.
    chosen = client.get("/admin/register?omrade=ystad").text
    assert "sida 2 av 2" in chosen and 'id="omrade-ystad" class="selected"' in chosen
    # The edit links carry the listing back.
    assert "tillbaka=saknar_ksa%3D1" in paged


def test_one_role_is_edited_and_a_conflict_keeps_what_was_written(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    form = client.get("/admin/register/farsta/ksa?tillbaka=region%3Dstockholm").text
    assert "KSA för Farsta" in form and hidden(form, "version") == ""
    saved = client.post(
        "/admin/register/farsta/ksa",
        data={"csrf": csrf, "version": "", "tillbaka": "region=stockholm", "name": "KSA-teamet (fiktivt)",
              "unit": "Testenheten", "contact": "ksa@test.invalid", "valid_from": "2026-01-01"},
    )  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/admin/register?region=stockholm&omrade=farsta&roll=ksa")
    listing = client.get(saved.headers["location"]).text
    assert "Sparat: KSA för Farsta." in listing and "KSA-teamet (fiktivt)" in listing
    assert "Testenheten" in listing and "ksa@test.invalid" in listing and "av pl.test" in listing
    made = DesignationStore(url).get("farsta", "ksa")
    assert made.unit == "Testenheten" and DesignationStore(url).get("farsta", "gsa") is None

    # Someone else changes it meanwhile; the form made from the old version is refused.
    DesignationStore(url).set("farsta", "ksa", "Någon annans (fiktivt)", by="annan.test")
    stale = client.post(
        "/admin/register/farsta/ksa",
        data={"csrf": csrf, "version": str(made.version), "name": "Mitt nya namn (fiktivt)",
              "contact": "min@test.invalid"},
    )  # fmt: skip
    assert stale.status_code == 409 and "har ändrats av någon annan" in stale.text
    assert hidden(stale.text, "name") == "Mitt nya namn (fiktivt)"  # nothing lost
    assert "Någon annans (fiktivt)" in stale.text  # what holds now, to compare
    assert DesignationStore(url).get("farsta", "ksa").name == "Någon annans (fiktivt)"
    huge = client.post("/admin/register/farsta/ksa", data={"csrf": csrf, "version": str(2**70), "name": "X"})
    assert huge.status_code == 409  # matches no version
    again = client.post(
        "/admin/register/farsta/ksa",
        data={"csrf": csrf, "version": hidden(stale.text, "version"), "name": "Mitt nya namn (fiktivt)"},
    )
    assert (
        again.status_code == 303
        and DesignationStore(url).get("farsta", "ksa").name == "Mitt nya namn (fiktivt)"
    )


def test_a_removal_is_asked_first_and_angra_restores_it_exactly(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    store = DesignationStore(url)
    store.set("farsta", "gsa", "Farstavården (fiktiv)", by="annan.test", unit="Enhet",
              contact="f@test.invalid", note="Fiktiv anteckning", source="Testkälla")  # fmt: skip
    before = store.get("farsta", "gsa")

    # The old way of asking for a removal only leads to the question.
    asked = client.post("/admin/register/farsta/gsa", data={"csrf": csrf, "action": "remove", "version": "1"})
    assert asked.status_code == 303 and asked.headers["location"].startswith(
        "/admin/register/farsta/gsa/ta-bort"
    )
    question = client.get("/admin/register/farsta/gsa/ta-bort?tillbaka=sok%3Dfarsta")
    assert question.status_code == 200
    assert (
        "Vill du ta bort GSA för Farsta (Farstavården (fiktiv))? Du kan ångra direkt efteråt."
        in question.text
    )
    assert store.get("farsta", "gsa") == before  # nothing removed by asking

    refused = client.post("/admin/register/farsta/gsa/ta-bort", data={"version": str(before.version)})
    assert refused.status_code == 403 and store.get("farsta", "gsa") == before
    removed = client.post(
        "/admin/register/farsta/gsa/ta-bort",
        data={"csrf": csrf, "version": str(before.version), "tillbaka": hidden(question.text, "tillbaka")},
    )
    assert removed.status_code == 303 and store.get("farsta", "gsa") is None
    assert removed.headers["location"].startswith("/admin/register?sok=farsta&omrade=farsta&borttagen=")
    page = client.get(removed.headers["location"]).text
    assert "Borttaget: GSA för Farsta (Farstavården (fiktiv))." in page and ">Ångra</button>" in page

    undone = client.post(
        "/admin/register/angra",
        data={"csrf": csrf, "borttagning": hidden(page, "borttagning"), "tillbaka": hidden(page, "tillbaka")},
    )
    assert undone.status_code == 303
    restored = store.get("farsta", "gsa")
    assert restored == before  # every field, who recorded it and when
    assert (restored.recorded_by, restored.recorded_at) == (before.recorded_by, before.recorded_at)
    after = client.get(undone.headers["location"]).text
    assert "Återställt: GSA för Farsta" in after and "Borttaget:" not in after
    again = client.post(
        "/admin/register/angra", data={"csrf": csrf, "borttagning": hidden(page, "borttagning")}
    )
    assert again.status_code == 409 and "kan inte ångras" in again.text

    history = client.get("/admin/register/farsta/gsa").text
    assert "pl.test, tog bort" in history and "pl.test, återställde" in history  # in Swedish

    audit = AuditLog(url)
    assert [e.action for e in audit.list(action="designation.remove")] == ["designation.remove"]
    assert [e.action for e in audit.list(action="designation.restore")] == ["designation.restore"]


def test_a_stale_confirmation_removes_nothing(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    store = DesignationStore(url)
    old = store.set("farsta", "gsa", "Gammal (fiktiv)", by="pl.test")
    question = client.get("/admin/register/farsta/gsa/ta-bort").text
    store.set("farsta", "gsa", "Ny (fiktiv)", by="annan.test", expected=old.version)
    stale = client.post(
        "/admin/register/farsta/gsa/ta-bort", data={"csrf": csrf, "version": hidden(question, "version")}
    )
    assert stale.status_code == 409 and "Ny (fiktiv)" in stale.text
    assert store.get("farsta", "gsa").name == "Ny (fiktiv)"
    assert client.get("/admin/register/farsta/ksa/ta-bort").status_code == 404  # none to remove


CSV_HEADER = "area_id,role,name,unit,contact\n"


def test_a_csv_import_is_previewed_then_applied_exactly(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    store = DesignationStore(url)
    store.set("farsta", "gsa", "Farstavården (fiktiv)", by="pl.test", unit="Enhet A")
    store.set("bromma", "gsa", "Brommavården (fiktiv)", by="pl.test")
    data = CSV_HEADER + (
        "farsta,gsa,Farstavården (fiktiv),Enhet B,\n"
        "bromma,gsa,Brommavården (fiktiv),,\n"
        "farsta,ksa,Farsta-KSA (fiktiv),,k@test.invalid\n"
    )
    preview = client.post(
        "/admin/register/import", data={"csrf": csrf}, files={"fil": ("r.csv", data.encode())}
    )
    assert preview.status_code == 200
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", preview.text)))
    assert "1 ny, 1 ändras, 1 oförändrad, 0 fel" in text
    assert "Enhet: Enhet A → Enhet B" in text and "Farsta KSA ny" in text and "Bromma GSA oförändrad" in text
    assert store.get("farsta", "gsa").unit == "Enhet A" and store.get("farsta", "ksa") is None  # nothing yet
    assert duplicate_ids(preview.text) == []

    fields = {"csrf": csrf, "digest": hidden(preview.text, "digest"), "data": hidden(preview.text, "data")}
    applied = client.post("/admin/register/import/genomfor", data=fields)
    assert applied.status_code == 303
    assert "Importen är klar: 2 uppgifter ändrades." in client.get(applied.headers["location"]).text
    assert (
        store.get("farsta", "gsa").unit == "Enhet B"
        and store.get("farsta", "ksa").contact == "k@test.invalid"
    )
    assert [e.after["changed"] for e in AuditLog(url).list(action="designation.import")] == [2]


def test_a_preview_is_not_applied_when_the_register_changed_since(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    store = DesignationStore(url)
    data = CSV_HEADER + "farsta,gsa,Importerad (fiktiv),,\n"
    preview = client.post(
        "/admin/register/import", data={"csrf": csrf}, files={"fil": ("r.csv", data.encode())}
    )
    store.set("farsta", "gsa", "Registrerad under tiden (fiktiv)", by="annan.test")
    fields = {"csrf": csrf, "digest": hidden(preview.text, "digest"), "data": hidden(preview.text, "data")}
    refused = client.post("/admin/register/import/genomfor", data=fields)
    assert refused.status_code == 409 and "Registret har ändrats sedan förhandsgranskningen" in refused.text
    assert "Inget importerades" in refused.text and "ändras" in refused.text  # the new preview
    assert store.get("farsta", "gsa").name == "Registrerad under tiden (fiktiv)"
    assert AuditLog(url).list(action="designation.import") == []

    bad = CSV_HEADER + "atlantis,gsa,X (fiktiv),,\n"
    errors = client.post(
        "/admin/register/import", data={"csrf": csrf}, files={"fil": ("r.csv", bad.encode())}
    )
    assert errors.status_code == 200 and "fel" in errors.text and "Genomför" not in errors.text


def test_no_element_id_is_used_twice_on_any_register_page(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    store = DesignationStore(url)
    for area in ("farsta", "bromma", "bjuv"):
        for role in ("gsa", "ksa"):
            store.set(area, role, f"{area} {role} (fiktiv)", by="pl.test")
    removed = client.post("/admin/register/farsta/ksa/ta-bort", data={"csrf": csrf, "version": "1"})
    for path in ("/admin/register", "/admin/register?sida=2", "/admin/register?omrade=farsta",
                 removed.headers["location"], "/admin/register/farsta/gsa", "/admin/register/farsta/ksa",
                 "/admin/register/bromma/gsa/ta-bort"):  # fmt: skip
        html = client.get(path).text
        assert duplicate_ids(html) == [], path


def test_a_redaktor_sees_the_register_but_changes_nothing(site):
    client, url = site
    store = DesignationStore(url)
    store.set("farsta", "gsa", "Farstavården (fiktiv)", by="pl.test")
    csrf = sign_in(client, "red.test")
    page = client.get("/admin/register")
    assert page.status_code == 200 and "Farstavården (fiktiv)" in page.text
    assert "Ändra GSA" not in page.text and "/ta-bort" not in page.text and "Importera" not in page.text
    for path in ("/admin/register/farsta/gsa", "/admin/register/farsta/gsa/ta-bort"):
        refused = client.get(path)
        assert refused.status_code == 403 and "Bara en processledare kan ändra registret." in refused.text
    for path, data in (
        ("/admin/register/farsta/gsa", {"name": "X (fiktiv)", "version": "1"}),
        ("/admin/register/farsta/gsa/ta-bort", {"version": "1"}),
        ("/admin/register/angra", {"borttagning": "1"}),
        ("/admin/register/import/genomfor", {"digest": "x", "data": "eA=="}),
    ):
        assert client.post(path, data={"csrf": csrf, **data}).status_code == 403, path
    assert store.get("farsta", "gsa").name == "Farstavården (fiktiv)"


def test_the_api_removes_through_the_audited_edits_and_undoes(site):
    client, url = site
    csrf = sign_in(client, "pl.test")
    headers = {"X-CSRF-Token": csrf}
    path = "/api/admin/designations/farsta/gsa"
    made = client.put(path, json={"name": "API-vården (fiktiv)", "unit": "Enhet"}, headers=headers).json()
    removed = client.delete(path, params={"version": made["version"]}, headers=headers)
    assert removed.status_code == 200 and removed.json()["removed"]["name"] == "API-vården (fiktiv)"
    undo = removed.json()["undo"]
    assert DesignationStore(url).get("farsta", "gsa") is None
    restored = client.post(f"/api/admin/designations/undo/{undo}", headers=headers)
    assert restored.status_code == 200 and restored.json()["unit"] == "Enhet"
    assert client.post(f"/api/admin/designations/undo/{undo}", headers=headers).status_code == 409
    assert client.post("/api/admin/designations/undo/99999", headers=headers).status_code == 404
    assert client.post(f"/api/admin/designations/undo/{2**70}", headers=headers).status_code == 422
    page = client.post("/admin/register/angra", data={"csrf": csrf, "borttagning": str(2**70)})
    assert page.status_code == 422 and "ingen sådan borttagning" in page.text
    actions = Counter(e.action for e in AuditLog(url).list())
    assert actions["designation.set"] == actions["designation.remove"] == actions["designation.restore"] == 1
