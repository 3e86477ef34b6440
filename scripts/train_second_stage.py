"""Train the second stage (ranker and calibrator) and write `index/search/second_stage.json`.

    .venv/bin/pip install -e ".[train]"   # scikit-learn
    .venv/bin/python -m scripts.train_second_stage [--no-write]

Deterministic: the data come from the product's own index and candidate code
(`scripts/second_stage_data.py`), the split is fixed (articles at even positions in each file are
for tuning, odd ones are only reported), and scikit-learn's lbfgs logistic regression has no
randomness. Only tuning questions are fitted on:

- ranker: every candidate of the PIAF tuning questions, label "overlaps the gold context";
- calibrator: the first passage of each tuning question of PIAF and of the three XQuAD sets (en→en,
  en→es, en→de), asked once normally (label: it is a hit) and once with its article removed
  (label 0). XQuAD is in the calibrator's training because a PIAF-only calibrator has never seen
  a question in another language than its articles (it then refuses most of them); its reported
  figures are on the held-out odd articles.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.search.features import FEATURE_NAMES
from index.search.second_stage import CALIBRATOR_INPUTS, MODEL_FILE, Linear, SecondStage, calibrator_inputs
from scripts.second_stage_data import WORK, SetData, load, load_all, save

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "index" / "search" / MODEL_FILE
RANKER_INPUTS = ("passage_cosine", "sentence_cosine", "matched", "title_matched")
CALIBRATION_SETS = ("piaf", "en", "en>es", "en>de")
MIN_ANSWERED = 0.95


def fit_logistic(x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> Linear:
    """Standardise, fit an L2 logistic regression (C=1), and fold the scaling back into the weights."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale
    return Linear(tuple(names), weights, float(model.intercept_[0] - (mean * weights).sum()))


@dataclass
class Firsts:
    """Per question: the first passage's calibrator inputs, asked normally and with the article removed."""

    answerable: np.ndarray  # questions x CALIBRATOR_INPUTS
    hit: np.ndarray
    removed: np.ndarray
    has_answerable: np.ndarray
    has_removed: np.ndarray


def first_passages(data: SetData, ranker: Linear, inputs: tuple[str, ...] = CALIBRATOR_INPUTS) -> Firsts:
    """Each question's first passage (best ranking score), asked normally and with its article removed."""
    columns = [FEATURE_NAMES.index(name) for name in ranker.names]

    def best(questions: np.ndarray, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        scores = ranker(features[:, columns])
        top = np.full(data.questions, -1)
        best_score = np.full(data.questions, -np.inf)
        for line, (question, score) in enumerate(zip(questions, scores, strict=True)):
            if score > best_score[question]:
                best_score[question], top[question] = score, line
        found = top >= 0
        # A question with no candidate at all: a very low score (it is never answered).
        chosen = np.where(found, best_score, -30.0)
        return calibrator_inputs(features[np.maximum(top, 0)], chosen, inputs), top, found

    answerable, top, has_answerable = best(data.question, data.features)
    removed, _, has_removed = best(data.removed_question, data.removed_features)
    hit = np.where(has_answerable, data.hit[np.maximum(top, 0)], False)
    return Firsts(answerable, hit, removed, has_answerable, has_removed)


def train(sets: dict[str, SetData]) -> tuple[SecondStage, float]:
    piaf = sets["piaf"]
    tuning_lines = piaf.tuning[piaf.question]
    columns = [FEATURE_NAMES.index(name) for name in RANKER_INPUTS]
    ranker = fit_logistic(
        piaf.features[tuning_lines][:, columns].astype(np.float64), piaf.hit[tuning_lines], RANKER_INPUTS
    )
    xs, ys = [], []
    firsts = {name: first_passages(sets[name], ranker) for name in CALIBRATION_SETS}
    for name, first in firsts.items():
        tuning = sets[name].tuning
        keep_a, keep_r = tuning & first.has_answerable, tuning & first.has_removed
        xs += [first.answerable[keep_a], first.removed[keep_r]]
        ys += [first.hit[keep_a], np.zeros(int(keep_r.sum()), dtype=bool)]
    calibrator = fit_logistic(np.concatenate(xs), np.concatenate(ys), CALIBRATOR_INPUTS)
    model = SecondStage(
        ranker,
        calibrator,
        "ranker: PIAF tuning articles (even positions); calibrator: the tuning articles of PIAF and "
        "XQuAD en, en>es, en>de, first passage asked with and without its article",
    )
    # The bar: the highest probability that still answers MIN_ANSWERED of every tuning set's questions.
    bars = []
    for name, first in firsts.items():
        tuning = sets[name].tuning
        probability = np.where(first.has_answerable, model_probability(model, first.answerable), 0.0)
        bars.append(float(np.quantile(probability[tuning], 1 - MIN_ANSWERED, method="lower")))
    return model, min(bars)


def model_probability(model: SecondStage, inputs: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-model.calibrator(inputs)))


def datasets(refresh: bool) -> dict[str, SetData]:
    paths = {name: WORK / f"{name.replace('>', '-')}.npz" for name in CALIBRATION_SETS}
    if refresh or not all(path.exists() for path in paths.values()):
        for name, data in load_all(CALIBRATION_SETS).items():
            save(data, paths[name])
    return {name: load(name, path) for name, path in paths.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {MODEL_FILE} alone")
    parser.add_argument("--refresh", action="store_true", help="recompute the candidate features")
    args = parser.parse_args()
    model, bar = train(datasets(args.refresh))
    print(model.to_json())
    print(f"highest confidence bar answering {MIN_ANSWERED:.0%} of every tuning set: {bar:.3f}")
    if not args.no_write:
        model.save(MODEL_PATH)
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
