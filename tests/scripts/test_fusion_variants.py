"""The fusion variants experiments compare (scripts/fusion_variants.py): hand-made inputs whose right
order is known."""

from __future__ import annotations

import numpy as np
import pytest

from scripts.fusion_variants import (
    FusionSettings,
    blend_sentence_scores,
    fuse,
    lexical_weight_for,
    max_by_owner,
    min_max,
    reciprocal_rank_fusion,
    top_rows,
)


def test_fuse_lets_a_strong_keyword_match_overtake_a_close_dense_score() -> None:
    dense = [(1, 0.62), (2, 0.60), (3, 0.30)]
    lexical = [(2, 12.0), (3, 3.0)]
    fused = fuse(dense, lexical, lexical_weight=0.3)
    assert [row for row, _ in fused] == [2, 1, 3]
    assert fused[0][1] == pytest.approx(0.60 + 0.3)


def test_fuse_with_zero_weight_keeps_dense_order_and_floors_missing_rows() -> None:
    fused = fuse([(5, 0.9), (4, 0.5)], [(7, 9.0)], lexical_weight=0.0)
    assert fused == [(5, 0.9), (4, 0.5), (7, 0.5)]


def test_fuse_handles_empty_lists() -> None:
    assert fuse([], [], 0.3) == []
    assert fuse([(1, 0.4)], [], 0.3) == [(1, 0.4)]


def test_lexical_weight_shrinks_when_query_words_are_not_in_the_corpus() -> None:
    settings = FusionSettings(lexical_weight=0.4, coverage_power=2.0)
    assert lexical_weight_for(1.0, settings) == pytest.approx(0.4)
    assert lexical_weight_for(0.5, settings) == pytest.approx(0.1)
    assert lexical_weight_for(0.0, settings) == 0.0


def test_reciprocal_rank_fusion_rewards_rows_ranked_by_both() -> None:
    fused = reciprocal_rank_fusion([[(1, 0.9), (2, 0.8)], [(2, 5.0), (3, 4.0)]], k=60)
    assert [row for row, _ in fused] == [2, 1, 3]


def test_max_by_owner_and_blend_score_a_passage_by_its_best_sentence() -> None:
    best = max_by_owner(np.array([0.1, 0.7, 0.4]), np.array([0, 0, 1]), 3)
    assert best[:2].tolist() == pytest.approx([0.7, 0.4])
    assert best[2] == -np.inf
    blended = blend_sentence_scores(np.array([0.5, 0.6]), best[:2], 0.5)
    assert blended.tolist() == pytest.approx([0.6, 0.5])


def test_top_rows_and_min_max() -> None:
    assert top_rows(np.array([0.1, 0.9, 0.5, 0.9]), 3) == [
        (1, pytest.approx(0.9)),
        (3, pytest.approx(0.9)),
        (2, 0.5),
    ]
    assert min_max(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert min_max(np.array([1.0, 1.0])).tolist() == [0.0, 0.0]
