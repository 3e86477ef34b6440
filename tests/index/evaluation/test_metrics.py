"""Evaluation: SQuAD loading with exact spans, hit rules, metrics and abstention thresholds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.evaluation.metrics import (
    abstention_rates,
    choose_threshold,
    run_evaluation,
    summarise,
)
from index.evaluation.squad import PARAGRAPH_SEPARATOR, load_squad
from index.records import Article
from scripts.retrieval_experiments import split_questions


def _squad(questions: list[tuple[str, str]]) -> dict[str, object]:
    """Two titles; the first has two paragraphs. `questions` are (id, text) for the 3 contexts."""
    contexts = [
        "Paris est la capitale de la France.",
        "Lyon est connue pour sa gastronomie.",
        "Berlin est en Allemagne.",
    ]
    qas = [
        {"id": qid, "question": text, "answers": [{"text": answer, "answer_start": 0}]}
        for (qid, text), answer in zip(questions, ["Paris", "gastronomie", "Berlin"], strict=True)
    ]
    return {
        "data": [
            {
                "title": "France",
                "paragraphs": [
                    {"context": contexts[0], "qas": [qas[0]]},
                    {"context": contexts[1], "qas": [qas[1]]},
                ],
            },
            {"title": "Allemagne", "paragraphs": [{"context": contexts[2], "qas": [qas[2]]}]},
        ]
    }


@pytest.fixture
def squad_file(tmp_path: Path) -> Path:
    path = tmp_path / "mini.json"
    path.write_text(
        json.dumps(_squad([("q1", "Capitale ?"), ("q2", "Lyon ?"), ("q3", "Berlin ?")])), encoding="utf-8"
    )
    return path


@dataclass(frozen=True)
class Hit:
    article_id: str
    start: int
    end: int
    text: str
    score: float = 1.0


def test_load_squad_joins_paragraphs_and_records_exact_spans(squad_file: Path) -> None:
    squad = load_squad(squad_file, name="mini")
    assert len(squad.articles) == 2 and isinstance(squad.articles[0], Article)
    france = squad.articles[0]
    assert france.title == "France"
    assert PARAGRAPH_SEPARATOR in france.text
    for question in squad.questions:
        context = next(a for a in squad.articles if a.id == question.article_id).text[
            question.start : question.end
        ]
        assert all(answer in context for answer in question.answers)
    assert squad.questions[1].start == len("Paris est la capitale de la France.") + len(PARAGRAPH_SEPARATOR)


def test_questions_from_replaces_texts_by_id(squad_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "en.json"
    other.write_text(
        json.dumps(_squad([("q1", "Capital?"), ("q2", "Lyon?"), ("q9", "Unknown?")])), encoding="utf-8"
    )
    squad = load_squad(squad_file, questions_from=other)
    assert [q.text for q in squad.questions] == ["Capital?", "Lyon?"]


def test_run_evaluation_counts_overlapping_passages_of_the_gold_article(squad_file: Path) -> None:
    squad = load_squad(squad_file)
    france, germany = squad.articles
    second = squad.questions[1]

    def search(question: str, k: int) -> list[Hit]:
        wrong = Hit(germany.id, 0, 10, germany.text[:10])
        # A window straddling the paragraph boundary overlaps q2's context: a hit at rank 2.
        straddle = Hit(
            france.id, second.start - 5, second.start + 10, france.text[second.start - 5 : second.start + 10]
        )
        return [wrong, straddle][:k]

    metrics, outcomes = run_evaluation(search, squad.questions, k=10)
    ranks = {o.question_id: o.rank for o in outcomes}
    assert ranks == {"q1": 2, "q2": 2, "q3": 1}
    assert metrics.recall_at_1 == pytest.approx(1 / 3)
    assert metrics.recall_at_5 == 1.0
    assert metrics.mrr_at_10 == pytest.approx((0.5 + 0.5 + 1) / 3)
    assert metrics.answer_in_passage_at_5 == pytest.approx(1 / 3)  # only "Berlin" is quoted in full
    assert metrics.latency_median_ms >= 0


def test_summarise(squad_file: Path) -> None:
    metrics = summarise([1, None, 7, 3], [True, False, False, True], [0.001, 0.003])
    assert (metrics.recall_at_1, metrics.recall_at_5, metrics.recall_at_10) == (0.25, 0.5, 0.75)
    assert metrics.latency_median_ms == pytest.approx(2.0)


def test_split_questions_holds_out_whole_articles(squad_file: Path) -> None:
    squad = load_squad(squad_file)
    even, odd = split_questions(squad.questions, squad.articles)
    assert [q.id for q in even] == ["q1", "q2"] and [q.id for q in odd] == ["q3"]


def test_thresholds_trade_answered_for_abstained() -> None:
    answerable = [0.9, 0.8, 0.7, 0.6, 0.2]
    unanswerable = [0.5, 0.4, 0.65, 0.1]
    rates = abstention_rates(answerable, unanswerable, 0.55)
    assert (rates.answered, rates.abstained) == (0.8, 0.75)
    chosen = choose_threshold(answerable, unanswerable, min_answered=0.8)
    assert chosen.threshold == 0.6 and chosen.answered == 0.8 and chosen.abstained == 0.75


def test_calibration_bins_and_error_match_hand_counts() -> None:
    from index.evaluation.metrics import calibration, recall_curve

    result = calibration([0.05, 0.05, 0.95, 0.95], [False, False, True, False], bins=10)
    assert [(b.count, b.accuracy) for b in result.bins] == [(2, 0.0), (2, 0.5)]
    assert result.expected_calibration_error == pytest.approx((2 * 0.05 + 2 * 0.45) / 4)
    assert recall_curve([1, 3, None, 2], 3) == [0.25, 0.5, 0.75]


def test_the_split_rule_is_by_article_position(tmp_path) -> None:
    from index.evaluation.squad import questions_in_part

    qas = [[{"id": f"q{n}", "question": "?"}] for n in range(5)]
    data = [{"title": f"T{n}", "paragraphs": [{"context": f"Texte {n}.", "qas": qas[n]}]} for n in range(5)]
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"data": data}), encoding="utf-8")
    squad = load_squad(path)
    assert [q.id for q in questions_in_part(squad, "tuning")] == ["q0", "q2", "q4"]
    assert [q.id for q in questions_in_part(squad, "reporting")] == ["q1", "q3"]
    assert len(questions_in_part(squad, "all")) == 5
