"""Score a retriever on a SQuAD set: retrieval metrics, abstention and calibration, as text or JSON.

Every question is asked twice: as is, and with its own article taken out of the index (the
retriever searches as if that article's passages were not indexed, document frequencies included),
which is a question the articles do not answer. The stated confidence of the first passage
decides whether the bot answers; the report gives, at the configured `QA_MIN_CONFIDENCE`, how many
answerable questions are answered and how many of the others are declined, and how well the
stated confidences match how often the first passage really answers (reliability, ECE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from index.evaluation.metrics import (
    AbstentionRates,
    Calibration,
    RetrievalMetrics,
    abstention_rates,
    calibration,
    choose_threshold,
    recall_curve,
    run_evaluation,
)
from index.evaluation.squad import SquadSet, questions_in_part
from index.search.retriever import Hit, Retriever

# QA_MIN_CONFIDENCE values the report shows the answered/abstained trade-off at.
TRADE_OFF_BARS = (0.02, 0.04, 0.06, 0.1, 0.15, 0.2, 0.3, 0.5)


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage as the evaluator sees it."""

    article_id: str
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class EvalReport:
    """Retrieval metrics, abstention at the configured and the 95%-answering bar, calibration."""

    dataset: str
    part: str
    metrics: RetrievalMetrics
    passages: int
    at_configured: AbstentionRates
    calibrated: AbstentionRates
    calibration: Calibration
    recall_at: tuple[float, ...]
    trade_off: tuple[AbstentionRates, ...] = ()  # the rates at a few bars (QA_MIN_CONFIDENCE values)

    def to_json(self) -> dict[str, Any]:
        m = self.metrics
        return {
            "dataset": self.dataset,
            "part": self.part,
            "questions": m.questions,
            "passages": self.passages,
            "recall@1": round(m.recall_at_1, 4),
            "recall@5": round(m.recall_at_5, 4),
            "recall@10": round(m.recall_at_10, 4),
            "mrr@10": round(m.mrr_at_10, 4),
            "answer_in_passage@5": round(m.answer_in_passage_at_5, 4),
            "latency_ms_median": round(m.latency_median_ms, 2),
            "latency_ms_p95": round(m.latency_p95_ms, 2),
            "no_answer": {
                "configured": _rates(self.at_configured),
                "calibrated": _rates(self.calibrated),
            },
            "calibration": {
                "ece": round(self.calibration.expected_calibration_error, 4),
                "brier": round(self.calibration.brier, 4),
                "bins": [
                    {
                        key: round(value, 4) if isinstance(value, float) else value
                        for key, value in asdict(b).items()
                    }
                    for b in self.calibration.bins
                ],
            },
            "recall_curve": [round(value, 4) for value in self.recall_at],
            "trade_off": [_rates(rates) for rates in self.trade_off],
        }


def _rates(rates: AbstentionRates) -> dict[str, float]:
    return {key: round(value, 4) for key, value in asdict(rates).items()}


def evaluate(
    squad: SquadSet, retriever: Retriever, k: int, limit: int | None = None, part: str = "all"
) -> EvalReport:
    """Ask every question of `part` (see `questions_in_part`); then again without its own article."""
    questions = questions_in_part(squad, part)
    questions = questions[:limit] if limit else questions

    def search(question: str, count: int) -> Sequence[ScoredPassage]:
        return [_scored(hit) for hit in retriever.search(question, count)]

    metrics, outcomes = run_evaluation(search, questions, k)
    answerable = [_confidence(outcome.top_score) for outcome in outcomes]
    first_correct = [outcome.rank == 1 for outcome in outcomes]
    rows_of: dict[str, np.ndarray] = {}
    unanswerable = []
    for question in questions:
        rows = rows_of.get(question.article_id)
        if rows is None:
            rows = np.asarray(retriever.index.database.rows_of_article(question.article_id), dtype=np.int64)
            rows_of[question.article_id] = rows
        hits = retriever.search(question.text, 1, without=rows)
        unanswerable.append(hits[0].confidence if hits else 0.0)
    bar = retriever.options.min_confidence
    configured = abstention_rates(answerable, unanswerable, bar)
    calibrated = choose_threshold(answerable, unanswerable, min_answered=0.95)
    reliability = calibration(answerable + unanswerable, first_correct + [False] * len(unanswerable))
    curve = tuple(recall_curve([outcome.rank for outcome in outcomes], k))
    trade_off = tuple(abstention_rates(answerable, unanswerable, bar) for bar in TRADE_OFF_BARS)
    return EvalReport(
        squad.name,
        part,
        metrics,
        retriever.index.manifest.passages,
        configured,
        calibrated,
        reliability,
        curve,
        trade_off,
    )


def _confidence(top: float | None) -> float:
    return 0.0 if top is None else top


def _scored(hit: Hit) -> ScoredPassage:
    passage = hit.passage
    # The evaluator's "score" is what decides abstention: the stated confidence.
    return ScoredPassage(passage.article_id, passage.start, passage.end, passage.text, hit.confidence)


def report_text(report: EvalReport) -> str:
    m = report.metrics
    configured, calibrated = report.at_configured, report.calibrated
    part = "" if report.part == "all" else f" ({report.part} part)"
    return "\n".join(
        [
            f"{report.dataset}{part}: {m.questions} questions over {report.passages} passages",
            f"recall@1 {m.recall_at_1:.3f}  recall@5 {m.recall_at_5:.3f}  recall@10 {m.recall_at_10:.3f}  "
            f"MRR@10 {m.mrr_at_10:.3f}  answer-in-passage@5 {m.answer_in_passage_at_5:.3f}",
            f"latency per question: median {m.latency_median_ms:.1f} ms, p95 {m.latency_p95_ms:.1f} ms",
            f"at QA_MIN_CONFIDENCE {configured.threshold:.2f}: answers {configured.answered:.1%} of "
            f"answerable questions, abstains on {configured.abstained:.1%} with the question's article "
            "removed",
            f"QA_MIN_CONFIDENCE that answers 95% here: {calibrated.threshold:.3f}, abstains on "
            f"{calibrated.abstained:.1%}",
            "calibration of the first passage's confidence: "
            f"ECE {report.calibration.expected_calibration_error:.3f}, Brier {report.calibration.brier:.3f}",
        ]
    )
