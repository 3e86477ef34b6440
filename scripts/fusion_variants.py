"""Fusion variants tried in `retrieval_experiments.py` and not shipped (see docs/retrieval.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Ranked = list[tuple[int, float]]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[tuple[int, float]]], k: float = 60.0, weights: Sequence[float] | None = None
) -> Ranked:
    """Reciprocal rank fusion: sum of `weight / (k + rank)` over the lists a row appears in."""
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    totals: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (row, _) in enumerate(ranking, start=1):
            totals[row] = totals.get(row, 0.0) + weight / (k + rank)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def min_max(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] (all-equal scores become 0)."""
    scores = np.asarray(scores, dtype=np.float32)
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.zeros_like(scores)
    return (scores - low) / (high - low)


def max_by_owner(scores: np.ndarray, owners: np.ndarray, count: int) -> np.ndarray:
    """Per owner (passage), the best score of its rows (sentences); owners without rows get -inf."""
    out = np.full(count, -np.inf, dtype=np.float32)
    np.maximum.at(out, np.asarray(owners, dtype=np.int64), np.asarray(scores, dtype=np.float32))
    return out


def top_rows(scores: np.ndarray, k: int) -> Ranked:
    """The `k` highest-scoring rows of a score array, best first (ties by row id)."""
    if k <= 0 or scores.size == 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    ranked = sorted(candidates.tolist(), key=lambda row: (-float(scores[row]), row))
    return [(row, float(scores[row])) for row in ranked]
