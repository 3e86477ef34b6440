"""The CI smoke evaluation: `qa-index eval` on a small slice of PIAF's reporting part, real model.

Eight articles (those at odd positions, never fitted on) and their questions: retrieval,
abstention with each question's article removed, calibration and the two plots must stay where
the full evaluation puts them (docs/retrieval.md), with some slack for a small sample.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.cli.main import main as qa_index

PIAF = Path(__file__).resolve().parents[3].parent / "shared" / "eval" / "piaf" / "piaf-v1.1.json"


@pytest.mark.skipif(not PIAF.exists(), reason="the shared evaluation sets are not beside the checkout")
def test_a_small_piaf_evaluation_keeps_its_figures(tmp_path, capsys):
    data = json.loads(PIAF.read_text(encoding="utf-8"))["data"]
    small = tmp_path / "piaf-small.json"
    small.write_text(
        json.dumps({"version": "1.1", "data": data[1:17:2]}, ensure_ascii=False), encoding="utf-8"
    )

    assert qa_index(["eval", str(small), "--json", "--plots", str(tmp_path / "plots")]) == 0
    result = json.loads(capsys.readouterr().out)

    assert result["questions"] > 80
    assert result["recall@5"] >= 0.9 and result["mrr@10"] >= 0.75
    assert result["no_answer"]["configured"]["answered"] >= 0.9
    assert result["no_answer"]["configured"]["abstained"] >= 0.5  # few articles: easier than PIAF
    assert result["calibration"]["ece"] <= 0.2  # 120 questions: a noisy estimate
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["recall_at_k.png", "reliability.png"]
