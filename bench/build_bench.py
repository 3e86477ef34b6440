"""Build figures: throughput against the model's own encode, pipeline overhead, incremental rebuilds."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import change_one_article
from index.build.options import BuildOptions, BuildReport
from index.build.pipeline import rebuild
from index.build.sizing import embedded_text, split_all
from index.embed.embedder import Embedder
from index.ingest.folder import load_articles
from index.text.sentences import passage_sentences


class TimedEmbedder:
    """Wraps an embedder and adds up the seconds spent inside `embed_passages`."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.passages = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed_passages(self, texts, *, show_progress=False):
        started = time.perf_counter()
        try:
            return self.inner.embed_passages(texts, show_progress=show_progress)
        finally:
            self.seconds += time.perf_counter() - started
            self.passages += len(texts)


@dataclass(frozen=True)
class Throughput:
    """One fresh build next to the model encoding the same passages on its own."""

    passages: int
    model_per_s: float
    build_per_s: float
    report: BuildReport

    @property
    def ratio(self) -> float:
        return self.build_per_s / self.model_per_s


def embedded_texts(articles_dir: Path, embedder: Embedder, options: BuildOptions) -> list[str]:
    """Exactly what a build hands the model, for timing the model alone."""
    articles = load_articles(articles_dir).articles
    passages, _ = split_all(articles, options, embedder)
    titles = {a.id: a.title for a in articles}
    texts = [embedded_text(titles[p.article_id], p.text, options.embed_titles) for p in passages]
    if options.sentence_vectors:  # the build also embeds every passage's sentences
        texts += [sentence for p in passages for sentence in passage_sentences(p.text)]
    return texts


def throughput(articles_dir: Path, index_dir: Path, load: Callable[[], Embedder]) -> Throughput:
    """Model encode throughput, then a fresh build's, on the same passages (caches empty).

    Both are in passages per second; the model's time covers every text the build embeds
    (passages and their sentences), so the ratio is the pipeline's own overhead. Each timing gets
    a freshly loaded model, so no run benefits from tokenizations another one did.
    """
    options = BuildOptions()
    texts = embedded_texts(articles_dir, load(), options)
    timings = []
    for _ in range(2):  # the host is shared: time the model twice and take the mean
        model = load()
        model.embed_passages(texts[:64])  # warm-up: first calls allocate
        timings.append(_encode_seconds(model, texts[64:]) + _encode_seconds(model, texts[:64]))
    builder = load()
    builder.embed_passages(["warm-up"] * 64)
    report = fresh_build(articles_dir, index_dir, builder, options)
    model_rate = report.passages / (sum(timings) / len(timings))
    return Throughput(report.passages, model_rate, report.passages / report.seconds, report)


def _encode_seconds(embedder: Embedder, texts: list[str]) -> float:
    started = time.perf_counter()
    embedder.embed_passages(texts)
    return time.perf_counter() - started


def fresh_build(
    articles_dir: Path, index_dir: Path, embedder: Embedder, options: BuildOptions | None = None
) -> BuildReport:
    shutil.rmtree(index_dir, ignore_errors=True)
    return rebuild(articles_dir, index_dir, embedder, options, on_stage=lambda message: None)


@dataclass(frozen=True)
class Incremental:
    seconds: float
    passages_embedded: int
    passages_of_changed_article: int
    articles_changed: int


def incremental(articles_dir: Path, index_dir: Path, embedder: Embedder) -> Incremental:
    """Change one article of a built index and rebuild: what is re-embedded, and how long it takes."""
    article_id = change_one_article(articles_dir)
    report = rebuild(articles_dir, index_dir, embedder, on_stage=lambda message: None)
    from index.store.loader import open_published

    loaded = open_published(index_dir)
    try:
        own = next(info.passages for info in loaded.database.articles() if info.id == article_id)
    finally:
        loaded.close()
    return Incremental(report.seconds, report.passages_embedded, own, report.articles_changed)
