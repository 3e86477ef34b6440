"""Rebuild: articles → passages → vectors → a verified, atomically published index version."""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.build.options import BuildOptions, BuildReport, StrictBuildError
from index.build.sizing import embedded_text, split_for_model
from index.build.spool import SentenceSpool, VectorSpool
from index.embed.cache import EmbeddingCache, UnreadableCacheError
from index.embed.embedder import Embedder
from index.errors import (
    ArticleIndexError,
    ArticlesError,
    DiskFullError,
    IndexCorruptError,
    IndexNotBuiltError,
)
from index.files import set_aside
from index.ingest.folder import iter_articles
from index.ingest.passages import article_furniture
from index.records import Article, ArticleWarning, SkippedFile
from index.store.layout import LEXICAL_DIR, PASSAGES_DB, PENDING_PREFIX, SENTENCE_SPOOL, VECTOR_SPOOL, VECTORS
from index.store.lexical import LexicalIndex
from index.store.loader import published_articles
from index.store.manifest import Manifest, checksums, library_versions
from index.store.passages_db import PassageDatabase, PassageTexts, PassageWriter, passage_titles
from index.store.vectors import RECALL_TARGET, VectorIndex, tune_search_depth
from index.store.versions import IndexLocation

_log = logging.getLogger(__name__)

_PROGRESS_EVERY_S = 30.0
# Pending vector files of unpublished rebuilds read by the next one (older ones are deleted).
_LEFTOVERS_READ = 3


def rebuild(
    articles_dir: Path | Iterable[Article],
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
    seed_cache: Path | None = None,
) -> BuildReport:
    """Build a new index version from the articles folder and publish it atomically.

    Articles are streamed: each is split and written to SQLite as it is read, its passages are
    embedded in batches (the cache answers for text already embedded), and vectors go to a
    memory-mapped file, so neither all texts nor all vectors are ever held twice in memory.
    `seed_cache` names another index's embedding cache to read (never write) vectors from.
    """
    options = options or BuildOptions()
    stage = on_stage or (lambda message: _log.info("%s", message))
    started = time.perf_counter()
    location = IndexLocation(index_dir)
    with location.rebuild_lock():
        report = BuildReport(index_dir=str(index_dir), furniture={} if options.split.drop_furniture else None)
        _move_misplaced(location, report)
        previous = _published_articles(location, embedder, options, report)
        location.remove_abandoned()
        leftovers = _leftover_vectors(location)
        build_dir = location.new_build_dir()
        seeds = [*leftovers, *([seed_cache] if seed_cache else [])]
        cache = _open_cache(location, build_dir, embedder, report, seeds)
        try:
            stage(f"reading articles from {articles_dir}; embedding with {embedder.model_name}")
            writer = PassageWriter(build_dir / PASSAGES_DB)
            spool = VectorSpool(build_dir / VECTOR_SPOOL, embedder, options, cache, report)
            sentences = (
                SentenceSpool(build_dir / SENTENCE_SPOOL, embedder, options, cache, report)
                if options.sentence_vectors
                else None
            )
            try:
                for _ in _stream_articles(
                    articles_dir, options, embedder, writer, spool, sentences, previous, report
                ):
                    stage(
                        f"{report.articles} articles, {report.passages} passages so far "
                        f"({report.passages_embedded} embedded)"
                    )
                _check_articles(articles_dir, report, options.strict)
                spool.flush()
                writer.finish()
                if sentences is not None:
                    sentences.save(build_dir)
                stage(
                    f"read {report.articles} articles ({len(report.skipped)} files skipped): "
                    f"{report.passages} passages, {report.passages_embedded} embedded"
                )
                first_vector = _write_version(build_dir, spool.vectors(), embedder, options, report, stage)
            finally:
                writer.close()
                spool.close()
                if sentences is not None:
                    sentences.close()
            _verify_version(build_dir, first_vector)
            published = location.publish(build_dir)
        except BaseException as error:
            shutil.rmtree(build_dir, ignore_errors=True)
            if not _disk_full(error):
                cache.keep_for_next_build()  # killed or interrupted: the next build reads these vectors
                raise
            cache.discard()
            for path in leftovers:
                path.unlink(missing_ok=True)
            raise DiskFullError(
                f"the disk holding {index_dir} is full ({error}): free some space, then run "
                "`qa-index rebuild` again; the published index and the embedding cache are as they were"
            ) from error
        _update_cache(cache, report)
        for path in leftovers:
            path.unlink(missing_ok=True)
        location.prune(options.keep_versions)

    report.version = published.name
    report.seconds = time.perf_counter() - started
    return report


