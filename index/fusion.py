"""Reciprocal-rank fusion of ranked lists."""

from __future__ import annotations

from collections.abc import Sequence


def ranks(scores: Sequence[float]) -> list[int]:
    """1-based rank of each item when sorted by descending score (ties keep input order)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    out = [0] * len(scores)
    for rank, i in enumerate(order, start=1):
        out[i] = rank
    return out


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = 60) -> list[float]:
    """Fused score per item: the sum over rankings of 1 / (k + rank)."""
    if not rankings:
        return []
    n = len(rankings[0])
    return [sum(1.0 / (k + r[i]) for r in rankings) for i in range(n)]
