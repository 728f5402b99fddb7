"""``python -m knowledge areas`` and ``python -m knowledge designation ...``: output, Swedish errors,
exit code 2 for bad input, never a traceback. Designations are fictitious."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from knowledge.__main__ import main
from knowledge.settings import PROJECT_ROOT

from .conftest import FICTITIOUS_GSA


@pytest.fixture
def cli(database_url, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(["--database-url", database_url, *argv])
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def test_set_list_history_remove(cli):
    code, out, _ = cli(
        "designation", "set", "--area", "Söder", "--role", "GSA", "--name", FICTITIOUS_GSA,
        "--contact", "test@test.invalid", "--valid-from", "2099-01-31", "--by", "Test Testsson (fiktiv)",
    )  # fmt: skip
    assert code == 0 and out.startswith("Registrerad: GSA för Södermalm (sodermalm)")

    code, out, err = cli("designation", "list", "--area", "sodermalm")
    assert code == 0 and "1 registrerade GSA/KSA för Södermalm" in err
    fields = out.strip().split("\t")
    assert fields[:4] == ["sodermalm", "Södermalm", "GSA", FICTITIOUS_GSA]
    assert "2099-01-31" in fields and "Test Testsson (fiktiv)" in fields
    assert cli("designation", "list", "--area", "Bromma")[1] == ""

    code, out, _ = cli("designation", "history", "--area", "Södermalm")
    assert code == 0 and "registrerad" in out and f"– → {FICTITIOUS_GSA}" in out

    code, out, _ = cli(
        "designation", "remove", "--area", "sodermalm", "--role", "gsa", "--by", "Test (fiktiv)"
    )
    assert code == 0 and out.startswith("Borttagen: GSA för Södermalm")
    assert cli("designation", "list")[1] == ""
    assert cli("designation", "history")[1].count("\n") == 2


def test_export_and_import(cli, tmp_path):
    cli(
        "designation",
        "set",
        "--area",
        "bromma",
        "--role",
        "ksa",
        "--name",
        "Testfunktion (fiktiv)",
        "--by",
        "T",
    )
    path = tmp_path / "ut.yaml"
    code, _, err = cli("designation", "export", str(path))
    assert (
        code == 0
        and "1 registrerade GSA/KSA exporterade" in err
        and "Testfunktion (fiktiv)" in path.read_text()
    )
    code, _, err = cli("designation", "import", str(path), "--by", "Importör (fiktiv)")
    assert code == 0 and "0 ändrade" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["designation", "set", "--area", "Gotham", "--role", "gsa", "--name", "X", "--by", "T"],
            "Okänt område 'Gotham'",
        ),
        (
            ["designation", "set", "--area", "Farstaa", "--role", "gsa", "--name", "X", "--by", "T"],
            "Menade du Farsta",
        ),
        (
            ["designation", "set", "--area", "farsta", "--role", "vd", "--name", "X", "--by", "T"],
            "Okänd roll 'vd'",
        ),
        (
            [
                "designation",
                "set",
                "--area",
                "farsta",
                "--role",
                "gsa",
                "--name",
                "X",
                "--by",
                "T",
                "--valid-from",
                "31/1",
            ],
            "Ogiltigt datum '31/1'",
        ),
        (
            ["designation", "set", "--area", "farsta", "--role", "gsa", "--name", "X"],
            "följande argument saknas: --by",
        ),
        (
            ["designation", "remove", "--area", "farsta", "--role", "gsa", "--by", "T"],
            "ingen registrerad GSA för Farsta",
        ),
        (["designation", "list", "--area", "Gotham"], "Okänt område"),
        (["designation", "import", "nowhere.csv", "--by", "T"], "finns inte"),
        (["designation", "export", "out.txt"], "okänt filformat"),
        (["areas", "--region", "gotland"], "Okänd region 'gotland'"),
        (["designation", "frobnicate"], "ogiltigt val"),
    ],
)
def test_bad_input_gives_a_swedish_message_and_exit_code_2(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and message in err and out == ""


def test_a_malformed_import_file_names_its_row(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("area_id,role,name\nbromma,gsa,A (fiktiv)\nbromma,gsa,B (fiktiv),x\n", encoding="utf-8")
    code, _, err = cli("designation", "import", str(path), "--by", "T")
    assert code == 2 and "in.csv, rad 3" in err
    assert cli("designation", "list")[1] == ""


def test_areas(cli):
    code, out, err = cli("areas", "--region", "Skåne")
    assert code == 0 and len(out.splitlines()) == 33 and "33 områden i Skåne" in err
    code, out, err = cli("areas")
    assert code == 0 and len(out.splitlines()) == 72
    assert "farsta\tFarsta\tstadsdelsområde\tstockholm\tstockholm" in out.splitlines()


def test_the_inbox_command_still_works(cli):
    code, out, err = cli("inbox")
    assert code == 0 and out == "" and "0 frågor" in err


def test_the_module_entry_point_reads_the_database_url_from_the_environment(tmp_path):
    env = {**os.environ, "HOK_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "knowledge", *argv],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    missing = run("designation", "list")
    assert missing.returncode == 1 and "python -m knowledge db init" in missing.stderr
    assert run("db", "init").returncode == 0
    done = run(
        "designation",
        "set",
        "--area",
        "upplands vasby",
        "--role",
        "ksa",
        "--name",
        "Test (fiktiv)",
        "--by",
        "T",
    )
    assert done.returncode == 0, done.stderr
    assert run("designation", "list").stdout.startswith("upplands-vasby\tUpplands Väsby\tKSA\tTest (fiktiv)")
    bad = run("designation", "set", "--area", "Gotham", "--role", "ksa", "--name", "X", "--by", "T")
    assert bad.returncode == 2 and "Okänt område" in bad.stderr and "Traceback" not in bad.stderr
