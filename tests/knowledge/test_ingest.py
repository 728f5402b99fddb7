import re
from pathlib import Path

import pytest

from knowledge.documents import load_documents
from knowledge.ingest import IngestError, SourceSpec, ingest, load_specs, to_markdown
from knowledge.ocr import load_ocr_map, repair
from knowledge.settings import get_settings

IDS = [
    "hok-oversikt",
    "hsn-2020-1821-slso-gsa-stod",
    "skane-samverkan-rutin",
    "storsthlm-rekommendation-hok-2021",
    "storsthlm-samordnande-funktioner",
]
SHARED = get_settings().shared_sources_dir
COMMITTED = get_settings().sources_dir
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/sources is not present")


@pytest.fixture(scope="module")
def docs():
    return {doc.id: doc for doc in load_documents(COMMITTED)}


def spec(**rules) -> SourceSpec:
    return SourceSpec(id="t", file="t.txt", title="Titel", issuer="Test", date=None, region="skane", **rules)


# --- the committed documents ------------------------------------------------------------------


def test_all_five_documents_with_front_matter(docs):
    assert sorted(docs) == IDS
    for doc in docs.values():
        assert doc.title and doc.issuer and doc.body.strip()
        assert doc.path == COMMITTED / f"{doc.id}.md"


def test_regions_dates_and_titles(docs):
    assert {doc_id: doc.region for doc_id, doc in docs.items()} == {
        "hok-oversikt": "stockholm",
        "hsn-2020-1821-slso-gsa-stod": "stockholm",
        "skane-samverkan-rutin": "skane",
        "storsthlm-rekommendation-hok-2021": "stockholm",
        "storsthlm-samordnande-funktioner": "stockholm",
    }
    assert {doc_id: doc.date for doc_id, doc in docs.items()} == {
        "hok-oversikt": None,
        "hsn-2020-1821-slso-gsa-stod": "2021-01-28",
        "skane-samverkan-rutin": None,
        "storsthlm-rekommendation-hok-2021": "2021-10-14",
        "storsthlm-samordnande-funktioner": None,
    }
    assert docs["storsthlm-rekommendation-hok-2021"].title == (
        "Huvudöverenskommelse om länsövergripande samverkan kring hälsa, vård och omsorg, HÖK"
    )
    assert docs["storsthlm-samordnande-funktioner"].title == "Samordnande funktioner i den lokala samverkan"


def test_front_matter_names_the_source_file():
    for doc_id in IDS:
        head = (COMMITTED / f"{doc_id}.md").read_text(encoding="utf-8").split("---")[1]
        assert f"source: {doc_id}.txt" in head


@pytest.mark.parametrize("doc_id", IDS)
def test_headings_and_bullets_are_markdown(docs, doc_id):
    body = docs[doc_id].body
    lines = body.splitlines()
    assert any(line.startswith("# ") for line in lines)
    assert any(line.startswith("## ") for line in lines)
    assert any(line.startswith("- ") for line in lines)
    assert "•" not in body
    assert not any(re.match(r"#+ .*\*", line) for line in lines), "emphasis left in a heading"
    assert not any(line != line.strip() for line in lines), "leading or trailing whitespace"
    assert "\n\n\n" not in body
    assert not body.startswith("\n")


def test_ocr_bullets_became_list_items(docs):
    body = docs["storsthlm-rekommendation-hok-2021"].body
    assert not re.search(r"^e\s", body, flags=re.MULTILINE)
    assert "- vara kontaktperson för andra aktörer i samverkan med kommunen kring vård- och omsorg,\n" in body
    assert (
        "- delta i lokala samverkansmöten med samordnande vårdcentral, och eventuella andra aktörer,\n"
        in body
    )


def test_sub_headings_show_hierarchy(docs):
    rec = docs["storsthlm-rekommendation-hok-2021"].body
    assert "\n## Samordnande funktion i den lokala samverkan\n" in rec
    assert "\n### Kommunens samordnande funktion\n" in rec
    assert "\n## Riktlinje\n" in rec
    hsn = docs["hsn-2020-1821-slso-gsa-stod"].body
    assert "\n### Ärendebeskrivning\n" in hsn
    assert "\n### Miljökonsekvenser\n" in hsn
    assert "\n## Förvaltningens motivering till förslaget\n" in hsn
    assert "\n### Samrådsgrupper\n" in docs["hok-oversikt"].body


