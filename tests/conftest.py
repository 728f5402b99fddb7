"""Shared fixtures: a deterministic fake embedder, a tiny fictitious corpus, a tracker factory."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from knowledge.text import fold

DIM = 64


class FakeEmbedder:
    """Bag-of-words hashing embedder: texts sharing words get similar vectors. For unit tests only."""

    model_id = "fake-embedder"
    dimension = DIM

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for word in fold(text).split():
            word = word.strip(".,:;?!()\"”")
            if len(word) > 2:
                v[int(hashlib.md5(word[:6].encode()).hexdigest(), 16) % DIM] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])


FICTITIOUS_DOC = """---
id: testdok
title: Fiktiv testöverenskommelse
issuer: Testförbundet (fiktivt)
date: 2099-01-01
region: stockholm
source: testdok.txt
---

## Syfte

Den här fiktiva överenskommelsen finns bara för tester. Den beskriver hur kommunen Testby och
regionen Testland samverkar kring äldres vård och omsorg, med ett gemensamt mål om trygg vård.
Parterna följer upp överenskommelsen varje år i en gemensam dialog om resultaten.

## Sammankallande

Testcentralen sammankallar till lokala samverkansmöten fyra gånger per år. Om parterna inte
kommer överens om annat är det testcentralen som ansvarar för att sammankalla.

## Uppdrag

Testfunktionen ska:

- vara kontaktperson för andra aktörer,
- delta i lokala samverkansmöten,
- föra frågor till och från verksamheterna.

Testfunktionen bör ha god kunskap om socialtjänstens organisation och uppdrag i kommunen Testby.
"""


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A sources directory holding one fictitious document."""
    src = tmp_path / "sources"
    src.mkdir()
    (src / "testdok.md").write_text(FICTITIOUS_DOC, encoding="utf-8")
    return src
