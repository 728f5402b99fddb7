"""Build, load, staleness and search over a tiny fictitious corpus with the fake embedder."""

from pathlib import Path

import pytest

from index import store
from index.analysis import SwedishAnalyzer
from index.retriever import Retriever


@pytest.fixture
def built(tiny_corpus: Path, tmp_path: Path, fake_embedder):
    out = tmp_path / "build"
    manifest = store.build(tiny_corpus, out, fake_embedder, "fake-embedder")
    return tiny_corpus, out, manifest


def test_manifest_records_what_the_index_was_built_from(built):
    _, out, manifest = built
    assert (out / "manifest.json").exists()
    assert manifest.chunks >= 1 and manifest.units >= manifest.chunks
    assert manifest.dimension == 64
    assert manifest.chunker_version and len(manifest.corpus_hash) == 16


def test_changed_sources_make_the_index_stale_and_loading_refuses(built):
    sources, out, _ = built
    assert store.staleness(sources, out, "fake-embedder") == []
    doc = sources / "testdok.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nEn ny mening.\n", encoding="utf-8")
    reasons = store.staleness(sources, out, "fake-embedder")
    assert any("source documents" in r for r in reasons)
    with pytest.raises(store.StaleIndexError, match="python -m index build"):
        store.load(sources, out, "fake-embedder")


def test_another_model_makes_the_index_stale(built):
    sources, out, _ = built
    assert any("embedding model" in r for r in store.staleness(sources, out, "another-model"))


def test_missing_index_is_reported(tmp_path, tiny_corpus):
    assert store.staleness(tiny_corpus, tmp_path / "nothing", "m") == [f"no index at {tmp_path / 'nothing'}"]


def test_search_and_read_find_the_convener(built, fake_embedder):
    sources, out, _ = built
    stored = store.load(sources, out, "fake-embedder")
    analyzer = SwedishAnalyzer()
    retriever = Retriever(stored, fake_embedder, analyzer)
    result = retriever.search("Vem sammankallar till samverkansmöten?")
    assert result.best is not None and result.coverage > 0.5
    assert result.best.chunk.section.startswith("Sammankallande") or "sammankallar" in result.best.chunk.text
    off_topic = retriever.search("Vilken pizzeria har bäst kebab?")
    assert off_topic.coverage < 0.3