def test_wrapped_lines_are_joined(docs):
    rec = docs["storsthlm-rekommendation-hok-2021"].body
    assert "för att täcka in alla socialtjänstens verksamhetsområden." in rec
    assert "med e-post till registrator@storsthlm.se" in rec
    hsn = docs["hsn-2020-1821-slso-gsa-stod"].body
    assert "  " not in hsn
    assert "Överenskommelse om stöd och vägledning till geografiskt samordnande vårdcentraler samt" in hsn
    skane = docs["skane-samverkan-rutin"].body
    assert "har sin tyngdpunkt i arbetet med att uppnå de konkreta målen" in skane


def test_list_without_bullets_after_a_colon(docs):
    assert (
        "Deltagare:\n\n- kommun\n- region\n- utförarverksamheter (vid behov)\n" in docs["hok-oversikt"].body
    )


@pytest.mark.parametrize(
    "chrome",
    [
        "Meny",
        "Visa cookie-information",
        "Meddela fel på sidan",
        "# 5",
        "Obligatoriskt om du vill få svar",
        "blir allmän handling",
        "skickar du in den här",
    ],
)
def test_boilerplate_is_gone(docs, chrome):
    for doc in docs.values():
        assert chrome not in doc.body.splitlines() and chrome not in doc.body


@pytest.mark.parametrize(
    ("doc_id", "fact"),
    [
        ("hsn-2020-1821-slso-gsa-stod", "3 266 000 kronor"),
        ("hsn-2020-1821-slso-gsa-stod", "70 procent av LPIK exklusive läkemedel"),
        ("hsn-2020-1821-slso-gsa-stod", "den 1 mars 2021"),
        ("hsn-2020-1821-slso-gsa-stod", "Godkänd av Björn Eriksson, 2021-01-28"),
        ("hsn-2020-1821-slso-gsa-stod", "(HSN 2019–0945)"),
        ("storsthlm-rekommendation-hok-2021", "1 juli år 2022"),
        ("storsthlm-rekommendation-hok-2021", "hakan.wramner@storsthlm.se"),
        ("storsthlm-rekommendation-hok-2021", "Datum: 2021-11-09"),
        ("storsthlm-rekommendation-hok-2021", "Tid: 15:00 — 16:00"),
        ("storsthlm-rekommendation-hok-2021", "senast 30 juni år 2022"),
        ("storsthlm-rekommendation-hok-2021", "registrator@storsthlm.se"),
        ("storsthlm-rekommendation-hok-2021", "processledare Håkan Wramner"),
        ("storsthlm-rekommendation-hok-2021", "den 14 oktober 2021"),
        ("storsthlm-rekommendation-hok-2021", "Mats Gerdau, Förbundsordförande Storsthlm"),
        ("storsthlm-rekommendation-hok-2021", "Johan von Sydow, Förbundsdirektör Storsthlm"),
        ("hok-oversikt", "hakan.wramner@storsthlm.se"),
        ("hok-oversikt", "www.storsthlm.se"),
        ("skane-samverkan-rutin", "75 år eller äldre"),
        ("skane-samverkan-rutin", "under perioden 2016-2020"),
        ("storsthlm-samordnande-funktioner", "Kommunalförbundet Sjukvård och omsorg i Norrtälje (KSON)"),
    ],
)
def test_key_facts_are_verbatim(docs, doc_id, fact):
    assert fact in docs[doc_id].body


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@needs_shared
@pytest.mark.parametrize("doc_id", IDS)
def test_no_content_word_is_lost_or_added(docs, doc_id):
    """Same words in the same order as the (repaired) source, less chrome and bullet markers."""
    spec_ = next(s for s in load_specs() if s.id == doc_id)
    text = (SHARED / spec_.file).read_text(encoding="utf-8")
    if spec_.ocr:
        text = repair(text, load_ocr_map())
    for old, new in spec_.replace:  # declared layout rewrites (two-column signatures)
        text = text.replace(old, new)
    kept = []
    for line in text.splitlines():
        stripped = " ".join(line.split())
        if stripped in spec_.drop_lines:
            continue
        for marker in spec_.bullet_markers:
            stripped = re.sub(rf"^{re.escape(marker)}\s", "", stripped)
        kept.append(stripped)
    assert _words(docs[doc_id].body) == _words("\n".join(kept))


# --- the ingestion ------------------------------------------------------------------------------


@needs_shared
def test_ingest_is_deterministic_idempotent_and_matches_the_committed_files(tmp_path: Path):
    out = tmp_path / "sources"
    first = ingest(SHARED, out)
    assert [path.name for path in first] == [f"{doc_id}.md" for doc_id in IDS]
    snapshot = {path.name: path.read_bytes() for path in first}
    second = ingest(SHARED, out)
    assert {path.name: path.read_bytes() for path in second} == snapshot
    for name, data in snapshot.items():
        assert (COMMITTED / name).read_bytes() == data, f"{name} is stale: run python -m knowledge.ingest"


