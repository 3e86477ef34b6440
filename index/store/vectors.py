"""Nearest-neighbour search over passage vectors: the one module that imports faiss.

Row i of the vector index is passage row i of the metadata store. Vectors are L2-normalised,
so inner product is cosine similarity.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

# Measured on the 2-core reference machine (bench/run_all.py): one exact query takes about 1 ms
# over 10k 384-d vectors, 12 ms over 50k and 25-45 ms over 100k, against a retrieval budget of
# 15 ms. Above this size HNSW answers in under 1 ms with recall@10 near 1.
APPROXIMATE_ABOVE = 50_000
HNSW_NEIGHBOURS = 32
HNSW_BUILD_DEPTH = 80
HNSW_SEARCH_DEPTH = 128
_MAX_SEARCH_DEPTH = 1024
RECALL_TARGET = 0.95
# A search of an HNSW index restricted to a few rows (a channel's collections) is exact over those
# rows up to this many: a float16 copy of their vectors (20 MB at 512 dimensions) searched in under
# 1 ms. Above it, the graph is walked with a filter, its depth widened as the rows thin out.
EXACT_SUBSET_LIMIT = 20_000
_FP16 = faiss.ScalarQuantizer.QT_fp16  # an int constant; faiss's stubs type it as the class
# Vectors handed to faiss at a time, so a memory-mapped matrix is never copied whole.
_ADD_CHUNK = 65_536


@dataclass(frozen=True)
class VectorIndexInfo:
    """What the manifest records about the vector index."""

    kind: str
    count: int
    dimension: int
    recall_at_10: float | None


def choose_kind(count: int, kind: str = "auto", approximate_above: int = APPROXIMATE_ABOVE) -> str:
    """The index kind to build for `count` vectors: "auto" is exact up to `approximate_above`."""
    if kind == "auto":
        return "hnsw" if count > approximate_above else "flat"
    if kind not in {"flat", "hnsw"}:
        raise ValueError(f"unknown vector index kind {kind!r}: use flat, hnsw or auto")
    return kind


class VectorIndex:
    """A FAISS index with cosine scores: `search` returns (row, score) pairs, best first."""

    def __init__(self, index: faiss.Index, kind: str) -> None:
        self._index = index
        self.kind = kind

    @classmethod
    def build(
        cls, vectors: np.ndarray, kind: str = "auto", *, approximate_above: int = APPROXIMATE_ABOVE
    ) -> VectorIndex:
        """Build an exact ("flat") or approximate ("hnsw") index; "auto" picks by size.

        `vectors` may be a read-only memory map: it is added in chunks, never copied whole.
        """
        kind = choose_kind(len(vectors), kind, approximate_above)
        dimension = vectors.shape[1]
        if kind == "flat":
            index: faiss.Index = faiss.IndexFlatIP(dimension)
        else:
            # Vectors stored as float16: half the memory of float32 for a cosine error under 1e-3
            # (what keeps the bot with a 100k-passage index under 1 GB).
            hnsw = faiss.IndexHNSWSQ(dimension, _FP16, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
            hnsw.hnsw.efConstruction = HNSW_BUILD_DEPTH
            hnsw.hnsw.efSearch = HNSW_SEARCH_DEPTH
            hnsw.train(np.ascontiguousarray(vectors[:_ADD_CHUNK], dtype=np.float32))
            index = hnsw
        with _threads(os.cpu_count() or 1):
            for start in range(0, len(vectors), _ADD_CHUNK):
                index.add(np.ascontiguousarray(vectors[start : start + _ADD_CHUNK], dtype=np.float32))
        return cls(index, kind)

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        """Read a saved index to serve single queries (faiss then runs one OpenMP thread)."""
        # One query at a time gains nothing from OpenMP threads and, on a busy 2-core host,
        # waiting for them cost 16 ms per exact query over 10k vectors instead of under 1 ms.
        # Questions asked together already run in separate worker threads.
        faiss.omp_set_num_threads(1)
        index = faiss.read_index(str(path))
        # an HNSW file keeps the search depth `tune_search_depth` chose at build time
        return cls(index, "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat")

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def memory_bytes(self) -> int:
        """Approximate bytes the index holds in memory (vectors, float16 in HNSW, plus its links)."""
        vectors = self.count * self.dimension * (2 if self.kind == "hnsw" else 4)
        if self.kind == "hnsw":
            # level 0 keeps 2*M links per vector; upper levels add about 1/M of that again
            return vectors + int(self.count * 2 * HNSW_NEIGHBOURS * 4 * (1 + 1 / HNSW_NEIGHBOURS))
        return vectors

    def search(self, query: np.ndarray, k: int, within: RowSubset | None = None) -> list[tuple[int, float]]:
        """The k rows most similar to one query vector (only rows of `within`, when given)."""
        if self.count == 0 or k <= 0:
            return []
        matrix = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if within is not None:
            return within.search(self._index, matrix, k)
        scores, rows = self._index.search(matrix, min(k, self.count))
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0], strict=True) if row >= 0]

    def subset(self, rows: np.ndarray) -> RowSubset:
        """What a search restricted to `rows` needs (build once per set of rows, then reuse)."""
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        if self.kind == "flat" or len(rows) > EXACT_SUBSET_LIMIT or not len(rows):
            return RowSubset(rows, self.count)
        copy = faiss.IndexScalarQuantizer(self.dimension, _FP16, faiss.METRIC_INNER_PRODUCT)
        copy.add(np.asarray(self._index.reconstruct_batch(rows), dtype=np.float32))
        return RowSubset(rows, self.count, copy)

    def scores_for(self, query: np.ndarray, rows: list[int]) -> np.ndarray:
        """Cosine of the query with the stored vectors of the given rows (exact, whatever the kind)."""
        if not rows:
            return np.zeros(0, dtype=np.float32)
        stored = self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return np.asarray(stored, dtype=np.float32) @ np.asarray(query, dtype=np.float32)

    def info(self, recall_at_10: float | None = None) -> VectorIndexInfo:
        return VectorIndexInfo(self.kind, self.count, self.dimension, recall_at_10)


class RowSubset:
    """Rows a search may return: a faiss filter over the whole index, or (few rows of an HNSW
    index) an exact copy of their vectors, since a filtered graph walk misses rows it skips."""

    def __init__(self, rows: np.ndarray, total: int, copy: faiss.Index | None = None) -> None:
        self.rows = rows
        self._copy = copy
        self._share = len(rows) / total if total else 1.0
        self._selector = faiss.IDSelectorBatch(rows) if copy is None and len(rows) else None

    def __len__(self) -> int:
        return len(self.rows)

    def search(self, index: faiss.Index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not len(self.rows):
            return []
        k = min(k, len(self.rows))
        if self._copy is not None:
            scores, local = self._copy.search(query, k)
            return [(int(self.rows[i]), float(s)) for i, s in zip(local[0], scores[0], strict=True) if i >= 0]
        untyped: Any = faiss  # faiss's bundled stubs lack the filtered-search parameters
        if isinstance(index, faiss.IndexHNSW):
            depth = min(_MAX_SEARCH_DEPTH, int(index.hnsw.efSearch / max(self._share, 1e-3)))
            params = untyped.SearchParametersHNSW(sel=self._selector, efSearch=max(depth, k))
        else:
            params = untyped.SearchParameters(sel=self._selector)
        scores, rows = index.search(query, k, params=params)
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0], strict=True) if row >= 0]


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best inner products per query, by brute force over chunks of `vectors`.

    Works on a memory map without a second in-memory copy of the vectors.
    """
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), _ADD_CHUNK):
        chunk = np.asarray(vectors[start : start + _ADD_CHUNK], dtype=np.float32)
        scores = np.concatenate([best_scores, queries @ chunk.T], axis=1)
        rows = np.concatenate(
            [best_rows, np.broadcast_to(np.arange(start, start + len(chunk)), (len(queries), len(chunk)))],
            axis=1,
        )
        keep = min(k, scores.shape[1])
        picked = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        best_scores = np.take_along_axis(scores, picked, axis=1)
        best_rows = np.take_along_axis(rows, picked, axis=1)
    return best_rows


