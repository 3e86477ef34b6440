"""Vectors already computed, keyed by (model, exact embedded text), so rebuilds embed only what changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from index.records import content_hash


def cache_key(model: str, text: str) -> str:
    return content_hash(model, text)


class EmbeddingCache:
    """A SQLite table of float32 vectors; vectors are raw bytes, never pickles.

    A build looks vectors up batch by batch and marks the keys it uses, so that afterwards
    `forget_unused` can drop the rest without the build ever holding every key in memory.
    """

    def __init__(self, path: Path, dimension: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._dimension = dimension
        self._connection = sqlite3.connect(path)
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dimension INTEGER, vector BLOB)"
        )
        self._connection.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")

    def close(self) -> None:
        self._connection.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, vector FROM vectors WHERE dimension = ? AND key IN ({marks})"
            for key, blob in self._connection.execute(query, [self._dimension, *chunk]):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self._dimension,):
                    found[key] = vector
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = (
            (key, self._dimension, np.ascontiguousarray(vector, dtype=np.float32).tobytes())
            for key, vector in items
        )
        self._connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        self._connection.commit()

    def mark_used(self, keys: Iterable[str]) -> None:
        """Remember keys the index being built uses (kept on disk by SQLite, not in Python)."""
        self._connection.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in keys))

    def forget_unused(self) -> int:
        """Drop vectors no key was marked for since this cache was opened; returns how many."""
        dropped = self._connection.execute(
            "DELETE FROM vectors WHERE key NOT IN (SELECT key FROM used)"
        ).rowcount
        self._connection.commit()
        return int(dropped)
