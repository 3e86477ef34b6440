"""A fast deterministic embedder for tests and benchmarks: the hashing trick over words.

Each lower-cased word is hashed into one of `buckets` buckets; a text's vector is the sum of its
buckets' codes, L2-normalised, so texts that share words are close and texts that share none are
(nearly) orthogonal. With as many buckets as dimensions (the default) a code is one coordinate, a
plain bag of words that tests can reason about; with more buckets than dimensions the codes are
fixed random vectors, denser, closer to what a real model produces, for timing the pipeline
without the model. It can pose as another model (name and dimension) so a real model can query
an index it built.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """The hashing-trick embedder; remembers the texts it embedded when `record` is on."""

    def __init__(
        self,
        dimension: int = 64,
        model_name: str = "fake-bag-of-words",
        max_tokens: int | None = 256,
        *,
        buckets: int | None = None,
        record: bool = True,
    ) -> None:
        self._dimension = dimension
        self._name = model_name
        self._max_tokens = max_tokens
        self._buckets = buckets or dimension
        self._codes = (
            np.eye(dimension, dtype=np.float32)
            if self._buckets == dimension
            else np.random.default_rng(0).standard_normal((self._buckets, dimension)).astype(np.float32)
        )
        self._bucket_of: dict[str, int] = {}
        self._record = record
        self.embedded: list[str] = []  # texts given to embed_passages, when recording
        self.passages_embedded = 0

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
        return len(_WORD.findall(text)) + 2

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if self._record:
            self.embedded.extend(texts)
        self.passages_embedded += len(texts)
        return self._vectors(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)

    def _bucket(self, word: str) -> int:
        bucket = self._bucket_of.get(word)
        if bucket is None:
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            bucket = int.from_bytes(digest, "big") % self._buckets
            if len(self._bucket_of) < 1_000_000:
                self._bucket_of[word] = bucket
        return bucket

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            buckets = [self._bucket(word) for word in _WORD.findall(text.lower())]
            if buckets:
                out[row] = self._codes[buckets].sum(axis=0)
            if not out[row].any():
                out[row, 0] = 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out
