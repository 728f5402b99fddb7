"""`python -m knowledge export DIR` / `import DIR`: the whole curated state (answers with their
history, designations, the questions added to or removed from source sentences, users without
secrets) restored into a fresh database gives the same
answers; nothing is merged into a database that already holds any. Fictitious data only."""

from __future__ import annotations

import pytest

from knowledge.__main__ import main
from knowledge.accounts import AccountStore, SignInRefused
from knowledge.audit import AuditLog
from knowledge.curated import Content, CuratedStore, SourceRef
from knowledge.db import dispose
from knowledge.questions.edits import QuestionEdits
from knowledge.registry import DesignationStore
from tests.databases import initialised, sqlite_url

PASSWORD = "ett långt testlösenord"


@pytest.fixture
def fresh_url(request, blank_database_url, tmp_path):
    """A second, empty database on the same backend."""
    if blank_database_url.startswith("postgresql"):
        url = initialised(request.getfixturevalue("postgres_server").create_database())
    else:
        url = initialised(sqlite_url(tmp_path / "fresh"))
    yield url
    dispose(url)


def _fill(url: str) -> None:
    store = CuratedStore(url)
    first = store.create(
        Content(
            ("Vem gör testrapporten?",),
            "Testfunktionen (fiktivt).",
            (SourceRef("hok-oversikt", "Syfte"),),
            "all",
        ),
        by="red.test",
    )
    store.publish(first.id, 1, by="pl.test")
    store.update(
        first.id,
        1,
        Content(("Vem gör testrapporten?", "vem gor rapporten"), "Ändrat (fiktivt).", (), "all"),
        by="red.test",
    )
    store.create(Content(("Ett utkast?",), "Utkast (fiktivt).", (), "skane"), by="red.test")
    DesignationStore(url).set(
        "farsta", "gsa", "Testvårdcentralen (fiktiv)", by="pl.test", contact="t@test.invalid"
    )
    AccountStore(url).add("pl.test", "processledare", PASSWORD)
    edits = QuestionEdits(url, AuditLog(url))
    edits.add("hok-oversikt", "testenhet", "Vem skriver testrapporten (fiktivt)?", by="pl.test")
    edits.add("hok-oversikt", "testenhet", "Ett tillägg som sedan togs bort (fiktivt)?", by="pl.test")
    edits.remove("hok-oversikt", "testenhet", "Ett tillägg som sedan togs bort (fiktivt)?", "pl.test", False)
    edits.remove("hok-oversikt", "testenhet", "En skriven fråga (fiktiv)?", by="pl.test", written=True)


def test_an_export_restored_into_a_fresh_database_gives_the_same_answers(
    database_url, fresh_url, tmp_path, capsys
):
    _fill(database_url)
    out = tmp_path / "export"
    assert main(["--database-url", database_url, "export", str(out)]) == 0
    assert "2 kurerade svar (3 versioner)" in capsys.readouterr().out
    in_force = QuestionEdits(database_url, AuditLog(database_url)).in_force()
    assert PASSWORD not in "".join(p.read_text() for p in out.iterdir())  # no secrets

    assert main(["--database-url", fresh_url, "import", str(out), "--by", "Återställare (fiktiv)"]) == 0
    before, after = CuratedStore(database_url), CuratedStore(fresh_url)
    assert after.list() == before.list()  # status, versions, published content, who and when
    assert [after.history(a.id) for a in after.list()] == [before.history(a.id) for a in before.list()]
    assert [(d.area_id, d.role, d.name, d.contact) for d in DesignationStore(fresh_url).list()] == [
        ("farsta", "gsa", "Testvårdcentralen (fiktiv)", "t@test.invalid")
    ]
    accounts = AccountStore(fresh_url)
    assert [(u.name, u.role.value) for u in accounts.list()] == [("pl.test", "processledare")]
    with pytest.raises(SignInRefused):
        accounts.sign_in("pl.test", PASSWORD)  # a new password is needed
    assert after.create(Content(("Ny fråga?",), "Nytt (fiktivt).", (), "all"), by="red.test").id == 3
    # The process lead's questions to a source sentence, as they were in force (the withdrawn one not).
    restored = QuestionEdits(fresh_url, AuditLog(fresh_url)).in_force()
    assert [(e.action, e.unit, e.question, e.by, e.at) for e in restored] == [
        (e.action, e.unit, e.question, e.by, e.at) for e in in_force
    ]
    assert [e.question for e in restored] == [
        "Vem skriver testrapporten (fiktivt)?",
        "En skriven fråga (fiktiv)?",
    ]


def test_nothing_is_merged_into_a_database_that_holds_data(database_url, tmp_path, capsys):
    _fill(database_url)
    out = tmp_path / "export"
    main(["--database-url", database_url, "export", str(out)])
    capsys.readouterr()
    assert main(["--database-url", database_url, "import", str(out), "--by", "X"]) == 2
    assert "importera till en ny" in capsys.readouterr().err
    assert len(CuratedStore(database_url).list()) == 2


def test_a_directory_that_is_no_export_is_refused_in_swedish(database_url, tmp_path, capsys):
    assert main(["--database-url", database_url, "import", str(tmp_path), "--by", "X"]) == 2
    assert "manifest.json" in capsys.readouterr().err
