from pathlib import Path

import pytest

from knowledge.documents import Document, FrontMatterError, get_document, load_documents

GOOD = (
    "---\nid: {id}\ntitle: Titel\nissuer: Utgivare\ndate: {date}\nregion: stockholm\nsource: x.txt\n---\n"
    "\n# Titel\n\nText.\n"
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_documents_parses_and_sorts(tmp_path: Path):
    write(tmp_path, "b", GOOD.format(id="b", date="null"))
    write(tmp_path, "a", GOOD.format(id="a", date="'2021-01-28'"))
    docs = load_documents(tmp_path)
    assert [doc.id for doc in docs] == ["a", "b"]
    assert docs[0] == Document(
        id="a",
        title="Titel",
        issuer="Utgivare",
        date="2021-01-28",
        region="stockholm",
        body="# Titel\n\nText.\n",
        path=tmp_path / "a.md",
    )
    assert docs[1].date is None


def test_unquoted_yaml_date_becomes_iso_text(tiny_corpus: Path):
    (doc,) = load_documents(tiny_corpus)
    assert doc.date == "2099-01-01"
    assert doc.body.startswith("## Syfte")


def test_documents_are_frozen(tmp_path: Path):
    write(tmp_path, "a", GOOD.format(id="a", date="null"))
    doc = get_document("a", tmp_path)
    with pytest.raises(AttributeError):
        doc.title = "Annan"  # type: ignore[misc]


def test_get_document_unknown_id(tmp_path: Path):
    with pytest.raises(KeyError, match="finns-inte"):
        get_document("finns-inte", tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Titel\n\nText utan front matter.\n", "no front matter"),
        ("---\nid: a\ntitle: T\n", "not closed"),
        ("---\nid: [a\n---\nText\n", "not valid YAML"),
        ("---\n- a\n- b\n---\nText\n", "mapping"),
        ("---\nid: a\ntitle: T\nissuer: U\nregion: stockholm\n---\nText\n", "lacks date"),
        ("---\nid: a\ntitle: ''\nissuer: U\ndate: null\nregion: stockholm\n---\nText\n", "title"),
        ("---\nid: a\ntitle: T\nissuer: U\ndate: 14 oktober\nregion: stockholm\n---\nText\n", "ISO"),
        ("---\nid: a\ntitle: T\nissuer: U\ndate: null\nregion: norrland\n---\nText\n", "region"),
        ("---\nid: b\ntitle: T\nissuer: U\ndate: null\nregion: skane\n---\nText\n", "file name"),
    ],
)
def test_bad_front_matter_is_a_clear_error(tmp_path: Path, text: str, message: str):
    write(tmp_path, "a", text)
    with pytest.raises(FrontMatterError, match=message):
        load_documents(tmp_path)
