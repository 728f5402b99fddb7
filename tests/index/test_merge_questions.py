"""A new writer's questions join the corpus (``merge_questions --add``) without the earlier
writers' files: what is there is kept as it is, the new questions are anchored to their units,
and a question of the bank is never added (real model, real sources; the questions are
fictitious)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from index.store import chunk_corpus
from index.tools.merge_questions import main
from index.units import units_of
from knowledge.documents import load_documents
from knowledge.questions import ABSTAIN_FILE, QUESTIONS_DIR, anchor_key, load_corpus
from knowledge.settings import get_settings

pytestmark = pytest.mark.integration

DOCUMENT = "skane-samverkan-rutin"
NEW = "Fiktiv testfråga: vem kallar till den lokala samverkansgruppen i Skåne enligt rutinen?"
FOLLOW_UP = {"q": "och i fiktiva Testby kommun?", "after": NEW}
IN_THE_BANK = "Fiktiv bankfråga om samverkansrutinens avtalsperiod i Skåne?"


def _write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """The corpus with the Skåne document's questions and a few refused ones (every question is
    embedded for the leakage check: all of them would take a minute)."""
    directory = tmp_path / "questions"
    directory.mkdir()
    for path in QUESTIONS_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == ABSTAIN_FILE:
            data["questions"] = data["questions"][:20]
        elif path.stem != DOCUMENT:
            data["units"] = [{"unit": entry["unit"], "answers_nothing": True} for entry in data["units"]]
        _write(directory / path.name, data)
    return directory


def test_a_new_writer_is_added_and_nothing_already_there_is_lost(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _write(
        out / "units-fictitious-writer-g1.yaml",
        {"persona": "fictitious-writer", "documents": {DOCUMENT: {"u03": [NEW, FOLLOW_UP, IN_THE_BANK]}}},
    )
    bank = _write(tmp_path / "bank.yaml", [{"id": "fiktiv-1", "ask": IN_THE_BANK}])
    before = load_corpus(corpus_dir)

    assert main([str(out), "--add", "--to", str(corpus_dir), "--exclude", str(bank)]) == 0

    after = load_corpus(corpus_dir)
    added = set(after.questions) - set(before.questions)
    assert set(before.questions) <= set(after.questions)
    assert after.refused == before.refused
    assert {(q.text, q.after, q.by) for q in added} == {
        (NEW, None, "fictitious-writer"),
        (FOLLOW_UP["q"], NEW, "fictitious-writer"),
    }
    units = [
        u for u in units_of(chunk_corpus(load_documents(get_settings().sources_dir))) if u.doc_id == DOCUMENT
    ]
    assert {(q.doc_id, q.anchor) for q in added} == {(DOCUMENT, anchor_key(units[2].text))}


def test_a_document_without_questions_gets_its_first(corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / f"{DOCUMENT}.yaml").unlink()
    out = tmp_path / "out"
    out.mkdir()
    _write(
        out / "units-fictitious-writer-g1.yaml",
        {"persona": "fictitious-writer", "documents": {DOCUMENT: {"u03": [NEW]}}},
    )

    assert main([str(out), "--add", "--to", str(corpus_dir)]) == 0

    assert [(q.text, q.by) for q in load_corpus(corpus_dir).of_document(DOCUMENT)] == [
        (NEW, "fictitious-writer")
    ]
