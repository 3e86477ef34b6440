"""Embedding during a build: through the cache, batch by batch, into memory-mapped spool files."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.build.options import BuildOptions, BuildReport
from index.embed.cache import EmbeddingCache, cache_key
from index.embed.embedder import Embedder, progress_wanted
from index.records import Passage
from index.store.sentence_vectors import save_sentence_vectors
from index.text.sentences import passage_sentences

_log = logging.getLogger(__name__)

# encode_multi_process starts a pool of model copies per call: give each call enough work.
_POOL_BATCH = 32_768


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


class VectorSpool:
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


class SentenceSpool(VectorSpool):
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
