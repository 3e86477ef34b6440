"""Sentence vectors: each passage's sentences embedded on their own, to score a passage by its best
sentence (a sentence encoder blurs one fact in a 100-word passage) and to highlight that sentence.

Stored as two plain arrays (no pickle): `sentences.npy`, float16 vectors in passage order, and
`sentence_starts.npy`, where passage row r owns vectors starts[r]:starts[r + 1].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from index.store.layout import SENTENCE_STARTS, SENTENCE_VECTORS


class SentenceVectors:
    """Read side: the best sentence cosine of candidate passages for one query."""

    def __init__(self, vectors: np.ndarray, starts: np.ndarray) -> None:
        self._vectors = vectors
        self._starts = starts

    @classmethod
    def load(cls, directory: Path) -> SentenceVectors | None:
        """The arrays, memory-mapped; None when the index was built without sentence vectors."""
        if not (directory / SENTENCE_VECTORS).is_file():
            return None
        vectors = np.load(directory / SENTENCE_VECTORS, mmap_mode="r", allow_pickle=False)
        starts = np.load(directory / SENTENCE_STARTS, allow_pickle=False)
        return cls(vectors, starts)

    @property
    def passages(self) -> int:
        return len(self._starts) - 1

    def scores(self, query: np.ndarray, row: int) -> np.ndarray:
        """Cosine of the query with each sentence of one passage, in order."""
        a, b = int(self._starts[row]), int(self._starts[row + 1])
        return np.asarray(self._vectors[a:b], dtype=np.float32) @ query.astype(np.float32)

    def best(self, query: np.ndarray, rows: Iterable[int]) -> dict[int, tuple[float, int]]:
        """For each passage row: (best sentence cosine, index of that sentence within the passage)."""
        rows = list(rows)
        if not rows:
            return {}
        bounds = [(int(self._starts[r]), int(self._starts[r + 1])) for r in rows]
        picks = np.concatenate([np.arange(a, b) for a, b in bounds]) if bounds else np.zeros(0, int)
        scores = np.asarray(self._vectors[picks], dtype=np.float32) @ query.astype(np.float32)
        best: dict[int, tuple[float, int]] = {}
        cursor = 0
        for row, (a, b) in zip(rows, bounds, strict=True):
            count = b - a
            if count:
                local = scores[cursor : cursor + count]
                index = int(np.argmax(local))
                best[row] = (float(local[index]), index)
            cursor += count
        return best


def save_sentence_vectors(directory: Path, vectors: np.ndarray, counts: Sequence[int]) -> None:
    """Write the float16 vectors (a memory map is streamed, not copied) and each passage's start."""
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.asarray(counts, dtype=np.int64), out=starts[1:])
    if len(vectors) != starts[-1]:
        raise ValueError(f"{len(vectors)} sentence vectors for {starts[-1]} sentences")
    np.save(directory / SENTENCE_VECTORS, np.asarray(vectors, dtype=np.float16), allow_pickle=False)
    np.save(directory / SENTENCE_STARTS, starts, allow_pickle=False)
