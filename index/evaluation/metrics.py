"""Retrieval metrics on SQuAD-shaped question sets: hits, recall, MRR, abstention rates.

A retrieved passage is a hit when it belongs to the gold article and overlaps the gold context span.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.evaluation.squad import SquadQuestion


class HitLike(Protocol):
    """What a search result must expose to be scored."""

    @property
    def article_id(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...


SearchFn = Callable[[str, int], Sequence[HitLike]]


def is_hit(hit: HitLike, question: SquadQuestion) -> bool:
    """The passage belongs to the gold article and overlaps the gold context's [start, end)."""
    return hit.article_id == question.article_id and hit.start < question.end and question.start < hit.end


def first_hit_rank(hits: Sequence[HitLike], question: SquadQuestion) -> int | None:
    """1-based rank of the first hit, or None."""
    for rank, hit in enumerate(hits, start=1):
        if is_hit(hit, question):
            return rank
    return None


def answer_in_passages(hits: Sequence[HitLike], question: SquadQuestion) -> bool:
    """Some retrieved passage's text contains a gold answer string verbatim."""
    return any(answer in hit.text for hit in hits for answer in question.answers)


@dataclass(frozen=True)
class RetrievalMetrics:
    """Recall at 1/5/10, MRR@10, answer-in-passage@5 and latency over a question set."""

    questions: int
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    answer_in_passage_at_5: float
    latency_median_ms: float
    latency_p95_ms: float


def summarise(
    ranks: Sequence[int | None], answer_found: Sequence[bool], latencies_s: Sequence[float]
) -> RetrievalMetrics:
    """Metrics from per-question first-hit ranks, answer-in-top-5 flags and latencies (seconds)."""
    count = len(ranks)
    if count == 0:
        return RetrievalMetrics(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    def recall(k: int) -> float:
        return sum(1 for rank in ranks if rank is not None and rank <= k) / count

    mrr = sum(1.0 / rank for rank in ranks if rank is not None and rank <= 10) / count
    latency = np.asarray(latencies_s, dtype=np.float64) * 1000 if latencies_s else np.zeros(1)
    return RetrievalMetrics(
        questions=count,
        recall_at_1=recall(1),
        recall_at_5=recall(5),
        recall_at_10=recall(10),
        mrr_at_10=mrr,
        answer_in_passage_at_5=sum(answer_found) / count,
        latency_median_ms=float(np.median(latency)),
        latency_p95_ms=float(np.percentile(latency, 95)),
    )


@dataclass(frozen=True)
class QuestionOutcome:
    """What happened to one question: first-hit rank, answer found in top 5, top score, latency."""

    question_id: str
    rank: int | None
    answer_at_5: bool
    top_score: float | None
    latency_s: float


def run_evaluation(
    search: SearchFn, questions: Sequence[SquadQuestion], k: int = 10
) -> tuple[RetrievalMetrics, list[QuestionOutcome]]:
    """Ask every question through `search(question, k)` and score the hits."""
    outcomes: list[QuestionOutcome] = []
    for question in questions:
        started = time.perf_counter()
        hits = list(search(question.text, k))
        elapsed = time.perf_counter() - started
        top_score = getattr(hits[0], "score", None) if hits else None
        outcomes.append(
            QuestionOutcome(
                question.id,
                first_hit_rank(hits[:k], question),
                answer_in_passages(hits[:5], question),
                None if top_score is None else float(top_score),
                elapsed,
            )
        )
    metrics = summarise(
        [outcome.rank for outcome in outcomes],
        [outcome.answer_at_5 for outcome in outcomes],
        [outcome.latency_s for outcome in outcomes],
    )
    return metrics, outcomes


@dataclass(frozen=True)
class AbstentionRates:
    """At one threshold: how often answerable questions get an answer, unanswerable ones get none."""

    threshold: float
    answered: float
    abstained: float


def abstention_rates(
    answerable_scores: Sequence[float], unanswerable_scores: Sequence[float], threshold: float
) -> AbstentionRates:
    """Answer when the top score is at least `threshold`."""
    answerable = np.asarray(answerable_scores, dtype=np.float64)
    unanswerable = np.asarray(unanswerable_scores, dtype=np.float64)
    answered = float(np.mean(answerable >= threshold)) if answerable.size else 0.0
    abstained = float(np.mean(unanswerable < threshold)) if unanswerable.size else 0.0
    return AbstentionRates(threshold, answered, abstained)


def choose_threshold(
    answerable_scores: Sequence[float], unanswerable_scores: Sequence[float], min_answered: float = 0.95
) -> AbstentionRates:
    """The highest threshold that still answers at least `min_answered` of answerable questions.

    Highest, because each step up only adds abstentions; the constraint keeps real questions answered.
    """
    answerable = np.sort(np.asarray(answerable_scores, dtype=np.float64))
    if answerable.size == 0:
        return abstention_rates(answerable_scores, unanswerable_scores, float("-inf"))
    # Answering at least ceil(min_answered * n) questions allows dropping the lowest n - that many.
    may_drop = answerable.size - int(np.ceil(min_answered * answerable.size))
    threshold = float(answerable[max(0, may_drop)])
    return abstention_rates(answerable_scores, unanswerable_scores, threshold)


def recall_curve(ranks: Sequence[int | None], k: int) -> list[float]:
    """Recall at 1..k: the share of questions whose first hit ranks at or above each depth."""
    count = len(ranks) or 1
    return [
        sum(1 for rank in ranks if rank is not None and rank <= depth) / count for depth in range(1, k + 1)
    ]


@dataclass(frozen=True)
class ReliabilityBin:
    """Questions whose stated confidence fell in [low, high): how sure we said, how often right."""

    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass(frozen=True)
class Calibration:
    """How well stated confidences match how often the first passage really answers."""

    bins: tuple[ReliabilityBin, ...]
    expected_calibration_error: float
    brier: float


def calibration(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> Calibration:
    """Reliability bins of equal width and the expected calibration error (count-weighted |gap|)."""
    p = np.asarray(confidences, dtype=np.float64)
    y = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    placed = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    out: list[ReliabilityBin] = []
    error = 0.0
    for number in range(bins):
        chosen = placed == number
        count = int(chosen.sum())
        if count == 0:
            continue
        mean, accuracy = float(p[chosen].mean()), float(y[chosen].mean())
        out.append(ReliabilityBin(float(edges[number]), float(edges[number + 1]), count, mean, accuracy))
        error += count * abs(mean - accuracy)
    total = max(len(p), 1)
    brier = float(np.mean((p - y) ** 2)) if len(p) else 0.0
    return Calibration(tuple(out), error / total, brier)