def tune_search_depth(
    approximate: VectorIndex, vectors: np.ndarray, target: float = RECALL_TARGET, samples: int = 200
) -> float:
    """Deepen an HNSW search (efSearch, doubling up to 1024) until recall@10 meets `target`.

    Returns the recall reached; the depth is saved with the index. Text embeddings usually
    meet the target at the default depth; near-random vectors need more.
    """
    if approximate.kind != "hnsw" or len(vectors) == 0:
        return 1.0
    queries, truth = _sampled_truth(vectors, samples)
    hnsw: Any = faiss.downcast_index(approximate._index)
    recall = _recall(approximate, queries, truth)
    while recall < target and hnsw.hnsw.efSearch < _MAX_SEARCH_DEPTH:
        hnsw.hnsw.efSearch = min(hnsw.hnsw.efSearch * 2, _MAX_SEARCH_DEPTH)
        recall = _recall(approximate, queries, truth)
    return recall


def _sampled_truth(vectors: np.ndarray, samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    picks = np.sort(rng.choice(len(vectors), size=min(samples, len(vectors)), replace=False))
    queries = np.ascontiguousarray(vectors[picks], dtype=np.float32)
    return queries, exact_top_k(vectors, queries, 10)


def _recall(approximate: VectorIndex, queries: np.ndarray, truth: np.ndarray) -> float:
    found = 0
    for query, expected in zip(queries, truth, strict=True):
        approx = {row for row, _ in approximate.search(query, 10)}
        found += len(approx.intersection(expected.tolist()))
    return found / truth.size if truth.size else 1.0


@contextmanager
def _threads(count: int) -> Iterator[None]:
    """Let faiss use `count` OpenMP threads for a bulk operation, then restore the setting."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
