"""The designation store on a real SQLite database: set/get/replace/remove, the audit trail, and
export/import as CSV and YAML. Every designation here is fictitious."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from knowledge.registry.designation_files import DesignationFileError
from knowledge.registry.designations import DesignationConflict, DesignationStore
from tests.databases import initialised, sqlite_url

from .conftest import FICTITIOUS_CONTACT, FICTITIOUS_GSA, FICTITIOUS_KSA


def _set_two(store: DesignationStore) -> None:
    store.set(
        "sodermalm",
        "gsa",
        FICTITIOUS_GSA,
        by="Test Testsson (fiktiv)",
        unit="Testenheten",
        contact=FICTITIOUS_CONTACT,
        valid_from=dt.date(2099, 2, 1),
        note='Fiktiv uppgift för tester; med, kommatecken och "citattecken".',
        source="Testbeslut 2099-01-01 (fiktivt)",
    )
    store.set("huddinge", "ksa", FICTITIOUS_KSA, by="Test Testsson (fiktiv)")


def test_a_new_database_has_no_designations(store, database_url):
    """Nothing invented ships: the default knowledge database starts empty."""
    assert store.list() == [] and store.history() == []
    assert store.get("sodermalm", "gsa") is None
    assert {"designations", "designation_audit"} <= set(inspect(store.engine).get_table_names())


def test_set_get_replace_remove_with_an_audit_trail(store):
    first = store.set(
        "sodermalm", "gsa", FICTITIOUS_GSA, by="Anna Test (fiktiv)", valid_from=dt.date(2099, 1, 1)
    )
    assert store.get("sodermalm", "gsa") == first
    assert first.recorded_by == "Anna Test (fiktiv)" and first.recorded_at.tzinfo == dt.UTC
    assert store.get("sodermalm", "ksa") is None

    second = store.set("sodermalm", "gsa", "Andra testvårdcentralen (fiktiv)", by="Bo Test (fiktiv)")
    assert store.get("sodermalm", "gsa") == second
    assert [d.name for d in store.list()] == ["Andra testvårdcentralen (fiktiv)"]

    removed = store.remove("sodermalm", "gsa", by="Cecilia Test (fiktiv)")
    assert removed == second and store.get("sodermalm", "gsa") is None

    history = store.history()
    assert [(h.action, h.by) for h in history] == [
        ("set", "Anna Test (fiktiv)"),
        ("set", "Bo Test (fiktiv)"),
        ("remove", "Cecilia Test (fiktiv)"),
    ]
    assert history[0].old is None and history[0].new == first.to_record()
    assert history[0].new["valid_from"] == "2099-01-01"  # type: ignore[index]
    assert history[1].old == first.to_record() and history[1].new == second.to_record()
    assert history[2].old == second.to_record() and history[2].new is None
    assert all(h.area_id == "sodermalm" and h.role == "gsa" for h in history)
    assert history[0].at < history[1].at < history[2].at


def test_the_store_survives_a_new_connection(store_factory, database_url):
    _set_two(store_factory(database_url))
    again = store_factory(database_url)
    assert [(d.area_id, d.role) for d in again.list()] == [("huddinge", "ksa"), ("sodermalm", "gsa")]
    assert [d.area_id for d in again.list("huddinge")] == ["huddinge"]
    assert [h.area_id for h in again.history("huddinge")] == ["huddinge"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"area_id": "gotham"}, "Okänt område 'gotham'"),
        ({"area_id": "Södermalm"}, "Okänt område"),  # the store takes ids; the CLI resolves names
        ({"role": "vd"}, "Okänd roll 'vd'"),
        ({"name": "  "}, r"Namn \(name\) saknas"),
        ({"by": ""}, r"Registrerad av \(recorded_by\) saknas"),
        ({"contact": "x" * 501}, "för lång"),
    ],
)
def test_bad_designations_are_rejected(store, kwargs, message):
    arguments = {"area_id": "sodermalm", "role": "gsa", "name": FICTITIOUS_GSA, "by": "Test (fiktiv)"}
    arguments.update(kwargs)
    by = arguments.pop("by")
    with pytest.raises(ValueError, match=message):
        store.set(**arguments, by=by)
    assert store.list() == [] and store.history() == []


def test_removing_what_is_not_there(store):
    with pytest.raises(LookupError, match="ingen registrerad KSA för Bromma"):
        store.remove("bromma", "ksa", by="Test (fiktiv)")
    with pytest.raises(ValueError, match="Okänt område"):
        store.remove("gotham", "ksa", by="Test (fiktiv)")


@pytest.mark.parametrize("suffix", [".csv", ".yaml", ".yml"])
def test_export_then_import_round_trip(store, store_factory, tmp_path, suffix):
    _set_two(store)
    path = tmp_path / f"designations{suffix}"
    assert store.export(path) == 2

    fresh = store_factory(initialised(sqlite_url(tmp_path / "other")))
    assert fresh.import_(path, by="Importör (fiktiv)") == 2
    assert fresh.list() == store.list()
    assert [(h.action, h.by, h.old) for h in fresh.history()] == [("import", "Importör (fiktiv)", None)] * 2
    # Importing the same file again changes nothing and writes no audit rows.
    assert fresh.import_(path, by="Importör (fiktiv)") == 0
    assert len(fresh.history()) == 2


def test_import_replaces_and_audits_old_values(store, tmp_path):
    _set_two(store)
    path = tmp_path / "new.csv"
    path.write_text("area_id,role,name\nSöder,gsa,Nya testvårdcentralen (fiktiv)\n", encoding="utf-8")
    old = store.get("sodermalm", "gsa")
    assert store.import_(path, by="Importör (fiktiv)") == 1
    new = store.get("sodermalm", "gsa")
    assert new is not None and new.name == "Nya testvårdcentralen (fiktiv)"
    assert new.recorded_by == "Importör (fiktiv)" and new.contact is None
    last = store.history()[-1]
    assert (last.action, last.old, last.new) == ("import", old.to_record(), new.to_record())  # type: ignore[union-attr]
    assert store.get("huddinge", "ksa") is not None  # rows not in the file are kept


def test_semicolon_csv_with_byte_order_mark(store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeffarea_id;role;name;valid_from\nBromma;GSA;Testvårdcentralen (fiktiv);2099-03-01\n",
        encoding="utf-8",
    )
    assert store.import_(path, by="Test (fiktiv)") == 1
    assert store.get("bromma", "gsa").valid_from == dt.date(2099, 3, 1)  # type: ignore[union-attr]


BAD_CSV = [
    (
        "area_id,role,name\nbromma,gsa,A (fiktiv)\nbromma,ksa,B (fiktiv)\ngotham,gsa,C (fiktiv)\n",
        4,
        "Okänt område",
    ),
    ("area_id,role,name\nbromma,gsa,A (fiktiv)\nfarsta,vd,B (fiktiv)\n", 3, "Okänd roll"),
    ("area_id,role,name,valid_from\nbromma,gsa,A (fiktiv),2099-02-30\n", 2, "Ogiltigt datum '2099-02-30'"),
    ("area_id,role,name\nbromma,gsa,A (fiktiv)\nbromma,gsa,B (fiktiv)\n", 3, "står redan på rad 2"),
    ("area_id,role,name\nbromma,gsa,\n", 2, "name saknas"),
    ("area_id,role,name\nbromma,gsa,A (fiktiv),extra\n", 2, "fler värden än kolumner"),
    ("area_id,role,namn\nbromma,gsa,A (fiktiv)\n", 1, "rubrikraden saknar name"),
]


@pytest.mark.parametrize(("text", "row", "message"), BAD_CSV)
def test_a_bad_csv_row_is_reported_and_nothing_is_applied(store, tmp_path, text, row, message):
    store.set("bromma", "gsa", "Befintlig testvårdcentral (fiktiv)", by="Test (fiktiv)")
    before = (store.list(), store.history())
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DesignationFileError, match=message) as error:
        store.import_(path, by="Importör (fiktiv)")
    assert error.value.row == row
    if row > 1:
        assert f"rad {row}" in str(error.value)
    assert (store.list(), store.history()) == before


BAD_YAML = [
    (
        "designations:\n- {area_id: bromma, role: gsa, name: A}\n- {area_id: bromma, role: gsa, nam: B}\n",
        2,
        "okänd kolumn nam",
    ),
    (
        "designations:\n- {area_id: bromma, role: gsa, name: A, valid_from: 2099-01-01T10:00}\n",
        1,
        "Ogiltigt datum",
    ),
    ("designations:\n- {area_id: bromma, role: gsa, name: [A]}\n", 1, "måste vara text"),
    ("designations:\n- just text\n", 1, "väntade fält"),
]


@pytest.mark.parametrize(("text", "row", "message"), BAD_YAML)
def test_a_bad_yaml_entry_is_reported_by_position(store, tmp_path, text, row, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DesignationFileError, match=message) as error:
        store.import_(path, by="Importör (fiktiv)")
    assert error.value.row == row and f"post {row}" in str(error.value)
    assert store.list() == [] and store.history() == []


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("broken.yaml", "designations: [\n", "ogiltig YAML"),
        ("list.yaml", "designations: 3\n", "väntade en lista"),
        ("data.json", "{}", "okänt filformat '.json'"),
        ("missing.csv", None, "finns inte"),
        ("latin1.csv", b"area_id,role,name\nbromma,gsa,V\xe5rdcentral\n", "inte UTF-8"),
    ],
)
def test_malformed_files(store, tmp_path, name, text, message):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(DesignationFileError, match=message):
        store.import_(path, by="Importör (fiktiv)")


def test_yaml_values_may_be_dates_and_numbers(store, tmp_path):
    path = tmp_path / "typed.yaml"
    path.write_text(
        "- {area_id: ostermalm, role: ksa, name: Testfunktionen (fiktiv), contact: 0701234567,"
        " valid_from: 2099-05-01, recorded_at: 2099-04-30T12:00:00Z}\n",
        encoding="utf-8",
    )
    assert store.import_(path, by="Importör (fiktiv)") == 1
    designation = store.get("ostermalm", "ksa")
    assert designation is not None
    assert designation.contact == "0701234567"  # text, not the YAML 1.1 octal number 117782903
    assert designation.valid_from == dt.date(2099, 5, 1)
    assert designation.recorded_at == dt.datetime(2099, 4, 30, 12, tzinfo=dt.UTC)
    assert designation.recorded_by == "Importör (fiktiv)"


def test_a_change_from_a_stale_version_is_a_conflict_and_overwrites_nothing(store):
    first = store.set("farsta", "gsa", FICTITIOUS_GSA, by="A Test (fiktiv)", expected=None)
    with pytest.raises(DesignationConflict, match="ändrats"):
        store.set("farsta", "gsa", "Någon annan (fiktiv)", by="B Test (fiktiv)", expected=None)
    second = store.set(
        "farsta", "gsa", "Ny vårdcentral (fiktiv)", by="B Test (fiktiv)", expected=first.version
    )
    with pytest.raises(DesignationConflict):
        store.set("farsta", "gsa", "Tredje (fiktiv)", by="C Test (fiktiv)", expected=first.version)
    with pytest.raises(DesignationConflict):
        store.remove("farsta", "gsa", by="C Test (fiktiv)", expected=first.version)
    assert store.get("farsta", "gsa") == second and store.get("farsta", "gsa").version == 2
    assert store.remove("farsta", "gsa", by="B Test (fiktiv)", expected=second.version) == second
