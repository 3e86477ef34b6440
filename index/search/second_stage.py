"""Second stage: rank the candidates, then say how likely each one is to answer the question.

Two logistic regressions, shipped as plain JSON (`second_stage.json` beside this file, written by
`scripts/train_second_stage.py`; never a pickle):

- the *ranker* weighs each candidate's `FEATURE_NAMES` into one score (a log-odds that the passage
  holds the answer, trained over every candidate of the tuning questions);
- the *calibrator* turns a passage's ranking score and two facts about the question (how many of
  its words the articles hold at all, and the idf share of those they never use) into the
  probability that this passage answers it, trained on the first passage of tuning questions
  asked with and without their article indexed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import ArticleIndexError
from index.search.features import FEATURE_NAMES

MODEL_FILE = "second_stage.json"
FORMAT_VERSION = 1
# What the calibrator reads: the ranking score, features (FEATURE_NAMES) and products of two ("a*b").
# The product lets the score mean more when fewer question words are in the articles: across
# languages keyword features are near 0, so the same score is stronger evidence.
CALIBRATOR_INPUTS = ("ranking_score", "coverage", "unseen", "ranking_score*coverage")
SCORE = "ranking_score"


def calibrator_inputs(features: np.ndarray, scores: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The calibrator's inputs by name: `ranking_score`, a feature, or the product `a*b` of two."""

    def one(name: str) -> np.ndarray:
        if "*" in name:
            left, right = name.split("*", 1)
            return one(left) * one(right)
        if name == SCORE:
            return np.asarray(scores, dtype=np.float64)
        return features[:, FEATURE_NAMES.index(name)].astype(np.float64)

    return np.column_stack([one(name) for name in names]) if len(features) else np.zeros((0, len(names)))


@dataclass(frozen=True)
class Linear:
    """`bias + Σ weight_i · x_i` over named inputs."""

    names: tuple[str, ...]
    weights: np.ndarray
    bias: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Linear:
        names = tuple(data["weights"])
        return cls(names, np.array([float(data["weights"][n]) for n in names]), float(data["bias"]))

    def to_json(self) -> dict[str, Any]:
        weights = {n: round(float(w), 6) for n, w in zip(self.names, self.weights, strict=True)}
        return {"weights": weights, "bias": round(self.bias, 6)}

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=np.float64) @ self.weights + self.bias


class SecondStage:
    """The ranker and the calibrator, with what they were trained on (for the record)."""

    def __init__(self, ranker: Linear, calibrator: Linear, trained_on: str = "") -> None:
        unknown = set(ranker.names) - set(FEATURE_NAMES)
        if unknown:
            raise ArticleIndexError(f"the ranker reads unknown features: {sorted(unknown)}")
        parts = {part for name in calibrator.names for part in name.split("*")} - {SCORE, *FEATURE_NAMES}
        if parts:
            raise ArticleIndexError(f"the calibrator reads unknown inputs: {sorted(parts)}")
        self.ranker, self.calibrator, self.trained_on = ranker, calibrator, trained_on
        self._columns = [FEATURE_NAMES.index(name) for name in ranker.names]

    def rank(self, features: np.ndarray) -> np.ndarray:
        """Ranking score of each candidate (rows of `features`, columns `FEATURE_NAMES`)."""
        return self.ranker(features[:, self._columns]) if len(features) else np.zeros(0)

    def confidence(self, features: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Probability that each candidate answers the question, from its features and ranking score."""
        if not len(features):
            return np.zeros(0)
        inputs = calibrator_inputs(features, scores, self.calibrator.names)
        return 1.0 / (1.0 + np.exp(-self.calibrator(inputs)))

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "trained_on": self.trained_on,
            "ranker": self.ranker.to_json(),
            "calibrator": self.calibrator.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SecondStage:
        if data.get("format_version") != FORMAT_VERSION:
            raise ArticleIndexError(f"second-stage model has format {data.get('format_version')!r}")
        return cls(
            Linear.from_json(data["ranker"]),
            Linear.from_json(data["calibrator"]),
            str(data.get("trained_on", "")),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def shipped_model() -> SecondStage:
    """The model that ships with the package (trained by `scripts/train_second_stage.py`)."""
    text = resources.files("index.search").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return SecondStage.from_json(json.loads(text))
