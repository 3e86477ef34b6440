"""Rebuild: articles → passages → vectors → a verified, atomically published index version."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.articles import load_articles
from index.embedder import Embedder, progress_wanted
from index.embedding_cache import EmbeddingCache, cache_key
from index.errors import ArticlesError, IndexCorruptError, IndexError_
from index.lexical import LexicalIndex
from index.manifest import Manifest, checksums, library_versions
from index.models import Article, Passage, SkippedFile
from index.passages_db import DB_NAME, PassageDatabase, write_database
from index.splitter import SplitSettings, split_article
from index.vectors import VectorIndex, measure_recall_at_10
from index.versions import IndexLocation

_log = logging.getLogger(__name__)

VECTORS_NAME = "vectors.faiss"
LEXICAL_DIR = "lexical"
# Room kept in the model window for the title and special tokens when titles are embedded.
_TITLE_WORDS = 24


@dataclass(frozen=True)
class BuildOptions:
    """What shapes an index: the splitter, whether titles are embedded, the vector index kind."""

    split: SplitSettings = field(default_factory=SplitSettings)
    embed_titles: bool = True
    vector_index: str = "auto"
    keep_versions: int = 3
    max_article_bytes: int = 20_000_000
    strict: bool = False

    def splitter_record(self) -> dict[str, Any]:
        return {**asdict(self.split), "embed_titles": self.embed_titles}


@dataclass
class BuildReport:
    """What a rebuild did; printed as a summary or as JSON."""

    articles: int = 0
    passages: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    passages_embedded: int = 0
    articles_added: int = 0
    articles_changed: int = 0
    articles_removed: int = 0
    articles_unchanged: int = 0
    truncated_passages: int = 0
    full_rebuild_reason: str | None = None
    version: str = ""
    index_dir: str = ""
    vector_index: str = "flat"
    recall_at_10: float | None = None

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.skipped]
        data["passages_per_second"] = round(self.passages_per_second, 2)
        data["seconds"] = round(self.seconds, 3)
        data["embed_seconds"] = round(self.embed_seconds, 3)
        return data


class StrictBuildError(IndexError_):
    """--strict was given and some files were skipped."""


def embedded_text(article_title: str, passage_text: str, embed_titles: bool) -> str:
    """What the model sees for a passage: optionally the article title, then the passage."""
    if not embed_titles or not article_title:
        return passage_text
    title = " ".join(article_title.split()[:_TITLE_WORDS])
    return f"{title}\n{passage_text}"


def split_all(
    articles: Sequence[Article], options: BuildOptions, embedder: Embedder
) -> tuple[list[Passage], int]:
    """Split every article so each passage fits the model window; returns passages and how many overflow."""
    window = embedder.max_tokens
    budget = None
    if window:
        budget = window - (_TITLE_WORDS * 2 if options.embed_titles else 0) - 2
    passages: list[Passage] = []
    for article in articles:
        passages.extend(
            split_article(article, options.split, count_tokens=embedder.count_tokens, max_tokens=budget)
        )
    truncated = 0
    if window:
        titles = {a.id: a.title for a in articles}
        truncated = sum(
            1
            for p in passages
            if embedder.count_tokens(embedded_text(titles[p.article_id], p.text, options.embed_titles))
            > window
        )
    return passages, truncated


def embed_with_cache(
    texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache
) -> tuple[np.ndarray, list[str], int]:
    """Vectors for texts, computing only those the cache lacks; returns vectors, keys, count embedded."""
    keys = [cache_key(embedder.model_name, text) for text in texts]
    known = cache.get_many(keys)
    missing = sorted({key: i for i, key in enumerate(keys) if key not in known}.values())
    if missing:
        fresh = embedder.embed_passages([texts[i] for i in missing], show_progress=progress_wanted())
        new_items = [(keys[i], fresh[j]) for j, i in enumerate(missing)]
        cache.put_many(new_items)
        known.update(new_items)
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        vectors[i] = known[key]
    return vectors, keys, len(missing)


def rebuild(
    articles_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build a new index version from the articles folder and publish it atomically."""
    options = options or BuildOptions()
    stage = on_stage or (lambda message: _log.info("%s", message))
    started = time.perf_counter()
    location = IndexLocation(index_dir)
    with location.rebuild_lock():
        loaded = load_articles(articles_dir, max_bytes=options.max_article_bytes)
        report = BuildReport(skipped=list(loaded.skipped), index_dir=str(index_dir))
        _check_articles(articles_dir, loaded.articles, loaded.skipped, options.strict)
        stage(f"read {len(loaded.articles)} articles ({len(loaded.skipped)} files skipped)")
        _compare_with_published(location, loaded.articles, embedder, options, report)

        passages, report.truncated_passages = split_all(loaded.articles, options, embedder)
        titles = {a.id: a.title for a in loaded.articles}
        texts = [embedded_text(titles[p.article_id], p.text, options.embed_titles) for p in passages]
        stage(f"split into {len(passages)} passages; embedding with {embedder.model_name}")

        cache = EmbeddingCache(location.cache / "embeddings.sqlite", embedder.dimension)
        try:
            embed_started = time.perf_counter()
            vectors, keys, report.passages_embedded = embed_with_cache(texts, embedder, cache)
            report.embed_seconds = time.perf_counter() - embed_started
            build_dir = location.new_build_dir()
            try:
                _write_version(build_dir, loaded.articles, passages, vectors, embedder, options, report)
                _verify_version(build_dir, vectors)
                published = location.publish(build_dir)
            except BaseException:
                shutil.rmtree(build_dir, ignore_errors=True)
                raise
            cache.keep_only(keys)
        finally:
            cache.close()
        location.prune(options.keep_versions)

    report.articles = len(loaded.articles)
    report.passages = len(passages)
    report.version = published.name
    report.seconds = time.perf_counter() - started
    return report