def _leftover_vectors(location: IndexLocation) -> list[Path]:
    """Vectors of the last few rebuilds that did not publish (read again, never recomputed)."""
    pending = location.pending_caches()
    for path in pending[_LEFTOVERS_READ:]:
        path.unlink(missing_ok=True)
    return pending[:_LEFTOVERS_READ]


def _move_misplaced(location: IndexLocation, report: BuildReport) -> None:
    """A file where the index keeps a folder, or a folder where it keeps its cache file, is moved
    aside (kept, never read again) so the build can go on; the summary says so."""
    for path, folder in (
        (location.versions, True),
        (location.cache, True),
        (location.embedding_cache, False),
    ):
        if path.exists() and path.is_dir() != folder:
            aside = set_aside(path)
            kind = "a file" if folder else "a folder"
            report.notes.append(f"{path} was {kind}, not what the index keeps there: moved to {aside}")


def _open_cache(
    location: IndexLocation, build_dir: Path, embedder: Embedder, report: BuildReport, seeds: list[Path]
) -> EmbeddingCache:
    """The embedding cache for this build; an unreadable one is moved aside and started afresh."""
    pending = location.cache / f"{PENDING_PREFIX}{build_dir.name}.sqlite"
    try:
        return EmbeddingCache(location.embedding_cache, embedder.dimension, pending, seeds=seeds)
    except UnreadableCacheError as error:
        aside = set_aside(location.embedding_cache)
        report.notes.append(
            f"the embedding cache could not be read ({error}): moved to {aside}; started empty"
        )
        return EmbeddingCache(location.embedding_cache, embedder.dimension, pending, seeds=seeds)


def _update_cache(cache: EmbeddingCache, report: BuildReport) -> None:
    """Merge this build's new vectors into the cache; the published version does not depend on it."""
    try:
        cache.commit()
    except (sqlite3.Error, OSError) as error:
        report.notes.append(f"the embedding cache was not updated ({error}): the next rebuild re-embeds more")
    finally:
        cache.discard()


def _disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    return isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error)


def _stream_articles(
    articles_dir: Path | Iterable[Article],
    options: BuildOptions,
    embedder: Embedder,
    writer: PassageWriter,
    spool: VectorSpool,
    sentences: SentenceSpool | None,
    previous: dict[str, str],
    report: BuildReport,
) -> Iterator[None]:
    """Split, store and queue each article as it is read; yields when it is time to report progress."""
    last_report = time.perf_counter()
    matched = 0
    items: Iterable[Article | SkippedFile | ArticleWarning] = (
        iter_articles(articles_dir, max_bytes=options.max_article_bytes)
        if isinstance(articles_dir, Path)
        else articles_dir
    )
    for item in items:
        if isinstance(item, SkippedFile):
            report.skipped.append(item)
            continue
        if isinstance(item, ArticleWarning):
            report.warnings.append(item)
            continue
        known = previous.get(item.id)
        if known is None:
            report.articles_added += 1
        else:
            matched += 1
            if known == item.hash:
                report.articles_unchanged += 1
            else:
                report.articles_changed += 1
        report.articles += 1
        if options.strict and report.skipped:
            continue  # the build will fail: read on only to list every skipped file
        furniture = article_furniture(item, options.split)
        report.count_furniture(item.path, len(furniture))
        passages, truncated = split_for_model(item, options, embedder, furniture)
        report.truncated_passages += truncated
        writer.add(item, passages)
        spool.add([embedded_text(item.title, p.text, options.embed_titles) for p in passages])
        if sentences is not None:
            sentences.add_passages(passages)
        report.passages += len(passages)
        if time.perf_counter() - last_report > _PROGRESS_EVERY_S:
            last_report = time.perf_counter()
            yield
    report.articles_removed = len(previous) - matched


