"""Rebuild: articles → passages → vectors → a verified, atomically published index version."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.articles import iter_articles
from index.embedder import Embedder, progress_wanted
from index.embedding_cache import EmbeddingCache, cache_key
from index.errors import ArticlesError, IndexCorruptError, IndexError_
from index.lexical import LexicalIndex
from index.manifest import Manifest, checksums, library_versions
from index.models import Article, Passage, SkippedFile
from index.passages_db import DB_NAME, PassageDatabase, PassageTexts, PassageWriter
from index.sentences import passage_sentences, save_sentence_vectors
from index.splitter import SplitSettings, split_article
from index.vectors import APPROXIMATE_ABOVE, RECALL_TARGET, VectorIndex, tune_search_depth
from index.versions import IndexLocation

_log = logging.getLogger(__name__)

VECTORS_NAME = "vectors.faiss"
LEXICAL_DIR = "lexical"
# Raw float32 rows appended while embedding; memory-mapped to build the index, then deleted.
_SPOOL_NAME = "vectors.f32.tmp"
_SENTENCE_SPOOL_NAME = "sentences.f16.tmp"
# encode_multi_process starts a pool of model copies per call: give each call enough work.
_POOL_BATCH = 32_768
_PROGRESS_EVERY_S = 30.0
# Room kept in the model window for the title and special tokens when titles are embedded.
_TITLE_WORDS = 24


@dataclass(frozen=True)
class BuildOptions:
    """What shapes an index (splitter, titles embedded, vector index kind) and how it is built."""

    split: SplitSettings = field(default_factory=SplitSettings)
    embed_titles: bool = True
    vector_index: str = "auto"
    keep_versions: int = 3
    max_article_bytes: int = 20_000_000
    strict: bool = False
    # Encode with sentence-transformers' multi-process pool on these devices, e.g. ("cuda:0",
    # "cuda:1") or ("cpu", "cpu"); empty means in this process on the embedder's own device.
    devices: tuple[str, ...] = ()
    # Passages embedded (and looked up in the cache) at a time: bounds the build's memory.
    batch_passages: int = 2048
    approximate_above: int = APPROXIMATE_ABOVE
    # Also embed each passage's sentences, to score passages by their best sentence (see sentences.py).
    sentence_vectors: bool = True

    def splitter_record(self) -> dict[str, Any]:
        return {
            **asdict(self.split),
            "embed_titles": self.embed_titles,
            "sentence_vectors": self.sentence_vectors,
        }


@dataclass
class BuildReport:
    """What a rebuild did; printed as a summary or as JSON."""

    articles: int = 0
    passages: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    passages_embedded: int = 0
    sentences_embedded: int = 0
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


def split_for_model(article: Article, options: BuildOptions, embedder: Embedder) -> tuple[list[Passage], int]:
    """Split one article so each passage fits the model window; returns passages and how many overflow."""
    window = embedder.max_tokens
    if not window:
        return split_article(article, options.split), 0
    allowance = _TITLE_WORDS * 2 if options.embed_titles else 0
    passages = split_article(
        article, options.split, count_tokens=embedder.count_tokens, max_tokens=window - allowance - 2
    )
    title = embedded_text(article.title, "", options.embed_titles)
    if not title or embedder.count_tokens(title) <= allowance:
        return passages, 0  # the title fits its allowance and every passage the rest of the window
    truncated = sum(
        1
        for p in passages
        if embedder.count_tokens(embedded_text(article.title, p.text, options.embed_titles)) > window
    )
    return passages, truncated


def split_all(
    articles: Sequence[Article], options: BuildOptions, embedder: Embedder
) -> tuple[list[Passage], int]:
    """Split every article (see `split_for_model`); returns all passages and how many overflow."""
    passages: list[Passage] = []
    truncated = 0
    for article in articles:
        pieces, overflow = split_for_model(article, options, embedder)
        passages.extend(pieces)
        truncated += overflow
    return passages, truncated


Encode = Callable[[Sequence[str]], np.ndarray]


def passage_encoder(embedder: Embedder, devices: Sequence[str] = ()) -> Encode:
    """How passages become vectors: sentence-transformers' multi-process pool on `devices` when
    asked for and the embedder offers one, else `embed_passages` in this process."""
    if devices:
        multi_process = getattr(embedder, "encode_multi_process", None)
        if callable(multi_process):
            return lambda texts: np.asarray(multi_process(texts, list(devices)), dtype=np.float32)
        _log.warning(
            "%s cannot encode on several devices (%s); encoding in this process",
            embedder.model_name,
            ", ".join(devices),
        )
    return lambda texts: embedder.embed_passages(texts, show_progress=progress_wanted())


def embed_with_cache(
    texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache, encode: Encode | None = None
) -> tuple[np.ndarray, list[str], int]:
    """Vectors for texts, computing only those the cache lacks; returns vectors, keys, count embedded."""
    keys = [cache_key(embedder.model_name, text) for text in texts]
    known = cache.get_many(keys)
    missing = sorted({key: i for i, key in enumerate(keys) if key not in known}.values())
    if missing:
        encode = encode or passage_encoder(embedder)
        fresh = encode([texts[i] for i in missing])
        new_items = [(keys[i], fresh[j]) for j, i in enumerate(missing)]
        cache.put_many(new_items)
        known.update(new_items)
    if not keys:
        return np.zeros((0, embedder.dimension), dtype=np.float32), keys, 0
    vectors = np.stack([known[key] for key in keys]).astype(np.float32, copy=False)
    return vectors, keys, len(missing)


class _VectorSpool:
    """Embeds queued passage texts batch by batch (through the cache) and appends their vectors,
    in row order, to a raw float32 file; only one batch of texts and vectors is in memory."""

    def __init__(
        self,
        path: Path,
        embedder: Embedder,
        options: BuildOptions,
        cache: EmbeddingCache,
        report: BuildReport,
    ) -> None:
        self.path = path
        self.rows = 0
        self._embedder = embedder
        self._cache = cache
        self._report = report
        self._encode = passage_encoder(embedder, options.devices)
        self._batch = max(options.batch_passages, _POOL_BATCH if options.devices else 1)
        self._texts: list[str] = []
        self._file = path.open("wb")
        self.dtype: type[np.floating[Any]] = np.float32

    def add(self, texts: Sequence[str]) -> None:
        self._texts.extend(texts)
        if len(self._texts) >= self._batch:
            self.flush()

    def flush(self) -> None:
        if not self._texts:
            return
        started = time.perf_counter()
        vectors, keys, embedded = embed_with_cache(self._texts, self._embedder, self._cache, self._encode)
        self._cache.mark_used(keys)
        self._report.embed_seconds += time.perf_counter() - started
        self._count_embedded(embedded)
        self._file.write(np.ascontiguousarray(vectors, dtype=self.dtype).tobytes())
        self.rows += len(vectors)
        self._texts = []

    def vectors(self) -> np.ndarray:
        """Every vector written, as a read-only memory map (rows by dimension)."""
        self.flush()
        self._file.close()
        if self.rows == 0:
            return np.zeros((0, self._embedder.dimension), dtype=self.dtype)
        return np.memmap(self.path, dtype=self.dtype, mode="r", shape=(self.rows, self._embedder.dimension))

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)

    def _count_embedded(self, embedded: int) -> None:
        self._report.passages_embedded += embedded


class _SentenceSpool(_VectorSpool):
    """The same for each passage's sentences, in float16, remembering how many each passage has."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dtype = np.float16
        self._counts: list[int] = []

    def add_passages(self, passages: Sequence[Passage]) -> None:
        groups = [passage_sentences(p.text) for p in passages]
        self._counts.extend(len(group) for group in groups)
        self.add([sentence for group in groups for sentence in group])

    def save(self, directory: Path) -> None:
        """Write sentences.npy and sentence_starts.npy (plain arrays), then drop the spool file."""
        save_sentence_vectors(directory, self.vectors(), self._counts)
        self.close()

    def _count_embedded(self, embedded: int) -> None:
        self._report.sentences_embedded += embedded


