"""A fast deterministic embedder, to time everything in the pipeline but the model."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

_BUCKETS = 4096


class HashingEmbedder:
    """Sums a fixed random vector per word (hashed into 4096 buckets): similar texts are close.

    It can pose as another model (name and dimension) so that a real model can query its index.
    """

    def __init__(self, model_name: str = "bench-hashing", dimension: int = 384, max_tokens: int | None = 256):
        self._name = model_name
        self._dimension = dimension
        self._max_tokens = max_tokens
        self._table = np.random.default_rng(0).standard_normal((_BUCKETS, dimension)).astype(np.float32)
        self._buckets: dict[str, int] = {}
        self.embedded = 0

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int | None:
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        return self._vectors(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)

    def _bucket(self, word: str) -> int:
        bucket = self._buckets.get(word)
        if bucket is None:
            bucket = self._buckets[word] = zlib.crc32(word.encode()) % _BUCKETS
        return bucket

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._table[[self._bucket(w) for w in text.lower().split()] or [0]].sum(axis=0)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out
