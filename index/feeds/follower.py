"""Rounds of following with every option built from the settings: what `qa-index follow` and the bot run."""

from __future__ import annotations

import threading

from index.assembly import build_options_from, embedder_from, fetch_options_from, follow_options_from
from index.embed.embedder import Embedder
from index.errors import FeedsConfigError
from index.feeds.config import Feed, load_feeds
from index.feeds.fetch import RobotsCache
from index.feeds.follow import FollowReport, follow_once
from index.settings import IndexSettings


class Follower:
    """Runs rounds with the settings' options; loads the model on the first rebuild and keeps it."""

    def __init__(
        self, settings: IndexSettings, stop: threading.Event, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.stop = stop
        self._embedder = embedder
        self._robots = RobotsCache()

    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = embedder_from(self.settings)
        return self._embedder

    def round(self, feeds: list[Feed]) -> FollowReport:
        settings = self.settings
        return follow_once(
            feeds,
            settings.articles_dir,
            settings.index_dir,
            self.embedder,
            fetch_options=fetch_options_from(settings),
            options=follow_options_from(settings),
            build_options=build_options_from(settings),
            stop=self.stop,
            robots=self._robots,
        )


def feeds_of(settings: IndexSettings) -> list[Feed]:
    """The feeds in the configured file, or the sentence saying how to configure one."""
    if settings.feeds_file is None:
        raise FeedsConfigError(
            "no feeds file: pass --feeds FILE or set QA_FEEDS_FILE (see the README's 'Following feeds')"
        )
    return load_feeds(settings.feeds_file)
