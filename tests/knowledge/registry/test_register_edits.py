"""The register page's query and its changes: search and filters over the real register, a
removal that "Ångra" undoes exactly, both audited, and a CSV import previewed line by line
before exactly that preview is applied. Every designation is fictitious."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from knowledge.audit import AuditLog, AuditQuery
from knowledge.registry.designations import DesignationConflict, DesignationStore
from knowledge.registry.register_edits import LineStatus, RegisterEdits, removal_question
from knowledge.registry.register_view import RegisterQuery, register_page
from tests.databases import initialised, sqlite_url

from .conftest import FICTITIOUS_CONTACT, FICTITIOUS_GSA, FICTITIOUS_KSA, Clock

NOW = dt.datetime(2100, 6, 1, tzinfo=dt.UTC)


@pytest.fixture
def edits(register, tmp_path) -> RegisterEdits:
    url = initialised(sqlite_url(tmp_path))
    return RegisterEdits(DesignationStore(url, register, clock=Clock()), AuditLog(url))


def _page(edits: RegisterEdits, **query) -> list[str]:
    page = register_page(edits.store.register, edits.store.list(), RegisterQuery(page_size=200, **query), NOW)
    return [r.area.id for r in page.rows]


def test_areas_are_found_by_name_or_alias_without_diacritics(edits):
    assert _page(edits, search="sodermalm") == ["sodermalm"]
    assert "botkyrka" in _page(edits, search="TUMBA")  # an alias
    assert _page(edits, search="malmo") == ["malmo"]


def test_filters_by_region_missing_role_and_not_verified_in_twelve_months(edits, register):
    edits.set("farsta", "gsa", "pl.test", None, name=FICTITIOUS_GSA)  # the clock is in 2099: stale in 2100
    edits.set("farsta", "ksa", "pl.test", None, name=FICTITIOUS_KSA)
    skane = _page(edits, region="skane")
    assert skane and all(register.get(a).region == "skane" for a in skane)
    assert "farsta" not in _page(edits, missing_gsa=True) and "nacka" in _page(edits, missing_gsa=True)
    assert _page(edits, stale=True) == ["farsta"]
    fresh = register_page(
        register, edits.store.list(), RegisterQuery(stale=True), dt.datetime(2099, 6, 1, tzinfo=dt.UTC)
    )
    assert fresh.total == 0
    page = register_page(register, edits.store.list(), RegisterQuery(page=2, page_size=10), NOW)
    assert (len(page.rows), page.areas, page.missing["gsa"], page.stale) == (
        10,
        len(register),
        len(register) - 1,
        2,
    )
    assert page.pages == -(-len(register) // 10)


def test_a_removal_asks_first_and_is_undone_exactly(edits):
    made = edits.set("farsta", "gsa", "pl.a", None, name=FICTITIOUS_GSA, contact=FICTITIOUS_CONTACT,
                     valid_from=dt.date(2099, 3, 1), note="Fiktiv.")  # fmt: skip
    assert removal_question("Farsta", made) == (
        f"Vill du ta bort GSA för Farsta ({FICTITIOUS_GSA})? Du kan ångra direkt efteråt."
    )
    removal = edits.remove("farsta", "gsa", "pl.b", made.version)
    assert edits.store.get("farsta", "gsa") is None
    restored = edits.undo(removal.undo_id, "pl.b")
    assert restored == made  # every field, who recorded it and when
    assert edits.store.get("farsta", "gsa") == made
    actions = [e.action for e in edits.audit.query(AuditQuery(kind="register")).events]
    assert actions == ["designation.restore", "designation.remove", "designation.set"]
    with pytest.raises(LookupError):
        edits.undo(removal.undo_id + 999, "pl.b")


def test_an_undo_never_overwrites_a_designation_made_since(edits):
    made = edits.set("farsta", "gsa", "pl.a", None, name=FICTITIOUS_GSA)
    removal = edits.remove("farsta", "gsa", "pl.a", made.version)
    edits.set("farsta", "gsa", "pl.b", None, name="En annan testvårdcentral (fiktiv)")
    with pytest.raises(DesignationConflict):
        edits.undo(removal.undo_id, "pl.a")
    assert edits.store.get("farsta", "gsa").name == "En annan testvårdcentral (fiktiv)"


CSV = (
    "area_id,role,name,contact\n"
    f"farsta,gsa,{FICTITIOUS_GSA},ny@test.invalid\n"  # changed contact
    f"nacka,ksa,{FICTITIOUS_KSA},\n"  # new
    f"sodermalm,gsa,{FICTITIOUS_GSA},{FICTITIOUS_CONTACT}\n"  # as registered
    "atlantis,gsa,Någon (fiktiv),\n"  # unknown area
    "farsta,GSA,Dubbel (fiktiv),\n"  # the same area and role twice
)


def test_a_csv_import_is_previewed_line_by_line_and_then_applied_as_shown(edits):
    edits.set("farsta", "gsa", "pl.a", None, name=FICTITIOUS_GSA, contact=FICTITIOUS_CONTACT)
    kept = edits.set("sodermalm", "gsa", "pl.a", None, name=FICTITIOUS_GSA, contact=FICTITIOUS_CONTACT)
    preview = edits.preview_import(CSV.encode(), by="pl.b")
    assert [(line.line, line.status) for line in preview.lines] == [
        (2, LineStatus.CHANGED), (3, LineStatus.ADDED), (4, LineStatus.UNCHANGED),
        (5, LineStatus.ERROR), (6, LineStatus.ERROR),
    ]  # fmt: skip
    changed = preview.lines[0]
    assert next((c.label, c.before, c.after) for c in changed.changes) == (
        "Kontakt",
        FICTITIOUS_CONTACT,
        "ny@test.invalid",
    )
    assert "Okänt område 'atlantis'" in preview.lines[3].message
    assert "står redan på rad 2" in preview.lines[4].message
    assert not preview.ok and edits.store.get("nacka", "ksa") is None  # nothing applied yet
    with pytest.raises(ValueError, match="Inget importerades"):
        edits.apply_import(preview, by="pl.b")
    good = edits.preview_import("\n".join(CSV.splitlines()[:4]).encode(), by="pl.b")
    again = edits.preview_import("\n".join(CSV.splitlines()[:4]).encode(), by="pl.c")
    assert again.digest == good.digest != preview.digest  # the same file, the same preview
    assert good.ok and edits.apply_import(good, by="pl.b") == 2
    assert edits.store.get("farsta", "gsa").contact == "ny@test.invalid"
    assert edits.store.get("nacka", "ksa").name == FICTITIOUS_KSA
    assert edits.store.get("sodermalm", "gsa") == kept  # unchanged: not even re-recorded
    (event,) = edits.audit.query(AuditQuery(kind="register")).events[:1]
    assert event.action == "designation.import" and event.after["changed"] == 2


def test_a_preview_made_before_someone_else_changed_the_register_is_not_applied(edits):
    preview = edits.preview_import(f"area_id,role,name\nfarsta,gsa,{FICTITIOUS_GSA}\n".encode(), by="pl.b")
    edits.set("farsta", "gsa", "pl.a", None, name="Någon annan (fiktiv)")
    with pytest.raises(DesignationConflict, match="Förhandsgranska filen igen"):
        edits.apply_import(preview, by="pl.b")
    assert edits.store.get("farsta", "gsa").name == "Någon annan (fiktiv)"


def test_a_file_that_is_not_utf8_or_csv_is_one_swedish_error(edits):
    assert (
        "UTF-8"
        in edits.preview_import("area_id,role,name\nfarsta,gsa,Vårdcentral".encode("latin-1"), "pl").error
    )
    assert "rubrikrad" in edits.preview_import(b"", "pl").error
    assert dataclasses.replace(edits.preview_import(b"", "pl"), error="").ok
