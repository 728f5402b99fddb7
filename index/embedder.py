"""Sentence embeddings: a small protocol, the sentence-transformers implementation, and queries
through a faster CPU path with a cache."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)


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

    def __init__(
        self, model: str, query_prompt: str = "query: ", passage_prompt: str = "passage: ", threads: int = 0
    ) -> None:
        self.model_id = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.threads = threads  # torch's threads for this process when > 0

    @cached_property
    def _model(self):
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads > 0:
            torch.set_num_threads(self.threads)
        return SentenceTransformer(self.model_id, device="cpu", local_files_only=True)

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension())

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        vectors = self._model.encode(
            [prompt + t for t in texts],
            normalize_embeddings=True,
            convert_to_numpy=True,
            batch_size=16,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt)


class QueryEmbedder:
    """An embedder whose queries are cached, the most recent ``cache_size`` kept: a question
    asked again, or the same question embedded by the retriever and the curated-answer matcher
    in one turn, is embedded once. A faster path for queries may be given; it is checked against
    the model on first use and not used below ``min_agreement`` cosine. Passages always come
    from the model, so the index and the queries stay in one space. ``restore`` rewrites a query
    before it is embedded (:mod:`index.diacritics`: the å/ä/ö it was typed without)."""

    PROBE = "Vem sammankallar till lokala samverkansmöten när parterna inte är överens?"

    def __init__(
        self,
        model: SentenceTransformerEmbedder,
        fast: Callable[[Sequence[str]], np.ndarray] | None = None,
        cache_size: int = 4096,
        min_agreement: float = 0.999,
        restore: Callable[[str], str] | None = None,
    ) -> None:
        self.model = model
        self._restore = restore
        self.model_id = model.model_id
        self._fast = fast
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._min_agreement = min_agreement
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.model.dimension

    @cached_property
    def fast_path(self) -> Callable[[Sequence[str]], np.ndarray] | None:
        """The faster path when it agrees with the model on a probe sentence, else None."""
        if self._fast is None:
            return None
        try:
            agreement = float(self._fast([self.PROBE])[0] @ self.model.embed_queries([self.PROBE])[0])
        except (ImportError, OSError, ValueError) as exc:
            log.warning("the fast query path is unavailable (%r); queries use the model", exc)
            return None
        if agreement < self._min_agreement:
            log.warning("the fast query path agrees at cosine %.5f only; queries use the model", agreement)
            return None
        return self._fast

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in self._cache:
                    self._cache.move_to_end(text)
                    found[text] = self._cache[text]
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            encode = self.fast_path or self.model.embed_queries
            restored = [self._restore(t) for t in missing] if self._restore else missing
            for text, vector in zip(missing, encode(restored), strict=True):
                found[text] = vector
            with self._lock:
                for text in missing:
                    self._cache[text] = found[text]
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.embed_passages(texts)
