"""`qa-index eval` on a tiny SQuAD file with the real default model: the smoke test CI runs."""

from __future__ import annotations

import json
from pathlib import Path

from index.build.pipeline import rebuild
from index.cli.evaluate import evaluation_index
from index.cli.main import main as qa_index
from tests.conftest import SAMPLE_ARTICLES

KEYS = {
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr@10",
    "answer_in_passage@5",
    "latency_ms_median",
    "latency_ms_p95",
    "questions",
    "passages",
}


def _squad(path: Path, questions: dict[str, str]) -> Path:
    contexts = {
        "Volcans": ["Le Hekla est un volcan d'Islande. Il est entré en éruption en 2000."],
        "Trains": ["La grève des conducteurs de train a duré trois semaines en 2018."],
        "Fromages": ["Le comté est un fromage du Jura affiné pendant au moins quatre mois."],
    }
    answers = {"q1": "2000", "q2": "trois semaines", "q3": "quatre mois"}
    data = []
    for (title, paragraphs), qid in zip(contexts.items(), answers, strict=True):
        context = paragraphs[0]
        qa = {
            "id": qid,
            "question": questions[qid],
            "answers": [{"text": answers[qid], "answer_start": context.index(answers[qid])}],
        }
        data.append({"title": title, "paragraphs": [{"context": context, "qas": [qa]}]})
    path.write_text(json.dumps({"version": "1.1", "data": data}, ensure_ascii=False), encoding="utf-8")
    return path


FRENCH = {
    "q1": "Quand le Hekla est-il entré en éruption ?",
    "q2": "Combien de temps a duré la grève des conducteurs ?",
    "q3": "Combien de temps le comté est-il affiné ?",
}
ENGLISH = {
    "q1": "When did Hekla erupt?",
    "q2": "How long did the train drivers' strike last?",
    "q3": "How long is comté cheese aged?",
}


def test_eval_scores_a_squad_file(tmp_path, capsys):
    squad = _squad(tmp_path / "fr.json", FRENCH)
    assert qa_index(["eval", str(squad), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= KEYS
    assert result["questions"] == 3 and result["recall@1"] == 1.0 and result["answer_in_passage@5"] == 1.0
    assert 0.0 <= result["no_answer"]["configured"]["answered"] <= 1.0


def test_eval_asks_questions_from_a_parallel_file_across_languages(tmp_path, capsys):
    squad = _squad(tmp_path / "fr.json", FRENCH)
    english = _squad(tmp_path / "en.json", ENGLISH)
    assert qa_index(["eval", str(squad), "--questions-from", str(english), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["recall@1"] == 1.0


def test_eval_text_report_names_every_figure(tmp_path, capsys):
    assert qa_index(["eval", str(_squad(tmp_path / "fr.json", FRENCH))]) == 0
    out = capsys.readouterr().out
    for words in ("recall@5", "MRR@10", "answer-in-passage@5", "median", "abstains"):
        assert words in out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_eval_never_touches_the_index_it_reads_a_cache_from(tmp_path, capsys, packaged_embedder):
    served = tmp_path / "served"
    rebuild(SAMPLE_ARTICLES, served, packaged_embedder)
    before = _snapshot(served)
    squad = _squad(tmp_path / "fr.json", FRENCH)

    assert qa_index(["eval", str(squad), "--index", str(served), "--json"]) == 0
    assert (
        qa_index(["eval", str(squad), "--index", str(served), "--work-dir", str(tmp_path / "w"), "--json"])
        == 0
    )

    assert _snapshot(served) == before  # the served version, CURRENT and the cache, byte for byte
    assert (tmp_path / "w" / "evaluation-index" / "CURRENT").is_file()  # kept for a rerun


def test_eval_refuses_to_work_inside_an_index_folder(tmp_path, capsys, packaged_embedder):
    served = tmp_path / "served"
    rebuild(SAMPLE_ARTICLES, served, packaged_embedder)
    before = _snapshot(served)

    squad = str(_squad(tmp_path / "fr.json", FRENCH))
    version = next((served / "versions").iterdir())
    for work in (served, served / "cache", version, served / "new-subfolder"):
        assert qa_index(["eval", squad, "--work-dir", str(work)]) == 1
        assert "evaluation never writes into one" in capsys.readouterr().err
    assert qa_index(["eval", squad, "--plots", str(served / "plots")]) == 1
    assert "qa-index eval --plots never writes into an index" in capsys.readouterr().err
    assert _snapshot(served) == before and not (served / "new-subfolder").exists()


def test_a_folder_that_merely_is_named_versions_is_no_index(tmp_path, capsys):
    (tmp_path / "versions" / "draft-2").mkdir(parents=True)  # someone's own folder, not an index
    work = tmp_path / "eval-work"
    assert evaluation_index(work) == work / "evaluation-index"
