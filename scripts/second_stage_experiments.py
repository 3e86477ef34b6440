"""What each part of the second stage contributes: one table, on the tuning and the reporting part.

    .venv/bin/python -m scripts.second_stage_experiments [--no-write]

Reads the candidate features `scripts/second_stage_data.py` computes through the product's own code
(cached under /tmp/qa-exp/second-stage; the chat-typed PIAF set is built by
`scripts/chat_questions.py`), fits each variant exactly as `scripts/train_second_stage.py` fits the
shipped one (on tuning articles only), and rewrites the table between the markers in
docs/retrieval.md. Abstention is measured with each question's article removed from the index
(its passages and its document frequencies), at the highest bar that answers 95% of every tuning
set's questions.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.search.features import FEATURE_NAMES
from index.search.second_stage import CALIBRATOR_INPUTS, Linear, calibrator_inputs
from scripts.chat_questions import OUT as CHAT_FILE
from scripts.chat_questions import PIAF, retype
from scripts.doc_blocks import write_block
from scripts.second_stage_data import WORK, SetData, load, load_all, save
from scripts.train_second_stage import CALIBRATION_SETS, MIN_ANSWERED, RANKER_INPUTS, fit_logistic

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "retrieval.md"
Scorer = Callable[[np.ndarray, np.ndarray, int], np.ndarray]  # (features, question ids, questions) → scores


def column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def old_fusion(features: np.ndarray, questions: np.ndarray, count: int) -> np.ndarray:
    """The shipped configuration before the second stage: dense + 0.5·coverage²·BM25 / best BM25,
    minus its rising bar (0.7 times the keyword weight), so that one bar (0.25) applies to every question."""
    dense = 0.5 * features[:, column("passage_cosine")] + 0.5 * features[:, column("sentence_cosine")]
    keyword = features[:, column("keyword")].astype(np.float64)
    best = np.zeros(count)
    np.maximum.at(best, questions, keyword)
    weight = 0.5 * features[:, column("coverage")].astype(np.float64) ** 2
    normalised = np.divide(keyword, best[questions], out=np.zeros_like(keyword), where=best[questions] > 0)
    return dense + weight * normalised - 0.7 * weight


@dataclass
class Firsts:
    score: np.ndarray  # per question: the first passage's score (-inf when none)
    line: np.ndarray  # its line in the features (-1 when none)


def firsts(scores: np.ndarray, questions: np.ndarray, count: int) -> Firsts:
    best = np.full(count, -np.inf)
    line = np.full(count, -1)
    order = np.lexsort((np.arange(len(scores)), -scores))
    for position in order[::-1]:  # the best line of each question is written last
        best[questions[position]] = scores[position]
        line[questions[position]] = position
    return Firsts(best, line)


def ranks(data: SetData, scores: np.ndarray) -> np.ndarray:
    """1-based rank of the first hit per question (0 when none in the top 10); ties by row."""
    out = np.zeros(data.questions, dtype=int)
    order = np.lexsort((data.rows, -scores, data.question))
    start = np.searchsorted(data.question[order], np.arange(data.questions))
    positions = np.arange(len(order)) - start[data.question[order]] + 1
    for question, position, line in zip(data.question[order], positions, order, strict=True):
        if position <= 10 and data.hit[line] and out[question] == 0:
            out[question] = position
    return out


def recall_mrr(rank: np.ndarray, keep: np.ndarray) -> tuple[float, float]:
    chosen = rank[keep]
    recall = float(np.mean((chosen > 0) & (chosen <= 5)))
    mrr = float(np.mean(np.where(chosen > 0, 1.0 / np.maximum(chosen, 1), 0.0)))
    return recall, mrr


@dataclass(frozen=True)
class Variant:
    label: str
    ranker: tuple[str, ...] | None  # None: the old fusion
    calibrator: tuple[str, ...] = CALIBRATOR_INPUTS
    calibration_sets: tuple[str, ...] = CALIBRATION_SETS


VARIANTS = (
    Variant("before: dense + 0.5·coverage²·BM25/best BM25, bar 0.25 + 0.35·coverage²", None),
    Variant("ranker: passage + best-sentence cosine", ("passage_cosine", "sentence_cosine")),
    Variant(
        "ranker: + idf share of question terms in the passage",
        ("passage_cosine", "sentence_cosine", "matched"),
    ),
    Variant("ranker: + idf share in the title (shipped: ranker and calibrator)", RANKER_INPUTS),
    Variant(
        "ranker: share in passage or title, one feature",
        ("passage_cosine", "sentence_cosine", "matched_with_title"),
    ),
    Variant("ranker: shipped + BM25 / summed idf", (*RANKER_INPUTS, "keyword")),
    Variant("calibrator: ranking score only", RANKER_INPUTS, ("ranking_score",)),
    Variant("calibrator: score + coverage", RANKER_INPUTS, ("ranking_score", "coverage")),
    Variant(
        "calibrator: score + coverage + unseen share, no product",
        RANKER_INPUTS,
        ("ranking_score", "coverage", "unseen"),
    ),
    Variant(
        "calibrator: shipped + rarest missing term",
        RANKER_INPUTS,
        (*CALIBRATOR_INPUTS, "rarest_missing"),
    ),
    Variant("calibrator: shipped inputs, fitted on PIAF only", RANKER_INPUTS, CALIBRATOR_INPUTS, ("piaf",)),
)


def evaluate(variant: Variant, sets: dict[str, SetData]) -> dict[str, str]:
    piaf = sets["piaf"]
    if variant.ranker is None:
        scorer: Scorer = old_fusion
    else:
        columns = [column(name) for name in variant.ranker]
        lines = piaf.tuning[piaf.question]
        ranker = fit_logistic(
            piaf.features[lines][:, columns].astype(np.float64), piaf.hit[lines], variant.ranker
        )

        def scorer(features: np.ndarray, questions: np.ndarray, count: int) -> np.ndarray:
            return ranker(features[:, columns])

    scored = {
        name: (
            scorer(data.features, data.question, data.questions),
            scorer(data.removed_features, data.removed_question, data.questions),
        )
        for name, data in sets.items()
    }
    probability = confidence_function(variant, sets, scored)
    cells: dict[str, str] = {}
    for name, data in sets.items():
        rank = ranks(data, scored[name][0])
        reporting = ~data.tuning
        if name in ("piaf", "piaf+chat"):
            tuning_r, tuning_m = recall_mrr(rank, data.tuning)
            report_r, report_m = recall_mrr(rank, reporting)
            cells[name] = f"{tuning_r:.3f} / {tuning_m:.3f} · **{report_r:.3f} / {report_m:.3f}**"
        else:
            cells[name] = f"{recall_mrr(rank, reporting)[0]:.3f}"
    bar = min(
        float(np.quantile(probability(name, False)[sets[name].tuning], 1 - MIN_ANSWERED, method="lower"))
        for name in variant.calibration_sets
    )
    if variant.ranker is None:
        bar = 0.25  # the old configured bar: its rates are what it shipped with
    for name in ("piaf", "en>es", "en>de", "en"):
        keep = ~sets[name].tuning
        answered = float(np.mean(probability(name, False)[keep] >= bar))
        declined = float(np.mean(probability(name, True)[keep] < bar))
        cells[f"abstain {name}"] = f"{answered:.1%} / {declined:.1%}"
    return cells


def confidence_function(
    variant: Variant, sets: dict[str, SetData], scored: dict[str, tuple[np.ndarray, np.ndarray]]
) -> Callable[[str, bool], np.ndarray]:
    """(set, article removed?) → per question, the stated confidence of the first passage."""

    def first_inputs(name: str, removed: bool) -> np.ndarray:
        data = sets[name]
        features = data.removed_features if removed else data.features
        questions = data.removed_question if removed else data.question
        first = firsts(scored[name][1 if removed else 0], questions, data.questions)
        score = np.where(first.line >= 0, first.score, -30.0)  # no candidate at all: never answered
        if variant.ranker is None:
            return score[:, None]
        return calibrator_inputs(features[np.maximum(first.line, 0)], score, variant.calibrator)

    if variant.ranker is None:
        return lambda name, removed: first_inputs(name, removed)[:, 0]
    xs, ys = [], []
    for name in variant.calibration_sets:
        data = sets[name]
        first = firsts(scored[name][0], data.question, data.questions)
        hit = np.where(first.line >= 0, data.hit[np.maximum(first.line, 0)], False)
        xs += [first_inputs(name, False)[data.tuning], first_inputs(name, True)[data.tuning]]
        ys += [hit[data.tuning], np.zeros(int(data.tuning.sum()), dtype=bool)]
    calibrator: Linear = fit_logistic(np.concatenate(xs), np.concatenate(ys), variant.calibrator)
    return lambda name, removed: 1.0 / (1.0 + np.exp(-calibrator(first_inputs(name, removed))))


def datasets(refresh: bool) -> dict[str, SetData]:
    names = (*CALIBRATION_SETS, "piaf+chat")
    paths = {name: WORK / f"{name.replace('>', '-').replace('+', '-')}.npz" for name in names}
    if not CHAT_FILE.exists():
        import json

        CHAT_FILE.parent.mkdir(parents=True, exist_ok=True)
        squad = json.loads(PIAF.read_text(encoding="utf-8"))
        CHAT_FILE.write_text(json.dumps(retype(squad, 12), ensure_ascii=False), encoding="utf-8")
    missing = [name for name, path in paths.items() if refresh or not path.exists()]
    if missing:
        for name, data in load_all(missing, chat={"piaf+chat": CHAT_FILE}).items():
            save(data, paths[name])
    return {name: load(name, path) for name, path in paths.items()}


def table(sets: dict[str, SetData]) -> list[str]:
    header = (
        "| variant | PIAF R@5 / MRR@10: tuning · **reporting** | chat-typed PIAF, same | en→en R@5 "
        "| en→es R@5 | en→de R@5 | PIAF answered / abstained | en→es | en→de | en→en |"
    )
    rows = [header, "|" + "---|" * 10]
    for variant in VARIANTS:
        c = evaluate(variant, sets)
        rows.append(
            f"| {variant.label} | {c['piaf']} | {c['piaf+chat']} | {c['en']} | {c['en>es']} | {c['en>de']} "
            f"| {c['abstain piaf']} | {c['abstain en>es']} | {c['abstain en>de']} | {c['abstain en']} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/retrieval.md alone")
    parser.add_argument("--refresh", action="store_true", help="recompute the candidate features")
    args = parser.parse_args()
    rows = table(datasets(args.refresh))
    print("\n".join(rows))
    if not args.no_write:
        write_block(DOC, "second-stage", rows)


if __name__ == "__main__":
    main()
