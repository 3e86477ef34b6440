"""Score a retriever on a SQuAD set: retrieval metrics and abstention rates, as text or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from index.evaluation.metrics import (
    AbstentionRates,
    RetrievalMetrics,
    abstention_rates,
    choose_threshold,
    run_evaluation,
    top_scores_without_gold,
)
from index.evaluation.squad import SquadSet
from index.search.retriever import Hit, Retriever


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
    """Retrieval metrics plus the abstention rates at the configured and the calibrated threshold."""

    dataset: str
    metrics: RetrievalMetrics
    passages: int
    at_configured: AbstentionRates
    calibrated: AbstentionRates

    def to_json(self) -> dict[str, Any]:
        m = self.metrics
        return {
            "dataset": self.dataset,
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
        }


def _rates(rates: AbstentionRates) -> dict[str, float]:
    return {key: round(value, 4) for key, value in asdict(rates).items()}


def evaluate(squad: SquadSet, retriever: Retriever, k: int, limit: int | None = None) -> EvalReport:
    """Ask every question; then ask again without each gold article to measure abstention."""
    questions = squad.questions[:limit] if limit else squad.questions

    def search(question: str, count: int) -> Sequence[ScoredPassage]:
        return [_scored(hit) for hit in retriever.search(question, count)]

    metrics, outcomes = run_evaluation(search, questions, k)
    # Each question has its own bar (it rises with the keyword weight): compare score - bar to 0.
    bars = [retriever.threshold_for(question.text) - retriever.options.min_score for question in questions]
    answerable = [_top(o.top_score) - bar for o, bar in zip(outcomes, bars, strict=True)]
    unanswerable = [
        score - bar
        for score, bar in zip(top_scores_without_gold(search, questions, k=max(k, 20)), bars, strict=True)
    ]
    configured = abstention_rates(answerable, unanswerable, retriever.options.min_score)
    calibrated = choose_threshold(answerable, unanswerable, min_answered=0.95)
    return EvalReport(squad.name, metrics, retriever.index.manifest.passages, configured, calibrated)


def _top(score: float | None) -> float:
    return float("-inf") if score is None else score


def _scored(hit: Hit) -> ScoredPassage:
    passage = hit.passage
    return ScoredPassage(passage.article_id, passage.start, passage.end, passage.text, hit.score)


def report_text(report: EvalReport) -> str:
    m = report.metrics
    configured, calibrated = report.at_configured, report.calibrated
    return "\n".join(
        [
            f"{report.dataset}: {m.questions} questions over {report.passages} passages",
            f"recall@1 {m.recall_at_1:.3f}  recall@5 {m.recall_at_5:.3f}  recall@10 {m.recall_at_10:.3f}  "
            f"MRR@10 {m.mrr_at_10:.3f}  answer-in-passage@5 {m.answer_in_passage_at_5:.3f}",
            f"latency per question: median {m.latency_median_ms:.1f} ms, p95 {m.latency_p95_ms:.1f} ms",
            f"no-answer at the configured QA_MIN_SCORE {configured.threshold:.3f}: answers "
            f"{configured.answered:.1%} of answerable questions, abstains on {configured.abstained:.1%} "
            "with the gold article removed",
            f"QA_MIN_SCORE that answers 95% here: {calibrated.threshold:.3f}, abstains on "
            f"{calibrated.abstained:.1%}",
        ]
    )
