"""The dense index: inner product over normalised vectors in FAISS."""

from __future__ import annotations

from pathlib import Path

import numpy as np


class DenseIndex:
    def __init__(self, index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        import faiss

        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        import faiss

        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def scores(self, query: np.ndarray) -> list[float]:
        """Cosine similarity of the (normalised) query to every vector, in index order."""
        n = self.size
        sims, ids = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), n)
        out = [0.0] * n
        for sim, i in zip(sims[0], ids[0], strict=True):
            if i >= 0:
                out[int(i)] = float(sim)
        return out
