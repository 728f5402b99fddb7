"""The NLU data generated for Rasa: every alias in the lookup table, synonyms to area ids, stable."""

from __future__ import annotations

import yaml

from knowledge.registry.rasa_export import main, render_rasa_nlu, write_rasa_nlu


def _load(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    lookup = [item for item in data["nlu"] if item.get("lookup") == "area"]
    assert len(lookup) == 1
    entries = [line[2:] for line in lookup[0]["examples"].splitlines()]
    synonyms = {
        item["synonym"]: [line[2:] for line in item["examples"].splitlines()]
        for item in data["nlu"]
        if "synonym" in item
    }
    return entries, synonyms


def test_every_alias_and_variant_is_in_the_lookup_and_maps_to_its_area(register, tmp_path):
    path = write_rasa_nlu(register, tmp_path / "nlu" / "areas.yml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Generated") and "Do not edit" in text.splitlines()[1]
    entries, synonyms = _load(path)
    assert len(entries) == len(set(entries))
    synonym_of = {form.lower(): area_id for area_id, forms in synonyms.items() for form in forms}
    for area in register:
        for form in register.surface_forms(area.id):
            assert form in entries
            # Rasa's synonym mapper lower-cases; a form equal to the id needs no synonym.
            assert synonym_of.get(form.lower(), form.lower()) == area.id
        for name in (area.name, *area.aliases):
            assert name in entries
    assert set(synonyms) <= {a.id for a in register}
    assert synonym_of["södermalm"] == "sodermalm" and synonym_of["upplands vasby"] == "upplands-vasby"
    assert synonym_of["hägersten-liljeholmen"] == "hagersten-alvsjo"


def test_longer_forms_come_first_so_rasas_alternation_prefers_them(register, tmp_path):
    entries, _ = _load(write_rasa_nlu(register, tmp_path / "areas.yml"))
    position = {entry: i for i, entry in enumerate(entries)}
    assert position["Stockholm City"] < position["Stockholm"]
    assert position["Hägersten-Liljeholmen"] < position["Hägersten"]
    assert [len(e) for e in entries] == sorted((len(e) for e in entries), reverse=True)


def test_the_output_is_deterministic(register, tmp_path):
    first = write_rasa_nlu(register, tmp_path / "a.yml").read_bytes()
    second = write_rasa_nlu(register, tmp_path / "b.yml").read_bytes()
    assert first == second == render_rasa_nlu(register).encode("utf-8")


def test_command_line(tmp_path, capsys):
    out = tmp_path / "bot" / "areas.yml"
    assert main([str(out)]) == 0
    assert out.exists() and "72 områden" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("areas: [\n", encoding="utf-8")
    assert main([str(tmp_path / "x.yml"), "--areas", str(broken)]) == 2
    assert "Fel i registret" in capsys.readouterr().err
