"""Every index benchmark in one run, printed as a markdown table with the machine it ran on.

    .venv/bin/python -m bench.run_all [--sizes 1000,10000,100000] [--with-1m] [--real-sizes 1000]

Fake builds (a fast hashing embedder posing as the real model) time the pipeline without the
model; real-model builds at --real-sizes give the build/encode ratio; queries always use the
real model. Figures are from one run on a noisy shared machine: read ratios, not decimals.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.build_bench import TimedEmbedder, fresh_build, incremental, throughput
from bench.corpus import questions, write_corpus
from bench.query_bench import index_bytes, latency, peak_memory, ready
from devtools.fake_embedder import FakeEmbedder
from index.embed.embedder import load_embedder


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) / 2**20
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, no GPU used"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="passages per synthetic corpus")
    parser.add_argument("--with-1m", action="store_true", help="also build 1M passages (fake embedder)")
    parser.add_argument("--real-sizes", default="1000", help="sizes also built with the real model")
    parser.add_argument("--model", default="multilingual-use-v3", help="the real embedding model")
    parser.add_argument("--queries", type=int, default=100, help="questions timed per size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    real_sizes = {int(s) for s in args.real_sizes.split(",") if s}
    if args.with_1m:
        sizes.append(1_000_000)

    print(f"machine: {machine()}", file=sys.stderr)
    model = load_embedder(args.model)
    asked = questions(args.queries)
    rows, notes = [], []
    real_per_s: float | None = None
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as work:
        root = Path(work)
        for size in sorted(real_sizes):
            write_corpus(root / f"real-{size}", size)
            measured = throughput(
                root / f"real-{size}", root / f"real-index-{size}", lambda: load_embedder(args.model)
            )
            real_per_s = measured.model_per_s
            notes.append(
                f"- real model {args.model}, {measured.passages} passages: "
                f"encode {measured.model_per_s:.1f}/s, "
                f"build {measured.build_per_s:.1f}/s, **ratio {measured.ratio:.2f}** (target >= 0.9)"
            )
            print(notes[-1], file=sys.stderr)
        for size in sizes:
            articles, index_dir = root / f"corpus-{size}", root / f"index-{size}"
            write_corpus(articles, size)
            # Dense random codes (4,096 word buckets), posing as the real model: times everything else.
            posing = FakeEmbedder(model.dimension, model.model_name, buckets=4096, record=False)
            fake = TimedEmbedder(posing)
            report = fresh_build(articles, index_dir, fake)  # type: ignore[arg-type]
            overhead = report.seconds - fake.seconds
            per_1k = overhead / report.passages * 1000
            projected = ""
            if real_per_s:
                model_s = report.passages / real_per_s
                projected = f"{model_s / (model_s + overhead):.3f}"
            row = {
                "passages": report.passages,
                "articles": report.articles,
                "build s (fake)": f"{report.seconds:.1f}",
                "pipeline s/1k": f"{per_1k:.2f}",
                "projected ratio": projected,
                "index": report.vector_index,
                "recall@10": "" if report.recall_at_10 is None else f"{report.recall_at_10:.3f}",
            }
            if size <= 100_000:
                retriever, ready_s = ready(index_dir, model)
                timed = latency(retriever, asked)
                row |= {
                    "reload s": f"{ready_s:.2f}",
                    "query median ms": f"{timed.median_ms:.1f}",
                    "p95 ms": f"{timed.p95_ms:.1f}",
                    "embed ms": f"{timed.embed_median_ms:.1f}",
                    "index MB": f"{index_bytes(retriever) / 2**20:.0f}",
                }
                retriever.close()
            rows.append(row)
            print(row, file=sys.stderr)
            if size == 10_000 or (size == max(sizes) and 10_000 not in sizes):
                changed = incremental(articles, index_dir, fake)  # type: ignore[arg-type]
                notes.append(
                    f"- incremental rebuild, 1 article changed in {report.passages} passages: "
                    f"{changed.seconds:.1f} s, {changed.passages_embedded} passages embedded "
                    f"(the changed article has {changed.passages_of_changed_article})"
                )
            if size == max(s for s in sizes if s <= 100_000):
                memory = peak_memory(index_dir, args.model)
                notes.append(
                    f"- process with {args.model} and the {report.passages}-passage index: peak "
                    f"{memory['peak_mb']:.0f} MB (model alone {memory['model_rss_mb']:.0f} MB), "
                    f"open + Retriever {memory['ready_s']:.2f} s"
                )
            print(notes[-1] if notes else "", file=sys.stderr)
            if size >= 1_000_000:
                import shutil

                shutil.rmtree(articles, ignore_errors=True)
                shutil.rmtree(index_dir, ignore_errors=True)

    print(f"Machine: {machine()}\n")
    columns = list(rows[0]) if rows else []
    for row in rows:
        columns += [c for c in row if c not in columns]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    print()
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
