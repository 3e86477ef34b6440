"""The evaluation's two pictures as PNG files: recall at each depth, and the reliability curve.

matplotlib is imported here only, with the Agg backend (no display needed).
"""

from __future__ import annotations

from pathlib import Path

from index.errors import ArticleIndexError
from index.evaluation.report import EvalReport


def write_plots(report: EvalReport, directory: Path) -> list[Path]:
    """`recall_at_k.png` and `reliability.png` in `directory` (created); returns their paths."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ArticleIndexError("--plots needs matplotlib: pip install matplotlib") from error
    directory.mkdir(parents=True, exist_ok=True)
    name = report.dataset + ("" if report.part == "all" else f", {report.part} part")
    recall_path, reliability_path = directory / "recall_at_k.png", directory / "reliability.png"

    figure, axes = plt.subplots(figsize=(5, 3.6), dpi=120)
    depths = list(range(1, len(report.recall_at) + 1))
    axes.plot(depths, report.recall_at, marker="o")
    axes.set(xlabel="passages retrieved (k)", ylabel="recall@k", title=f"Recall@k: {name}", ylim=(0, 1))
    axes.set_xticks(depths)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(recall_path)
    plt.close(figure)

    figure, axes = plt.subplots(figsize=(5, 3.6), dpi=120)
    bins = report.calibration.bins
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    axes.plot(
        [b.mean_confidence for b in bins], [b.accuracy for b in bins], marker="o", label="first passage"
    )
    for b in bins:
        axes.annotate(
            str(b.count),
            (b.mean_confidence, b.accuracy),
            fontsize=6,
            xytext=(3, -8),
            textcoords="offset points",
        )
    ece = report.calibration.expected_calibration_error
    axes.set(
        xlabel="stated confidence",
        ylabel="share answered by the first passage",
        title=f"Reliability (ECE {ece:.3f}): {name}",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    axes.legend(loc="upper left", fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(reliability_path)
    plt.close(figure)
    return [recall_path, reliability_path]
