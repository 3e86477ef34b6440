"""The shipped second stage: plain JSON that loads, ranks by its features and states probabilities."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from index.errors import ArticleIndexError
from index.search.features import FEATURE_NAMES
from index.search.second_stage import MODEL_FILE, Linear, SecondStage, shipped_model


def _features(**values: float) -> np.ndarray:
    row = np.zeros((1, len(FEATURE_NAMES)), dtype=np.float32)
    for name, value in values.items():
        row[0, FEATURE_NAMES.index(name)] = value
    return row


def test_the_shipped_model_is_plain_json_that_loads_and_round_trips() -> None:
    text = resources.files("index.search").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    model = shipped_model()
    assert SecondStage.from_json(model.to_json()).to_json() == data
    assert data["trained_on"]


def test_a_closer_passage_ranks_higher_and_is_more_likely_to_answer() -> None:
    model = shipped_model()
    close = _features(passage_cosine=0.6, sentence_cosine=0.7, matched=0.8, title_matched=0.3, coverage=1.0)
    far = _features(passage_cosine=0.2, sentence_cosine=0.25, matched=0.1, coverage=1.0)
    both = np.concatenate([close, far])
    scores = model.rank(both)
    confidence = model.confidence(both, scores)
    assert scores[0] > scores[1]
    assert 0.0 < confidence[1] < confidence[0] < 1.0


def test_a_question_whose_words_no_article_holds_is_less_likely_answered() -> None:
    model = shipped_model()
    seen = _features(passage_cosine=0.4, sentence_cosine=0.45, matched=0.5, coverage=1.0, unseen=0.0)
    unseen = _features(passage_cosine=0.4, sentence_cosine=0.45, matched=0.5, coverage=1.0, unseen=0.4)
    both = np.concatenate([seen, unseen])
    assert model.confidence(both, model.rank(both))[1] < model.confidence(both, model.rank(both))[0]


def test_a_model_reading_unknown_features_is_refused() -> None:
    ranker = Linear(("shoe_size",), np.ones(1), 0.0)
    calibrator = shipped_model().calibrator
    with pytest.raises(ArticleIndexError, match="unknown features"):
        SecondStage(ranker, calibrator)
    with pytest.raises(ArticleIndexError, match="format"):
        SecondStage.from_json({**shipped_model().to_json(), "format_version": 99})
