"""Build, save and load the search index under ``index/build/``.

Layout: ``manifest.json``, ``chunks.json`` (passages with their sentence units),
``passages.faiss`` (passage vectors) and ``units.npy`` (sentence-unit vectors).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.chunking import CHUNKER_VERSION, chunk_document, chunk_units
from index.dense import DenseIndex
from index.embedder import Embedder
from index.manifest import FORMAT_VERSION, Manifest, corpus_hash, model_fingerprint
from index.models import Chunk
from knowledge.documents import Document, load_documents

log = logging.getLogger(__name__)


class StaleIndexError(RuntimeError):
    """The index is missing, stale or does not match the configured model."""


@dataclass(frozen=True)
class StoredIndex:
    manifest: Manifest
    chunks: tuple[Chunk, ...]
    units: tuple[tuple[str, ...], ...]  # sentence units per chunk
    dense: DenseIndex
    unit_vectors: np.ndarray  # one row per unit, in chunk order

    @cached_property
    def _unit_offsets(self) -> dict[str, tuple[int, int]]:
        offsets, start = {}, 0
        for i, chunk in enumerate(self.chunks):
            offsets[chunk.id] = (i, start)
            start += len(self.units[i])
        return offsets

    def units_of(self, chunk: Chunk) -> tuple[tuple[str, ...], np.ndarray]:
        """The sentence units of a passage and their vectors."""
        i, start = self._unit_offsets[chunk.id]
        units = self.units[i]
        return units, self.unit_vectors[start : start + len(units)]


def chunk_corpus(documents: list[Document]) -> list[Chunk]:
    return [c for d in documents for c in chunk_document(d.id, d.title, d.body)]


def expected_manifest(
    sources_dir: Path, model: str, dimension: int, chunks: int = 0, units: int = 0
) -> Manifest:
    return Manifest(
        format_version=FORMAT_VERSION,
        model_id=Path(model).name or model,
        model_fingerprint=model_fingerprint(model),
        dimension=dimension,
        corpus_hash=corpus_hash(list(sources_dir.glob("*.md"))),
        chunker_version=CHUNKER_VERSION,
        chunks=chunks,
        units=units,
    )


def build(sources_dir: Path, out_dir: Path, embedder: Embedder, model: str) -> Manifest:
    documents = load_documents(sources_dir)
    chunks = chunk_corpus(documents)
    units = [chunk_units(c) for c in chunks]
    log.info("embedding %d passages and %d sentence units", len(chunks), sum(map(len, units)))
    passage_vectors = embedder.embed_passages([c.indexed_text for c in chunks])
    # A sentence is embedded with its document title and section, which it often leaves implicit.
    unit_vectors = embedder.embed_passages(
        [f"{c.title}. {s}. {u}" for c, us in zip(chunks, units, strict=True) for s, u in us]
    )
    manifest = expected_manifest(
        sources_dir, model, int(passage_vectors.shape[1]), len(chunks), len(unit_vectors)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    # Write the manifest last: an interrupted build leaves no valid-looking index.
    (out_dir / "manifest.json").unlink(missing_ok=True)
    payload = [{**asdict(c), "units": [u for _, u in us]} for c, us in zip(chunks, units, strict=True)]
    (out_dir / "chunks.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    DenseIndex.build(passage_vectors).save(out_dir / "passages.faiss")
    np.save(out_dir / "units.npy", unit_vectors)
    (out_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def staleness(sources_dir: Path, out_dir: Path, model: str) -> list[str]:
    """Why the index in ``out_dir`` cannot be used now (empty when it is up to date)."""
    path = out_dir / "manifest.json"
    if not path.exists():
        return [f"no index at {out_dir}"]
    try:
        built = Manifest.read(path)
    except (ValueError, TypeError) as exc:
        return [f"unreadable manifest ({exc})"]
    return built.mismatches(expected_manifest(sources_dir, model, built.dimension))


def load(sources_dir: Path, out_dir: Path, model: str) -> StoredIndex:
    """Load an up-to-date index, or raise :class:`StaleIndexError` saying why it cannot be used."""
    reasons = staleness(sources_dir, out_dir, model)
    if reasons:
        raise StaleIndexError(
            "the search index is stale: " + "; ".join(reasons) + ". Run `python -m index build`."
        )
    manifest = Manifest.read(out_dir / "manifest.json")
    raw = json.loads((out_dir / "chunks.json").read_text(encoding="utf-8"))
    chunks = tuple(
        Chunk(
            **{k: v for k, v in r.items() if k != "units"}
            | {"paragraph_sections": tuple(r["paragraph_sections"])}
        )
        for r in raw
    )
    units = tuple(tuple(r["units"]) for r in raw)
    dense = DenseIndex.load(out_dir / "passages.faiss")
    unit_vectors = np.load(out_dir / "units.npy")
    if (
        dense.size != len(chunks)
        or dense.dimension != manifest.dimension
        or len(unit_vectors) != manifest.units
    ):
        raise StaleIndexError(
            "the search index files disagree with its manifest. Run `python -m index build --force`."
        )
    return StoredIndex(manifest, chunks, units, dense, unit_vectors)
