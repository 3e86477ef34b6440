"""The product's own figures: `qa-index eval` on every set, as the table in docs/retrieval.md.

    .venv/bin/python -m scripts.retrieval_report [--full] [--no-write]

Runs `qa-index eval --json` (the shipped configuration, nothing fitted here) on the reporting part
of PIAF (articles at odd positions), the chat-typed PIAF set (`scripts/chat_questions.py`, built
if missing), and XQuAD en→en, en→es and en→de (reporting part and all questions); `--full` adds all
of PIAF. Work folders under /tmp/qa-exp/eval keep each index, so a rerun embeds nothing. Rewrites
the table between the markers in docs/retrieval.md and puts PIAF's recall@k and reliability plots
in docs/plots/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from scripts.chat_questions import OUT as CHAT_FILE
from scripts.chat_questions import PIAF, retype
from scripts.doc_blocks import write_block

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
WORK = Path("/tmp/qa-exp/eval")
DOC = ROOT / "docs" / "retrieval.md"
PLOTS = ROOT / "docs" / "plots"
XQUAD = EVAL / "xquad"

EN = str(XQUAD / "xquad.en.json")
REPORTING = ["--part", "reporting"]
# label, work folder, arguments to `qa-index eval`
RUNS: list[tuple[str, str, list[str]]] = [
    ("PIAF fr, reporting part", "piaf", [str(PIAF), *REPORTING]),
    ("PIAF chat-typed, reporting part", "chat", [str(CHAT_FILE), *REPORTING]),
    ("XQuAD en→en, reporting part", "en", [EN, *REPORTING]),
    ("XQuAD en→es, reporting part", "es", [str(XQUAD / "xquad.es.json"), "--questions-from", EN, *REPORTING]),
    ("XQuAD en→de, reporting part", "de", [str(XQUAD / "xquad.de.json"), "--questions-from", EN, *REPORTING]),
    ("XQuAD en→en, all", "en", [EN]),
    ("XQuAD en→es, all", "es", [str(XQUAD / "xquad.es.json"), "--questions-from", EN]),
    ("XQuAD en→de, all", "de", [str(XQUAD / "xquad.de.json"), "--questions-from", EN]),
]
FULL = [("PIAF fr, all", "piaf", [str(PIAF)])]


def run(label: str, work: str, arguments: list[str], plots: Path | None) -> dict[str, Any]:
    command = [sys.executable, "-m", "index", "eval", *arguments, "--work-dir", str(WORK / work), "--json"]
    if work == "chat" and (WORK / "piaf" / "evaluation-index").exists():
        command += ["--index", str(WORK / "piaf" / "evaluation-index")]  # chat: the same articles
    if plots is not None:
        command += ["--plots", str(plots)]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    print(f"{label}: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return dict(json.loads(done.stdout))


def row(label: str, r: dict[str, Any]) -> str:
    at = r["no_answer"]["configured"]
    return (
        f"| {label} | {r['questions']:,} | {r['passages']:,} | {r['recall@1']:.3f} | **{r['recall@5']:.3f}** "
        f"| {r['recall@10']:.3f} | **{r['mrr@10']:.3f}** | {r['answer_in_passage@5']:.3f} "
        f"| {r['latency_ms_median']:.1f} | {at['answered']:.1%} | {at['abstained']:.1%} "
        f"| {r['calibration']['ece']:.3f} |"
    )


def trade_off_table(trade: dict[str, list[dict[str, float]]]) -> list[str]:
    """Answered / abstained at each QA_MIN_CONFIDENCE, one column per set (reporting parts)."""
    names = list(trade)
    rows = ["| QA_MIN_CONFIDENCE | " + " | ".join(f"{n}: answers / abstains" for n in names) + " |"]
    rows.append("|" + "---|" * (len(names) + 1))
    for position, first in enumerate(trade[names[0]]):
        cells = [f"{t['answered']:.1%} / {t['abstained']:.1%}" for t in (trade[n][position] for n in names)]
        rows.append(f"| {first['threshold']:g} | " + " | ".join(cells) + " |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also all of PIAF (several minutes more)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = parser.parse_args()
    if not CHAT_FILE.exists():
        CHAT_FILE.parent.mkdir(parents=True, exist_ok=True)
        squad = json.loads(PIAF.read_text(encoding="utf-8"))
        CHAT_FILE.write_text(json.dumps(retype(squad, 12), ensure_ascii=False), encoding="utf-8")
    plots = WORK / "plots-piaf"
    rows = [
        "| set | questions | passages | R@1 | R@5 | R@10 | MRR@10 | answer@5 | median ms "
        "| answers (answerable) | abstains (article removed) | ECE |",
        "|" + "---|" * 12,
    ]
    bar = None
    trade = {}
    for label, work, arguments in RUNS + (FULL if args.full else []):
        result = run(label, work, arguments, plots if label.startswith("PIAF fr, reporting") else None)
        bar = result["no_answer"]["configured"]["threshold"]
        rows.append(row(label, result))
        if "reporting" in label:
            trade[label.removesuffix(", reporting part")] = result["trade_off"]
        print(rows[-1])
    rows += ["", *trade_off_table(trade)]
    note = (
        f"At the default `QA_MIN_CONFIDENCE` ({bar:g}). One run each on the shared 2-core machine; "
        "latency is per question, query embedding included, over that set's index."
    )
    if not args.no_write:
        PLOTS.mkdir(parents=True, exist_ok=True)
        for name in ("recall_at_k.png", "reliability.png"):
            shutil.copyfile(plots / name, PLOTS / f"piaf-{name}")
        write_block(DOC, "eval", [*rows, "", note])


if __name__ == "__main__":
    main()
