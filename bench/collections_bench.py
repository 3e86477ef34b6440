"""A channel mapped to collections: restricted questions against unrestricted ones, at 100k passages.

    .venv/bin/python -m bench.collections_bench [--passages 100000] [--collections 10] [--queries 100]

Builds a synthetic corpus dealt into `--collections` subfolders with the fast fake embedder posing
as the real model (an HNSW index above 50k passages), then times real-model questions with no
restriction, restricted to one collection, and to a small collection (a few hundred passages).
One run on a noisy machine: read the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.corpus import questions, write_corpus
from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from index.embed.embedder import load_embedder
from index.search.retriever import Retriever
from index.settings import PACKAGED_USE
from index.store.loader import open_published


def median_ms(retriever: Retriever, asked: list[str], collections: list[str] | None) -> float:
    for question in asked[:3]:  # warm up (and build the restricted rows once)
        retriever.search(question, collections=collections)
    times = []
    for question in asked:
        started = time.perf_counter()
        retriever.search(question, collections=collections)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--collections", type=int, default=10)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    model = load_embedder(PACKAGED_USE)
    asked = questions(args.queries)
    with tempfile.TemporaryDirectory(prefix="qa-collections-") as scratch:
        articles, index_dir = Path(scratch) / "articles", Path(scratch) / "index"
        write_corpus(articles, args.passages, collections=args.collections)
        write_corpus(articles / "small", 400, seed=7)  # a small collection
        posing = FakeEmbedder(model.dimension, model.model_name, buckets=4096, record=False)
        report = rebuild(articles, index_dir, posing, on_stage=lambda _: None)
        retriever = Retriever(open_published(index_dir), model)
        sizes = {
            name: len(retriever.index.database.rows_in_collections([name])) for name in ("section-0", "small")
        }
        unrestricted = median_ms(retriever, asked, None)
        rows = [("no restriction", report.passages, unrestricted)]
        for name in ("section-0", "small"):
            rows.append((f"collection {name}", sizes[name], median_ms(retriever, asked, [name])))
        retriever.close()
    print(
        f"{report.passages} passages, {report.vector_index} index, {model.model_name} questions, "
        f"median of {len(asked)}"
    )
    print("| search | passages searched | median ms | ratio to unrestricted |\n|---|---|---|---|")
    for name, count, ms in rows:
        print(f"| {name} | {count:,} | {ms:.1f} | {ms / unrestricted:.2f} |")


if __name__ == "__main__":
    main()
