"""Sentence embeddings: a small protocol, and the sentence-transformers implementation."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    model_id: str

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Normalised embeddings from a sentence-transformers model directory or name.

    The model is loaded on first use, never at import or construction time, and only
    from local files (no hub downloads at run time)."""

    def __init__(self, model: str, query_prompt: str = "query: ", passage_prompt: str = "passage: ") -> None:
        self.model_id = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt

    @cached_property
    def _model(self):
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self.model_id, device="cpu", local_files_only=True)

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension())

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        vectors = self._model.encode(
            [prompt + t for t in texts], normalize_embeddings=True, convert_to_numpy=True, batch_size=16
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt)
