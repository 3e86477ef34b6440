"""Fusion variants tried in `retrieval_experiments.py` and not shipped (see docs/retrieval.md), and
the first round's ranking, the "before" of the second stage: the dense cosine plus the keyword score
divided by the query's best keyword score, the keyword weight scaled by how many of the query's
terms occur in the corpus at all (`coverage`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class FusionSettings:
    """Weighted-sum fusion: `dense + lexical_weight * coverage**coverage_power * lexical / max(lexical)`."""

    lexical_weight: float = 0.5
    coverage_power: float = 2.0


def lexical_weight_for(coverage: float, settings: FusionSettings) -> float:
    """Keyword weight for a query whose terms occur in the corpus in this fraction (0..1)."""
    coverage = min(1.0, max(0.0, coverage))
    return settings.lexical_weight * coverage**settings.coverage_power


def fuse(
    dense: Sequence[tuple[int, float]], lexical: Sequence[tuple[int, float]], lexical_weight: float
) -> Ranked:
    """Weighted sum of dense cosine and max-normalised keyword score, best first.

    A row missing from the dense list gets the lowest dense score listed (it ranked below all of
    them); a row missing from the keyword list gets 0 (no query term occurs in it).
    """
    if not dense and not lexical:
        return []
    dense_scores = dict(dense)
    floor = min(dense_scores.values()) if dense_scores else 0.0
    top_lexical = max((score for _, score in lexical), default=0.0)
    lexical_scores = {row: score / top_lexical for row, score in lexical} if top_lexical > 0 else {}
    rows = dict.fromkeys([row for row, _ in dense] + [row for row, _ in lexical])
    fused = [
        (row, dense_scores.get(row, floor) + lexical_weight * lexical_scores.get(row, 0.0)) for row in rows
    ]
    return sorted(fused, key=lambda item: (-item[1], item[0]))


def blend_sentence_scores(
    passage: np.ndarray, best_sentence: np.ndarray, sentence_weight: float
) -> np.ndarray:
    """`(1 - w) * passage cosine + w * best sentence cosine` (a passage scored by its best sentence too)."""
    return (1.0 - sentence_weight) * passage + sentence_weight * best_sentence
