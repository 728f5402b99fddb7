"""The shipped register: the areas the issue lists, with the right kinds, regions and parents."""

from __future__ import annotations

import re

from knowledge.documents import parse_document
from knowledge.registry.areas import KINDS, REGIONS
from knowledge.settings import PROJECT_ROOT

STOCKHOLM_COUNTY = {
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka", "Norrtälje",
    "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm", "Sundbyberg",
    "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna", "Vaxholm", "Värmdö",
    "Österåker",
}  # fmt: skip
STOCKHOLM_DISTRICTS = {
    "Rinkeby-Kista", "Spånga-Tensta", "Hässelby-Vällingby", "Bromma", "Kungsholmen", "Norrmalm",
    "Östermalm", "Södermalm", "Enskede-Årsta-Vantör", "Skarpnäck", "Farsta", "Hägersten-Älvsjö",
    "Skärholmen",
}  # fmt: skip
SKANE = {
    "Bjuv", "Bromölla", "Burlöv", "Båstad", "Eslöv", "Helsingborg", "Hässleholm", "Höganäs", "Hörby",
    "Höör", "Klippan", "Kristianstad", "Kävlinge", "Landskrona", "Lomma", "Lund", "Malmö", "Osby",
    "Perstorp", "Simrishamn", "Sjöbo", "Skurup", "Staffanstorp", "Svalöv", "Svedala", "Tomelilla",
    "Trelleborg", "Vellinge", "Ystad", "Åstorp", "Ängelholm", "Örkelljunga", "Östra Göinge",
}  # fmt: skip


def test_the_register_holds_exactly_the_listed_areas(register):
    assert len(STOCKHOLM_COUNTY) == 26 and len(STOCKHOLM_DISTRICTS) == 13 and len(SKANE) == 33
    assert len(register) == 26 + 13 + 33
    kommuner = {a.name for a in register if a.kind == "kommun" and a.region == "stockholm"}
    districts = {a.name for a in register if a.kind == "stadsdelsomrade"}
    skane = {a.name for a in register.in_region("skane")}
    assert kommuner == STOCKHOLM_COUNTY
    assert districts == STOCKHOLM_DISTRICTS
    assert skane == SKANE
    assert len(register.in_region("stockholm")) == 39


def test_kinds_regions_and_parents(register):
    for area in register:
        assert area.kind in KINDS and area.region in REGIONS
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", area.id)
        if area.kind == "stadsdelsomrade":
            assert area.parent == "stockholm" and area.region == "stockholm"
        else:
            assert area.parent is None
    assert {a.name for a in register.children("stockholm")} == STOCKHOLM_DISTRICTS
    assert register.children("solna") == ()
    stockholm = register.get("stockholm")
    assert stockholm is not None and stockholm.kind == "kommun" and stockholm.kind_label == "kommun"
    assert register.get("farsta").kind_label == "stadsdelsområde"  # type: ignore[union-attr]
    assert register.get("gotham") is None and "gotham" not in register and "farsta" in register


def test_stable_ids(register):
    expected = {
        "Södermalm": "sodermalm",
        "Upplands Väsby": "upplands-vasby",
        "Upplands-Bro": "upplands-bro",
        "Hägersten-Älvsjö": "hagersten-alvsjo",
        "Enskede-Årsta-Vantör": "enskede-arsta-vantor",
        "Östra Göinge": "ostra-goinge",
        "Malmö": "malmo",
    }
    by_name = {a.name: a.id for a in register}
    assert {name: by_name[name] for name in expected} == expected


def test_norrtalje_coordination_is_data_quoted_from_its_source(register):
    norrtalje = register.get("norrtalje")
    assert norrtalje is not None and norrtalje.coordination is not None
    coordination = norrtalje.coordination
    assert "KSON" in coordination.by and coordination.source == "storsthlm-samordnande-funktioner"
    document = parse_document(PROJECT_ROOT / "knowledge" / "sources" / f"{coordination.source}.md")
    body = " ".join(document.body.split())
    assert coordination.note in body
    assert coordination.by in body
    assert f"# {coordination.section}" in document.body
    assert [a.id for a in register if a.coordination] == ["norrtalje"]


def test_hand_written_aliases_are_not_mechanical_variants(register):
    """Spellings without å/ä/ö, lower case and genitives are generated, never written in areas.yaml."""
    for area in register:
        names = [area.name, *area.aliases]
        for alias in area.aliases:
            others = [n for n in names if n != alias]
            assert alias not in {n.lower() for n in others}
            assert not any(alias == other.translate(str.maketrans("åäöÅÄÖ", "aaoAAO")) for other in others), (
                alias
            )
            assert not any(alias in (other + "s", other.replace("-", " ")) for other in others), alias