def test_ingest_rejects_a_source_without_an_entry(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "okand.txt").write_text("Text\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"okand\.txt"):
        ingest(shared, tmp_path / "out")


def test_specs_cover_the_five_documents():
    specs = load_specs()
    assert [s.id for s in specs] == IDS
    assert [s.id for s in specs if s.ocr] == ["storsthlm-rekommendation-hok-2021"]
    assert all(s.file == f"{s.id}.txt" for s in specs)


def test_invalid_specs_are_rejected(tmp_path: Path):
    path = tmp_path / "sources.yaml"
    path.write_text("documents:\n  - id: x\n    file: x.txt\n    title: X\n", encoding="utf-8")
    with pytest.raises(IngestError, match="lacks"):
        load_specs(path)
    path.write_text(
        "documents:\n  - {id: x, file: x.txt, title: X, issuer: Y, date: 14 oktober, region: stockholm}\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match="ISO"):
        load_specs(path)
    path.write_text(
        "documents:\n  - {id: x, file: x.txt, title: X, issuer: Y, date: null, region: norrland}\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match="region"):
        load_specs(path)


# --- Markdown normalisation on small inputs -----------------------------------------------------


def test_heading_heuristic_paragraphs_and_title():
    raw = "Titel\n\nBakgrund\n\nEn mening som\nfortsätter här.\n\nKort rad utan punkt\nmen med mer text.\n"
    assert to_markdown(raw, spec()) == (
        "# Titel\n\n## Bakgrund\n\nEn mening som fortsätter här.\n\nKort rad utan punkt men med mer text.\n"
    )


def test_bullets_with_continuations_and_hyphen_joins():
    raw = "Punkter:\n • ett vård-\noch omsorg,\n • två med e-\npost\n\n1. Första.\n2. Andra.\n"
    assert to_markdown(raw, spec()) == (
        "Punkter:\n\n- ett vård- och omsorg,\n- två med e-post\n\n1. Första.\n2. Andra.\n"
    )


def test_ocr_bullet_marker_only_where_configured():
    raw = "Lista:\ne ett,\ne två.\n"
    assert to_markdown(raw, spec(bullet_markers=("e",))) == "Lista:\n\n- ett,\n- två.\n"
    assert to_markdown(raw, spec()) == "Lista: e ett, e två.\n"


def test_paragraph_cut_by_a_blank_line_is_rejoined():
    raw = "Det finns ett stycke som bryts mitt i en\n\nmening av en tom rad.\n\nkort\n\nnästa rad.\n"
    assert (
        to_markdown(raw, spec())
        == "Det finns ett stycke som bryts mitt i en mening av en tom rad.\n\nkort\n\nnästa rad.\n"
    )


def test_markdown_headings_lose_emphasis_and_keep_level():
    raw = "## **Huvud**\n\n### *Under*\n\nText.\n"
    assert to_markdown(raw, spec(heading_heuristic=False)) == "## Huvud\n\n### Under\n\nText.\n"


def test_overrides_force_and_suppress_headings():
    raw = "Riktlinje\nText direkt under.\n\nMed vänlig hälsning\n"
    rules = spec(headings=(("Riktlinje", 2),), not_headings=("Med vänlig hälsning",))
    assert to_markdown(raw, rules) == "## Riktlinje\n\nText direkt under.\n\nMed vänlig hälsning\n"


def test_drop_lines_replace_and_list_blocks():
    raw = "Meny\n\nDatum: 1\nTid: 2\n\nA  \nB\n"
    rules = spec(drop_lines=("Meny",), list_blocks=("Datum: 1",), replace=(("A  \nB", "A, B."),))
    assert to_markdown(raw, rules) == "- Datum: 1\n- Tid: 2\n\nA, B.\n"


def test_stale_rules_are_errors():
    with pytest.raises(IngestError, match="drop_lines"):
        to_markdown("Text.\n", spec(drop_lines=("Meny",)))
    with pytest.raises(IngestError, match="replace"):
        to_markdown("Text.\n", spec(replace=(("saknas", "x"),)))
    with pytest.raises(IngestError, match="list_blocks"):
        to_markdown("Text.\n", spec(list_blocks=("Datum:",)))
    with pytest.raises(IngestError, match="heading rules"):
        to_markdown("Text.\n", spec(headings=(("Saknas", 2),)))


def test_ocr_document_needs_a_map():
    with pytest.raises(IngestError, match="map"):
        to_markdown("Text.\n", spec(ocr=True))
    assert to_markdown("Text for dig.\n", spec(ocr=True), {"for": "för"}) == "Text för dig.\n"