def _check_articles(articles_dir: Path | Iterable[Article], report: BuildReport, strict: bool) -> None:
    if strict and report.skipped:
        listing = "; ".join(s.describe() for s in report.skipped)
        raise StrictBuildError(f"--strict: {len(report.skipped)} file(s) skipped: {listing}")
    if not report.articles:
        skipped = report.skipped
        detail = f" ({len(skipped)} file(s) skipped: see above)" if skipped else ""
        raise ArticlesError(
            f"no usable articles in {articles_dir}{detail}: add .txt, .md, .html, .json or .jsonl files"
        )


def _published_articles(
    location: IndexLocation, embedder: Embedder, options: BuildOptions, report: BuildReport
) -> dict[str, str]:
    """{article id: content hash} of the published version, noting why everything must be re-embedded."""
    try:
        manifest, previous = published_articles(location)
    except IndexNotBuiltError:
        report.full_rebuild_reason = "no published index yet"
        return {}
    except (ArticleIndexError, sqlite3.Error, OSError, ValueError) as error:
        report.full_rebuild_reason = f"the published version cannot be read ({error}); building anew"
        return {}
    if manifest.model != embedder.model_name:
        report.full_rebuild_reason = f"model changed from {manifest.model} to {embedder.model_name}"
    elif manifest.splitter != options.splitter_record():
        report.full_rebuild_reason = "splitter settings changed"
    return previous


def _write_version(
    build_dir: Path,
    vectors: np.ndarray,
    embedder: Embedder,
    options: BuildOptions,
    report: BuildReport,
    stage: Callable[[str], None],
) -> np.ndarray | None:
    """Write the vector and keyword indexes and the manifest; returns the first vector, for the check."""
    vector_index = VectorIndex.build(
        vectors, options.vector_index, approximate_above=options.approximate_above
    )
    recall = tune_search_depth(vector_index, vectors) if vector_index.kind != "flat" else None
    vector_index.save(build_dir / VECTORS)
    report.vector_index, report.recall_at_10 = vector_index.kind, recall
    info = vector_index.info(recall)
    del vector_index  # the check loads the saved file: never hold two copies of a large index
    if recall is not None:
        stage(f"{info.kind} index over {info.count} vectors: recall@10 against exact search {recall:.3f}")
        if recall < RECALL_TARGET:
            _log.warning(
                "recall@10 %.3f is under the %.2f target at the deepest search: build flat instead "
                "(BuildOptions.vector_index)",
                recall,
                RECALL_TARGET,
            )
    first_vector = np.array(vectors[0]) if len(vectors) else None
    del vectors
    texts = PassageTexts(build_dir / PASSAGES_DB)
    titles = passage_titles(build_dir / PASSAGES_DB)
    LexicalIndex.build(texts, titles=titles).save(build_dir / LEXICAL_DIR)
    (build_dir / VECTOR_SPOOL).unlink(missing_ok=True)
    Manifest(
        model=embedder.model_name,
        dimension=embedder.dimension,
        splitter=options.splitter_record(),
        embedding={"max_tokens": embedder.max_tokens, "truncated_passages": report.truncated_passages},
        articles=report.articles,
        passages=report.passages,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        vector_index=asdict(info),
        files=checksums(build_dir),
        libraries=library_versions(),
        build={
            "passages_embedded": report.passages_embedded,
            "sentences_embedded": report.sentences_embedded,
            "skipped": len(report.skipped),
            "recall_target": RECALL_TARGET,
            "approximate_above": options.approximate_above,
        },
    ).save(build_dir)
    return first_vector


def _verify_version(build_dir: Path, first_vector: np.ndarray | None) -> None:
    """Before publishing: checksums hold, counts agree, and a stored vector finds itself."""
    manifest = Manifest.load(build_dir)
    manifest.verify_files(build_dir)
    database = PassageDatabase(build_dir / PASSAGES_DB)
    try:
        counts = database.count()
    finally:
        database.close()
    vector_index = VectorIndex.load(build_dir / VECTORS)
    if counts != (manifest.articles, manifest.passages) or vector_index.count != manifest.passages:
        raise IndexCorruptError(f"the build in {build_dir} has inconsistent counts; nothing was published")
    if first_vector is not None:
        best = vector_index.search(first_vector, 1)
        if not best or best[0][1] < 0.99:
            raise IndexCorruptError(f"the build in {build_dir} fails its test query; nothing was published")