def rebuild(
    articles_dir: Path | Iterable[Article],
    index_dir: Path,
    embedder: Embedder,
    options: BuildOptions | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build a new index version from the articles folder and publish it atomically.

    Articles are streamed: each is split and written to SQLite as it is read, its passages are
    embedded in batches (the cache answers for text already embedded), and vectors go to a
    memory-mapped file, so neither all texts nor all vectors are ever held twice in memory.
    """
    options = options or BuildOptions()
    stage = on_stage or (lambda message: _log.info("%s", message))
    started = time.perf_counter()
    location = IndexLocation(index_dir)
    with location.rebuild_lock():
        report = BuildReport(index_dir=str(index_dir))
        previous = _published_articles(location, embedder, options, report)
        cache = EmbeddingCache(location.cache / "embeddings.sqlite", embedder.dimension)
        build_dir = location.new_build_dir()
        try:
            stage(f"reading articles from {articles_dir}; embedding with {embedder.model_name}")
            writer = PassageWriter(build_dir / DB_NAME)
            spool = _VectorSpool(build_dir / _SPOOL_NAME, embedder, options, cache, report)
            sentences = (
                _SentenceSpool(build_dir / _SENTENCE_SPOOL_NAME, embedder, options, cache, report)
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
            cache.forget_unused()
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        finally:
            cache.close()
        location.prune(options.keep_versions)

    report.version = published.name
    report.seconds = time.perf_counter() - started
    return report


def _stream_articles(
    articles_dir: Path | Iterable[Article],
    options: BuildOptions,
    embedder: Embedder,
    writer: PassageWriter,
    spool: _VectorSpool,
    sentences: _SentenceSpool | None,
    previous: dict[str, str],
    report: BuildReport,
) -> Iterator[None]:
    """Split, store and queue each article as it is read; yields when it is time to report progress."""
    last_report = time.perf_counter()
    matched = 0
    items: Iterable[Article | SkippedFile] = (
        iter_articles(articles_dir, max_bytes=options.max_article_bytes)
        if isinstance(articles_dir, Path)
        else articles_dir
    )
    for item in items:
        if isinstance(item, SkippedFile):
            report.skipped.append(item)
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
        passages, truncated = split_for_model(item, options, embedder)
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
        current = location.current()
        manifest = Manifest.load(current)
        database = PassageDatabase(current / DB_NAME)
    except IndexError_:
        report.full_rebuild_reason = "no published index yet"
        return {}
    try:
        previous = {info.id: info.hash for info in database.articles()}
    finally:
        database.close()
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
    vector_index.save(build_dir / VECTORS_NAME)
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
    texts = PassageTexts(build_dir / DB_NAME)
    LexicalIndex.build(texts).save(build_dir / LEXICAL_DIR)
    (build_dir / _SPOOL_NAME).unlink(missing_ok=True)
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
    database = PassageDatabase(build_dir / DB_NAME)
    try:
        counts = database.count()
    finally:
        database.close()
    vector_index = VectorIndex.load(build_dir / VECTORS_NAME)
    if counts != (manifest.articles, manifest.passages) or vector_index.count != manifest.passages:
        raise IndexCorruptError(f"the build in {build_dir} has inconsistent counts; nothing was published")
    if first_vector is not None:
        best = vector_index.search(first_vector, 1)
        if not best or best[0][1] < 0.99:
            raise IndexCorruptError(f"the build in {build_dir} fails its test query; nothing was published")
