"""A broken register is refused with a clear message, never half-loaded."""

from __future__ import annotations

import textwrap

import pytest

from knowledge.registry.areas import Area, Register, RegisterError, load_areas


def _write(tmp_path, text: str):
    path = tmp_path / "areas.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


VALID = """
    areas:
      - {id: testby, name: Testby, kind: kommun, region: stockholm, aliases: [Testköping]}
      - {id: testby-norra, name: Testby norra, kind: stadsdelsomrade, region: stockholm, parent: testby}
"""


def test_a_small_valid_register(tmp_path):
    register = load_areas(_write(tmp_path, VALID))
    assert [a.id for a in register] == ["testby", "testby-norra"]
    assert register.resolve("vem ar gsa i testkopings kommun").area.id == "testby"  # type: ignore[union-attr]
    assert register.resolve("GSA i Testby norra").area.id == "testby-norra"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            """
            areas:
              - {id: testby, name: Testby, kind: kommun, region: stockholm}
              - {id: testby, name: Testby igen, kind: kommun, region: stockholm}
            """,
            "duplicate area id 'testby'",
        ),
        (
            """
            areas:
              - {id: testby, name: Testby, kind: kommun, region: stockholm}
              - {id: annanby, name: Annanby, kind: kommun, region: stockholm, aliases: [Testbys]}
            """,
            "alias 'testbys' belongs to both 'testby' and 'annanby'",
        ),
        (
            """
            areas:
              - {id: testby, name: Testby, kind: kommun, region: stockholm}
              - {id: annanby, name: Annanby, kind: kommun, region: skane, aliases: [TESTBY]}
            """,
            "alias 'testby' belongs to both",
        ),
        (
            "areas:\n  - {id: testby, name: Testby, kind: landskap, region: stockholm}\n",
            "unknown kind 'landskap'",
        ),
        (
            "areas:\n  - {id: testby, name: Testby, kind: kommun, region: gotland}\n",
            "unknown region 'gotland'",
        ),
        (
            "areas:\n  - {id: norra, name: N, kind: stadsdelsomrade, region: stockholm, parent: testby}\n",
            "parent 'testby' is not in the register",
        ),
        (
            "areas:\n  - {id: norra, name: Norra, kind: stadsdelsomrade, region: stockholm}\n",
            "a stadsdelsomrade has a parent kommun",
        ),
        (
            """
            areas:
              - {id: testby, name: Testby, kind: kommun, region: stockholm}
              - {id: annanby, name: Annanby, kind: kommun, region: stockholm, parent: testby}
            """,
            "a kommun has none",
        ),
        (
            """
            areas:
              - {id: testby, name: Testby, kind: kommun, region: skane}
              - {id: norra, name: Norra, kind: stadsdelsomrade, region: stockholm, parent: testby}
            """,
            "must be a kommun in the same region",
        ),
        ("areas:\n  - {id: Test By, name: Testby, kind: kommun, region: stockholm}\n", "ascii slug"),
        ("areas:\n  - {id: testby, kind: kommun, region: stockholm}\n", "'name' must be a non-empty string"),
        ("areas:\n  - {id: testby, name: T, kind: kommun, region: stockholm, alias: [x]}\n", "unknown field"),
        (
            "areas:\n  - {id: testby, name: T, kind: kommun, region: stockholm, aliases: x}\n",
            "'aliases' must",
        ),
        (
            "areas:\n  - {id: testby, name: T, kind: kommun, region: stockholm, coordination: {by: x}}\n",
            "'coordination' needs exactly",
        ),
        (
            "not_areas: [Testby]\nareas:\n  - {id: testby, name: Testby, kind: kommun, region: stockholm}\n",
            "not_areas phrase 'testby' is also an alias",
        ),
        ("areas: [\n", "not valid YAML"),
        ("- just a list\n", "expected a mapping with a list 'areas'"),
    ],
)
def test_invalid_registers_are_refused_with_a_clear_message(tmp_path, text, message):
    with pytest.raises(RegisterError, match=r"areas\.yaml") as error:
        load_areas(_write(tmp_path, text))
    assert message in str(error.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(RegisterError, match="cannot read the register"):
        load_areas(tmp_path / "nowhere.yaml")


def test_the_register_class_validates_areas_built_in_code():
    testby = Area("testby", "Testby", "kommun", "stockholm", None, ())
    with pytest.raises(RegisterError, match="duplicate area id"):
        Register([testby, testby])
    with pytest.raises(RegisterError, match="parent 'nowhere'"):
        Register([Area("norra", "Norra", "stadsdelsomrade", "stockholm", "nowhere", ())])
