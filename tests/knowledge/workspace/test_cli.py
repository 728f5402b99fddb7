"""The account commands: `python -m knowledge user …` and `token create`, as an admin uses them."""

from __future__ import annotations

import io

import pytest

from knowledge.__main__ import main
from knowledge.accounts import AccountStore, Role
from knowledge.audit import AuditLog


@pytest.fixture
def run(database_url, capsys, monkeypatch):
    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            code = main(["--database-url", database_url, *argv])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_add_list_set_role_and_disable(run, database_url):
    code, out, _ = run("user", "add", "pl.test", "--role", "processledare", stdin="ett långt testlösenord\n")
    assert code == 0 and "pl.test" in out
    assert (
        AccountStore(database_url).sign_in("pl.test", "ett långt testlösenord").user.role
        is Role.PROCESSLEDARE
    )
    assert run("user", "set-role", "pl.test", "redaktor")[0] == 0
    code, out, _ = run("user", "list")
    assert code == 0 and out.split("\t")[:3] == ["pl.test", "redaktör", "aktiv"]
    assert run("user", "disable", "pl.test")[0] == 0
    assert "avstängd" in run("user", "list")[1]
    actions = [e.action for e in AuditLog(database_url).list()]
    assert actions == ["user.disable", "user.set_role", "user.add"]


def test_a_token_is_printed_once_alone_on_the_last_line(run, database_url):
    run("user", "add", "red.test", "--role", "redaktor", stdin="ett långt testlösenord\n")
    code, out, _ = run("token", "create", "--user", "red.test")
    token = out.strip().splitlines()[-1]
    assert code == 0 and token.startswith("hok_") and " " not in token
    assert AccountStore(database_url).user_for_token(token).name == "red.test"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (("user", "add", "x.test", "--role", "chef"), "ett långt testlösenord\n", "Okänd roll"),
        (("user", "add", "x.test", "--role", "lasare"), "kort\n", "minst 12"),
        (("user", "disable", "finns.inte"), "", "ingen användare"),
        (("token", "create", "--user", "finns.inte"), "", "ingen användare"),
    ],
)
def test_bad_input_is_refused_in_swedish_with_exit_code_2(run, database_url, argv, stdin, message):
    code, out, err = run(*argv, stdin=stdin)
    assert code == 2 and message in err and out == ""
    assert AccountStore(database_url).list() == []
