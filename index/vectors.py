"""Nearest-neighbour search over passage vectors: the one module that imports faiss.

Row i of the vector index is passage row i of the metadata store. Vectors are L2-normalised,
so inner product is cosine similarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

# Exact search is fast enough below this (about 20 ms over 100k 384-d vectors on 2 cores).
APPROXIMATE_ABOVE = 200_000
HNSW_NEIGHBOURS = 32
HNSW_SEARCH_DEPTH = 128


@dataclass(frozen=True)
class VectorIndexInfo:
    """What the manifest records about the vector index."""

    kind: str
    count: int
    dimension: int
    recall_at_10: float | None


class VectorIndex:
    """A FAISS index with cosine scores: `search` returns (row, score) pairs, best first."""

    def __init__(self, index: faiss.Index, kind: str) -> None:
        self._index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "auto") -> VectorIndex:
        """Build an exact ("flat") or approximate ("hnsw") index; "auto" picks by size."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if kind == "auto":
            kind = "hnsw" if len(vectors) > APPROXIMATE_ABOVE else "flat"
        dimension = vectors.shape[1]
        if kind == "flat":
            index: faiss.Index = faiss.IndexFlatIP(dimension)
        elif kind == "hnsw":
            hnsw = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = 80
            hnsw.hnsw.efSearch = HNSW_SEARCH_DEPTH
            index = hnsw
        else:
            raise ValueError(f"unknown vector index kind {kind!r}: use flat, hnsw or auto")
        if len(vectors):
            index.add(vectors)
        return cls(index, kind)

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = HNSW_SEARCH_DEPTH
            return cls(index, "hnsw")
        return cls(index, "flat")

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k rows most similar to one query vector."""
        if self.count == 0 or k <= 0:
            return []
        matrix = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, rows = self._index.search(matrix, min(k, self.count))
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0], strict=True) if row >= 0]

    def info(self, recall_at_10: float | None = None) -> VectorIndexInfo:
        return VectorIndexInfo(self.kind, self.count, self.dimension, recall_at_10)


def measure_recall_at_10(approximate: VectorIndex, vectors: np.ndarray, samples: int = 200) -> float:
    """Share of the exact top 10 that the approximate index also returns, on sampled stored vectors."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if approximate.kind == "flat" or len(vectors) == 0:
        return 1.0
    rng = np.random.default_rng(0)
    picks = rng.choice(len(vectors), size=min(samples, len(vectors)), replace=False)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    found = 0
    total = 0
    for row in picks:
        query = vectors[row]
        _, truth = exact.search(query.reshape(1, -1), 10)
        approx = {r for r, _ in approximate.search(query, 10)}
        found += len(approx.intersection(int(t) for t in truth[0] if t >= 0))
        total += int((truth[0] >= 0).sum())
    return found / total if total else 1.0
