"""The index the bot serves: answers in worker threads, swaps in newly published versions safely.

A question in flight keeps the retriever it started with; an old retriever is closed only once
its last question is answered. A new version that fails to load (another model, a bad checksum,
anything) is refused and the last good one keeps serving. Polling never stops on an error: each
distinct error is logged once, and the served version, its age and the last reload error are
kept for operators (/stats, and `qa-index info` through a status file beside the versions).
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass

from index import (
    Answer,
    ArticleIndexError,
    ArticleInfo,
    IndexLocation,
    IndexNotBuiltError,
    Period,
    Retriever,
    write_atomically,
)

_log = logging.getLogger(__name__)

RetrieverFactory = Callable[[], Retriever]


class IndexUnavailableError(Exception):
    """No usable index: carries the sentence to show users."""


@dataclass(frozen=True)
class ServingStatus:
    """What operators see: the version served, since when, and the last reload error (if any)."""

    version: str | None
    loaded_at: float | None
    built_at: str | None
    last_error: str | None
    last_error_at: float | None

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "pid": os.getpid(), "updated_at": time.time()}


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did, in one sentence for the operator."""

    changed: bool
    version: str | None
    message: str


class _Generation:
    """One loaded retriever and how many questions are using it right now."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self.active = 0
        self.retired = False


def missing_collections(expected: Collection[str], present: Collection[str]) -> str | None:
    """A sentence naming the collections QA_CHANNEL_COLLECTIONS asks for that the index lacks (a typo
    there leaves a channel searching nothing), with the likely one meant; None when all are there."""
    missing = sorted(set(expected) - set(present))
    if not missing:
        return None
    named = []
    for name in missing:
        close = difflib.get_close_matches(name, sorted(c for c in present if c), n=1, cutoff=0.6)
        named.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    there = ", ".join(repr(c) for c in sorted(present) if c) or "none: every article is at the top level"
    return (
        f"QA_CHANNEL_COLLECTIONS names {', '.join(named)}, which no article is in; channels given only "
        f"those find nothing. The collections (subfolders of the articles folder) are: {there}"
    )


class LiveIndex:
    """Thread-safe holder of the current retriever, with reload and polling."""

    def __init__(
        self, location: IndexLocation, factory: RetrieverFactory, expected_collections: Collection[str] = ()
    ) -> None:
        self._location = location
        self._factory = factory
        self._expected_collections = frozenset(expected_collections)
        self._lock = threading.Lock()
        self._reload_lock = asyncio.Lock()
        self._current: _Generation | None = None
        self._problem: str | None = None
        self._loaded_at: float | None = None
        self._last_error: str | None = None
        self._last_error_at: float | None = None

    @property
    def version(self) -> str | None:
        current = self._current
        return current.retriever.version if current else None

    @property
    def problem(self) -> str | None:
        """Why there is no index to serve, if there is none."""
        return self._problem if self._current is None else None

    async def answer(
        self,
        question: str,
        k: int,
        *,
        offset: int = 0,
        collections: Collection[str] | None = None,
        window: Period | None = None,
    ) -> Answer:
        """Answer in a worker thread so the event loop (and Discord's heartbeats) never waits."""
        generation = self._acquire()
        try:
            return await asyncio.to_thread(
                generation.retriever.answer,
                question,
                k,
                offset=offset,
                collections=collections,
                window=window,
            )
        finally:
            self._release(generation)

    async def articles(self) -> list[ArticleInfo]:
        generation = self._acquire()
        try:
            return await asyncio.to_thread(generation.retriever.index.database.articles)
        finally:
            self._release(generation)

    async def article_text(self, article_id: str) -> str | None:
        generation = self._acquire()
        try:
            return await asyncio.to_thread(generation.retriever.index.database.article_text, article_id)
        finally:
            self._release(generation)

    async def reload(self, *, force: bool = False) -> ReloadResult:
        """Load the published version if it is new (or always, with force); keep the old one on failure."""
        async with self._reload_lock:
            published = self._location.current_name()
            if published is None:
                return self._unavailable(
                    f"the index has not been built yet: run `qa-index rebuild --index {self._location.root}`"
                )
            if not force and published == self.version:
                return ReloadResult(False, published, f"index {published} is already being served")
            try:
                retriever = await asyncio.to_thread(self._factory)
            except IndexNotBuiltError as error:
                return self._unavailable(str(error))
            except Exception as error:  # any failure to load keeps the last good version serving
                reason = (
                    str(error) if isinstance(error, ArticleIndexError) else f"{type(error).__name__}: {error}"
                )
                if self._current is not None:
                    message = f"refused index {published}: {reason}; still serving {self.version}"
                    self._failed(message)
                    return ReloadResult(False, self.version, message)
                return self._unavailable(f"the index is unusable: {reason}")
            self._swap(retriever)
            self._recovered()
            _log.info("now serving index %s", retriever.version)
            if self._expected_collections:
                present = await asyncio.to_thread(retriever.index.database.collections)
                missing = missing_collections(self._expected_collections, present)
                if missing:
                    _log.warning("index %s: %s", retriever.version, missing)
            return ReloadResult(True, retriever.version, f"now serving index {retriever.version}")

    async def watch(self, interval: float) -> None:
        """Poll for a newly published version every `interval` seconds (cheap: one small file read).

        Never ends on an error: a broken CURRENT, an unreadable folder or a failing load is
        logged once (until it changes) and polling goes on.
        """
        while True:
            await asyncio.sleep(interval)
            try:
                published = self._location.current_name()
                if published != self.version:
                    await self.reload()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._failed(f"cannot check for a new index ({error}); still serving {self.version}")

    def status(self) -> ServingStatus:
        current = self._current
        built_at = current.retriever.index.manifest.created_at if current is not None else None
        return ServingStatus(self.version, self._loaded_at, built_at, self._last_error, self._last_error_at)

    def _failed(self, message: str) -> None:
        """Remember a reload error; log it only when it differs from the last one."""
        if message != self._last_error:
            _log.error("%s", message)
        self._last_error, self._last_error_at = message, time.time()
        self._write_status()

    def _recovered(self) -> None:
        if self._last_error is not None:
            _log.info("index reloads work again")
        self._last_error = self._last_error_at = None
        self._write_status()

    def _write_status(self) -> None:
        """Let `qa-index info` show what the running bot serves (a small JSON file, written atomically)."""
        path = self._location.serving_status
        try:
            write_atomically(path, json.dumps(self.status().to_json()).encode("utf-8"))
        except OSError as error:
            _log.debug("cannot write %s: %s", path, error)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retriever.close()
                self._current = None

    def _unavailable(self, message: str) -> ReloadResult:
        if self._current is None:
            self._problem = message
            self._failed(message)
        return ReloadResult(False, self.version, message)

    def _acquire(self) -> _Generation:
        with self._lock:
            generation = self._current
            if generation is None:
                raise IndexUnavailableError(self._problem or "the index has not been loaded yet")
            generation.active += 1
            return generation

    def _release(self, generation: _Generation) -> None:
        with self._lock:
            generation.active -= 1
            finished = generation.retired and generation.active == 0
        if finished:
            generation.retriever.close()

    def _swap(self, retriever: Retriever) -> None:
        with self._lock:
            old, self._current = self._current, _Generation(retriever)
            self._problem = None
            self._loaded_at = time.time()
            if old is None:
                return
            old.retired = True
            idle = old.active == 0
        if idle:
            old.retriever.close()