def _check_articles(
    articles_dir: Path, articles: Sequence[Article], skipped: Sequence[SkippedFile], strict: bool
) -> None:
    if strict and skipped:
        listing = "; ".join(s.describe() for s in skipped)
        raise StrictBuildError(f"--strict: {len(skipped)} file(s) skipped: {listing}")
    if not articles:
        detail = f" ({len(skipped)} file(s) skipped: see above)" if skipped else ""
        raise ArticlesError(
            f"no usable articles in {articles_dir}{detail}: add .txt, .md, .html, .json or .jsonl files"
        )


def _compare_with_published(
    location: IndexLocation,
    articles: Sequence[Article],
    embedder: Embedder,
    options: BuildOptions,
    report: BuildReport,
) -> None:
    """Count added / changed / removed / unchanged articles against the published version."""
    try:
        current = location.current()
        manifest = Manifest.load(current)
        database = PassageDatabase(current / DB_NAME)
    except IndexError_:
        report.articles_added = len(articles)
        report.full_rebuild_reason = "no published index yet"
        return
    try:
        previous = {info.id: info.hash for info in database.articles()}
    finally:
        database.close()
    if manifest.model != embedder.model_name:
        report.full_rebuild_reason = f"model changed from {manifest.model} to {embedder.model_name}"
    elif manifest.splitter != options.splitter_record():
        report.full_rebuild_reason = "splitter settings changed"
    now = {a.id: a.hash for a in articles}
    report.articles_added = sum(1 for key in now if key not in previous)
    report.articles_removed = sum(1 for key in previous if key not in now)
    report.articles_changed = sum(1 for key, h in now.items() if key in previous and previous[key] != h)
    report.articles_unchanged = sum(1 for key, h in now.items() if previous.get(key) == h)


def _write_version(
    build_dir: Path,
    articles: Sequence[Article],
    passages: Sequence[Passage],
    vectors: np.ndarray,
    embedder: Embedder,
    options: BuildOptions,
    report: BuildReport,
) -> None:
    write_database(build_dir / DB_NAME, articles, passages)
    vector_index = VectorIndex.build(vectors, options.vector_index)
    vector_index.save(build_dir / VECTORS_NAME)
    recall = measure_recall_at_10(vector_index, vectors) if vector_index.kind != "flat" else None
    report.vector_index, report.recall_at_10 = vector_index.kind, recall
    LexicalIndex.build([p.text for p in passages]).save(build_dir / LEXICAL_DIR)
    Manifest(
        model=embedder.model_name,
        dimension=embedder.dimension,
        splitter=options.splitter_record(),
        embedding={"max_tokens": embedder.max_tokens, "truncated_passages": report.truncated_passages},
        articles=len(articles),
        passages=len(passages),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        vector_index=asdict(vector_index.info(recall)),
        files=checksums(build_dir),
        libraries=library_versions(),
        build={"passages_embedded": report.passages_embedded, "skipped": len(report.skipped)},
    ).save(build_dir)


def _verify_version(build_dir: Path, vectors: np.ndarray) -> None:
    """Before publishing: checksums hold, counts agree, and a stored vector finds itself."""
    manifest = Manifest.load(build_dir)
    manifest.verify_files(build_dir)
    database = PassageDatabase(build_dir / DB_NAME)
    try:
        counts = database.count()
    finally:
        database.close()
    vector_index = VectorIndex.load(build_dir / VECTORS_NAME)
    if counts != (manifest.articles, manifest.passages) or vector_index.count != manifest.passages:
        raise IndexCorruptError(f"the build in {build_dir} has inconsistent counts; nothing was published")
    if len(vectors):
        best = vector_index.search(vectors[0], 1)
        if not best or best[0][1] < 0.99:
            raise IndexCorruptError(f"the build in {build_dir} fails its test query; nothing was published")
