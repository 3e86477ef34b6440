"""Combining dense and keyword results: pure functions on `(row, score)` lists and arrays.

The retriever uses `dedupe_overlapping`; it ranks with the second stage (`second_stage.py`). The
weighted sum below is the first round's ranking, kept for `scripts/retrieval_experiments.py` and
as the "before" row of `scripts/second_stage_experiments.py`: the dense cosine plus the keyword
score divided by the query's best keyword score, the keyword weight scaled by how many of the
query's terms occur in the corpus at all (`coverage`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

Ranked = list[tuple[int, float]]
T = TypeVar("T")


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


def dedupe_overlapping(
    hits: Iterable[T],
    span: Callable[[T], tuple[Hashable, int, int]],
) -> list[T]:
    """Keep hits in order, dropping any that overlaps an already kept hit of the same article.

    `span(hit)` returns `(article_id, start, end)` with `[start, end)` character offsets.
    """
    kept: list[T] = []
    taken: dict[Hashable, list[tuple[int, int]]] = {}
    for hit in hits:
        article, start, end = span(hit)
        spans = taken.setdefault(article, [])
        if any(start < other_end and other_start < end for other_start, other_end in spans):
            continue
        spans.append((start, end))
        kept.append(hit)
    return kept
