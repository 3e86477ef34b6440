"""The running bot follows the feeds in QA_FEEDS_FILE: a round every QA_FEEDS_POLL_SECONDS in a worker thread.

Each round re-reads the feeds file (edits apply without a restart), writes new and changed items
into the articles folder and rebuilds; the published version is then loaded at once, the same way
the index watcher loads one. A failing round is logged once (again only if the reason changes)
and tried at the next interval; closing the bot stops the round at its next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from bot.live_index import LiveIndex
from bot.settings import BotSettings
from index import ArticleIndexError, Embedder

if TYPE_CHECKING:
    from index.feeds.follow import FollowReport

_log = logging.getLogger(__name__)


class FeedsTask:
    """The background task that follows feeds for the bot; `start` in setup_hook, `close` on shutdown."""

    def __init__(self, settings: BotSettings, embedder: Embedder, live: LiveIndex) -> None:
        # Imported here: a bot without feeds never loads the write side (trafilatura, lxml, httpx).
        from index.feeds.follower import Follower

        self._settings = settings
        self._live = live
        self._stop = threading.Event()
        # The bot's own model: a second copy would double the memory.
        self._follower = Follower(settings, self._stop, embedder)
        self._task: asyncio.Task[None] | None = None
        self._last_problem: str | None = None
        self.rounds = 0
        self.last_report: FollowReport | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="follow-feeds")

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        interval = self._settings.feeds_poll_seconds
        _log.info("following the feeds in %s every %g s", self._settings.feeds_file, interval)
        while not self._stop.is_set():
            await self.follow_once()
            await asyncio.sleep(interval)

    async def follow_once(self) -> FollowReport | None:
        """One round in a worker thread; the new index version, if any, is served when it returns."""
        try:
            report = await asyncio.to_thread(self._round)
        except ArticleIndexError as error:
            self._problem(str(error))
            return None
        except Exception as error:  # a bug in one round must not end the bot or the next rounds
            self._problem(f"{type(error).__name__}: {error}", exc_info=error)
            return None
        finally:
            self.rounds += 1
        self.last_report = report
        problems = [f"{feed.name}: {feed.reason}" for feed in report.failures]
        if report.rebuild_error:
            problems.append(f"rebuild: {report.rebuild_error}")
        self._problem("; ".join(problems) or None)
        if report.published:
            _log.info(
                "feeds: %d new and %d changed items; index %s published",
                report.count("items_new"),
                report.count("items_changed"),
                report.published,
            )
            await self._live.reload()
        return report

    def _round(self) -> FollowReport:
        from index.feeds.follower import feeds_of

        return self._follower.round(feeds_of(self._settings))

    def _problem(self, problem: str | None, exc_info: BaseException | None = None) -> None:
        """Log a problem when it first appears or changes, and once when it is gone."""
        if problem == self._last_problem:
            return
        if problem is None:
            _log.info("feeds: every feed read again")
        else:
            every = self._settings.feeds_poll_seconds
            _log.warning("feeds: %s (tried again every %g s)", problem, every, exc_info=exc_info)
        self._last_problem = problem


def feeds_task_from(settings: BotSettings, embedder: Embedder, live: LiveIndex) -> FeedsTask | None:
    """The task the settings ask for: none unless QA_FEEDS_FILE is set and the interval is not 0."""
    if settings.feeds_file is None or settings.feeds_poll_seconds <= 0:
        return None
    return FeedsTask(settings, embedder, live)


def check_feeds_file(settings: BotSettings) -> None:
    """At start-up a configured feeds file must be valid: a problem is one sentence, not a later log line."""
    if settings.feeds_file is not None and settings.feeds_poll_seconds > 0:
        from index.feeds.config import load_feeds

        load_feeds(settings.feeds_file)
