"""Vectors already computed, keyed by (model, exact embedded text), so rebuilds embed only what changed.

A build never writes into the cache while it runs: vectors it computes go to a pending file of
its own, merged into the cache in one transaction once its version is published. A build that
fails leaves the cache exactly as it was. Its pending file is kept when it was killed or
interrupted (the next build reads it, so no embedding is computed twice) and deleted when the
disk is full. A cache that cannot be read is moved aside and replaced by an empty one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from index.records import content_hash

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dimension INTEGER, vector BLOB)"
_CHUNK = 500  # keys per SQL query (SQLite allows 999 parameters by default)


def cache_key(model: str, text: str) -> str:
    return content_hash(model, text)


class UnreadableCacheError(Exception):
    """The cache file exists but is not a readable SQLite database."""


class EmbeddingCache:
    """Looks vectors up in the cache (and a read-only seed cache), keeps new ones pending.

    Vectors are raw float32 bytes in SQLite, never pickles. The build marks the keys it uses, so
    `commit` can drop the rest from the cache without ever holding every key in memory.
    """

    def __init__(self, path: Path, dimension: int, pending: Path, *, seeds: Sequence[Path] = ()) -> None:
        self.path = path
        self.pending_path = pending
        self._dimension = dimension
        pending.unlink(missing_ok=True)
        pending.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(pending.resolve().as_uri(), uri=True)
        self._connection.execute("PRAGMA journal_mode = OFF")  # a scratch file, deleted on failure
        self._connection.execute(_SCHEMA.replace("vectors", "fresh"))
        self._connection.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
        self._sources: list[str] = []  # attached databases, the cache first, then read-only seeds
        if path.is_file():
            try:
                self._attach(path, "cache", "vectors")
            except sqlite3.Error as error:
                self.close()
                raise UnreadableCacheError(f"{path} ({error})") from error
        for number, seed in enumerate(seeds):
            if seed.is_file() and seed.resolve() != path.resolve():
                with contextlib.suppress(sqlite3.Error):  # a seed only saves work: skip a bad one
                    self._attach(seed, f"seed{number}", "fresh" if seed.name.startswith(".") else "vectors")

    def _attach(self, path: Path, name: str, table: str) -> None:
        """Attach a database read-only; refuse one that is not readable and consistent."""
        self._connection.commit()  # ATTACH cannot run inside a transaction
        self._connection.execute(f"ATTACH DATABASE ? AS {name}", (path.resolve().as_uri() + "?mode=ro",))
        try:
            self._connection.execute(f"SELECT key FROM {name}.{table} LIMIT 1").fetchall()
            if self._connection.execute(f"PRAGMA {name}.quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("the integrity check failed")
        except sqlite3.Error:
            self._connection.execute(f"DETACH DATABASE {name}")
            raise
        self._sources.append(f"{name}.{table}")

    def close(self) -> None:
        self._connection.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors already known for these keys: this build's new ones, the cache, the seed."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = [key for key in keys[start : start + _CHUNK] if key not in found]
            for table in ["main.fresh", *self._sources]:
                if not chunk:
                    break
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, vector FROM {table} WHERE dimension = ? AND key IN ({marks})"
                hits = {
                    key: vector
                    for key, blob in self._connection.execute(query, [self._dimension, *chunk])
                    if (vector := np.frombuffer(blob, dtype=np.float32)).shape == (self._dimension,)
                }
                if hits and not table.startswith(("main.", "cache.")):
                    self.put_many(hits.items())  # from a seed: the cache keeps it from now on
                found.update(hits)
                chunk = [key for key in chunk if key not in found]
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Keep new vectors pending (they reach the cache only with `commit`)."""
        rows = (
            (key, self._dimension, np.ascontiguousarray(vector, dtype=np.float32).tobytes())
            for key, vector in items
        )
        self._connection.executemany("INSERT OR REPLACE INTO fresh VALUES (?, ?, ?)", rows)
        self._connection.commit()

    def mark_used(self, keys: Iterable[str]) -> None:
        """Remember keys the index being built uses (kept on disk by SQLite, not in Python)."""
        self._connection.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in keys))

    def commit(self) -> int:
        """Make the cache hold exactly the vectors this build used; returns how many it dropped.

        One transaction: the cache is either as it was or fully updated, never half written.
        """
        self._connection.commit()  # ATTACH and DETACH cannot run inside a transaction
        if "cache.vectors" in self._sources:
            self._connection.execute("DETACH DATABASE cache")
            self._sources.remove("cache.vectors")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection.execute("ATTACH DATABASE ? AS cache", (self.path.resolve().as_uri(),))
        try:
            with self._connection:
                self._connection.execute(_SCHEMA.replace("vectors", "cache.vectors"))
                dropped = self._connection.execute(
                    "DELETE FROM cache.vectors WHERE key NOT IN (SELECT key FROM used)"
                ).rowcount
                self._connection.execute("INSERT OR REPLACE INTO cache.vectors SELECT * FROM main.fresh")
        finally:
            self._connection.execute("DETACH DATABASE cache")
        return int(dropped)

    def discard(self) -> None:
        """Close and delete the pending vectors (the cache itself is untouched)."""
        self.close()
        self.pending_path.unlink(missing_ok=True)

    def keep_for_next_build(self) -> None:
        """Close, leaving the pending vectors for the next build to read (after a kill or Ctrl-C)."""
        self._connection.commit()
        self.close()
