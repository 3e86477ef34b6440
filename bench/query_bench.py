"""Serving figures: reload time, query latency (embed + search + fusion) and peak memory.

`python -m bench.query_bench INDEX_DIR MODEL` prints, as JSON, the peak memory of a process that
loads the model and the index and answers a few questions (the < 1 GB target).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from index.embed.embedder import Embedder
from index.search.retriever import Retriever
from index.store.loader import open_published


def ready(index_dir: Path, embedder: Embedder) -> tuple[Retriever, float]:
    """Open the published index and build a retriever: the index part of the bot's start-to-ready."""
    started = time.perf_counter()
    index = open_published(index_dir, model=embedder.model_name, dimension=embedder.dimension)
    retriever = Retriever(index, embedder)
    return retriever, time.perf_counter() - started


@dataclass(frozen=True)
class Latency:
    median_ms: float
    p95_ms: float
    embed_median_ms: float


def latency(retriever: Retriever, questions: list[str]) -> Latency:
    """Per-question `Retriever.search` times, after two warm-up questions."""
    for question in questions[:2]:
        retriever.search(question)
    totals, embeds = [], []
    for question in questions:
        started = time.perf_counter()
        retriever.embedder.embed_queries([question])
        embeds.append(time.perf_counter() - started)
        started = time.perf_counter()
        retriever.search(question)
        totals.append(time.perf_counter() - started)
    totals.sort()
    return Latency(
        statistics.median(totals) * 1e3,
        totals[min(len(totals) - 1, int(len(totals) * 0.95))] * 1e3,
        statistics.median(embeds) * 1e3,
    )


def index_bytes(retriever: Retriever) -> int:
    """Vector index in memory plus the keyword index's arrays (as saved)."""
    lexical = retriever.index.directory / "lexical" / "lexical.npz"
    return retriever.index.vectors.memory_bytes + lexical.stat().st_size


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_memory(index_dir: Path, model: str) -> dict[str, float]:
    """Run `measure_memory` in a fresh process, so nothing of this one is counted."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.query_bench", str(index_dir), model],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def measure_memory(index_dir: Path, model: str) -> dict[str, float]:
    from bench.corpus import questions
    from index.embed.embedder import load_embedder

    embedder = load_embedder(model)
    embedder.embed_queries(["échauffement"])
    model_mb = _status_kib("VmRSS") / 1024
    retriever, seconds = ready(index_dir, embedder)
    for question in questions(20):
        retriever.search(question)
    return {
        "model_rss_mb": model_mb,
        "peak_mb": _status_kib("VmHWM") / 1024,
        "rss_mb": _status_kib("VmRSS") / 1024,
        "ready_s": seconds,
    }


if __name__ == "__main__":
    print(json.dumps(measure_memory(Path(sys.argv[1]), sys.argv[2])))
