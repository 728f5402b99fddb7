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

    def vectors(self) -> np.ndarray:
        """Every vector, in index order (n × dimension)."""
        if self.size == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._index.reconstruct_n(0, self.size), dtype=np.float32)

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of the (normalised) query to every vector, in index order."""
        n = self.size
        out = np.zeros(n, dtype=np.float32)
        if n == 0:
            return out
        sims, ids = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), n)
        found = ids[0] >= 0
        out[ids[0][found]] = sims[0][found]
        return out

    def scores(self, query: np.ndarray) -> list[float]:
        """:meth:`similarities` as a list."""
        return [float(s) for s in self.similarities(query)]
