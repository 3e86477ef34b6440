"""One round of following: fetch each feed, write new and changed items as articles, rebuild.

A feed that fails is reported with its reason and tried again after a wait that doubles with
each failure; the other feeds go on. Nothing is ever deleted: an item that leaves its feed, or a
feed that fails, leaves its files where they are; a file a maintainer deleted stays deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from index.build.options import BuildOptions, BuildReport
from index.build.pipeline import rebuild
from index.embed.embedder import Embedder
from index.errors import ArticleIndexError, FeedError
from index.feeds.articles import (
    DATE_ONLY,
    ArticleDraft,
    article_body,
    feed_text,
    page_article,
    slug_for,
    title_from_text,
    write_if_changed,
)
from index.feeds.config import Feed
from index.feeds.fetch import Fetcher, RobotsCache, Stopped
from index.feeds.options import FetchOptions, FollowOptions
from index.feeds.parse import FeedItem, ParsedFeed, iso_date, parse_feed
from index.feeds.state import FeedState, FollowState, ItemState, follow_lock
from index.feeds.timing import backoff_seconds
from index.store.versions import IndexLocation

_log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

FeedStatus = Literal["ok", "not-modified", "failed", "waiting", "stopped"]


@dataclass
class FeedResult:
    """What one round did with one feed."""

    name: str
    url: str
    folder: str
    status: FeedStatus = "ok"
    items_new: int = 0
    items_changed: int = 0
    items_unchanged: int = 0
    items_duplicate: int = 0  # already stored from another feed (same link)
    items_kept_deleted: int = 0  # their file was deleted by hand: not written again
    reason: str | None = None
    retry_at: str | None = None
    warning: str | None = None
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class ItemProblem:
    """An item that could not become an article this round (it is tried again next round)."""

    feed: str
    link: str | None
    reason: str


@dataclass
class FollowReport:
    """One round: every feed's result, the items left out, the rebuild, and where the time went."""

    feeds: list[FeedResult] = field(default_factory=list)
    items_skipped: list[ItemProblem] = field(default_factory=list)
    rebuild: BuildReport | None = None
    rebuild_error: str | None = None
    stopped: bool = False
    requests: int = 0
    bytes_read: int = 0
    fetch_seconds: float = 0.0
    rebuild_seconds: float = 0.0
    seconds: float = 0.0

    def count(self, name: str) -> int:
        return sum(int(getattr(feed, name)) for feed in self.feeds)

    @property
    def failures(self) -> list[FeedResult]:
        return [feed for feed in self.feeds if feed.status == "failed"]

    @property
    def published(self) -> str | None:
        """The index version this round published, if it rebuilt."""
        return self.rebuild.version if self.rebuild else None

    def to_json(self) -> dict[str, Any]:
        written = self.count("items_new") + self.count("items_changed")
        return {
            "feeds": [asdict(feed) for feed in self.feeds],
            **{
                name: self.count(name)
                for name in (
                    "items_new",
                    "items_changed",
                    "items_unchanged",
                    "items_duplicate",
                    "items_kept_deleted",
                )
            },
            "items_skipped": [asdict(problem) for problem in self.items_skipped],
            "failures": [
                {"feed": feed.name, "url": feed.url, "reason": feed.reason, "retry_at": feed.retry_at}
                for feed in self.failures
            ],
            "rebuild": self.rebuild.to_json() if self.rebuild else None,
            "rebuild_error": self.rebuild_error,
            "published": self.published,
            "stopped": self.stopped,
            "requests": self.requests,
            "bytes_read": self.bytes_read,
            "fetch_seconds": round(self.fetch_seconds, 3),
            "fetch_seconds_per_written_item": round(self.fetch_seconds / written, 3) if written else None,
            "rebuild_seconds": round(self.rebuild_seconds, 3),
            "seconds": round(self.seconds, 3),
        }


def follow_once(
    feeds: Sequence[Feed],
    articles_dir: Path,
    index_dir: Path,
    embedder: Callable[[], Embedder],
    *,
    fetch_options: FetchOptions | None = None,
    options: FollowOptions | None = None,
    build_options: BuildOptions | None = None,
    stop: threading.Event | None = None,
    robots: RobotsCache | None = None,
) -> FollowReport:
    """Fetch every feed once, write new and changed items into `articles_dir`, rebuild if anything changed.

    `embedder` is called only when a rebuild is needed, so a round that finds nothing new never
    loads the model. Setting `stop` ends the round at the next request, without a rebuild (the
    written files are rebuilt next round). Pass the same `robots` to every round to ask each host
    for its robots.txt once an hour rather than once a round.
    """
    started = time.perf_counter()
    options = options or FollowOptions()
    stop = stop or threading.Event()
    report = FollowReport()
    articles_dir.mkdir(parents=True, exist_ok=True)
    with follow_lock(articles_dir):
        state = FollowState.load(articles_dir)
        named = frozenset(host for feed in feeds if (host := urlsplit(feed.url).hostname))
        fetching = replace(fetch_options or FetchOptions(), operator_hosts=named)
        with Fetcher(fetching, stop=stop, robots=robots) as fetcher:
            round_ = _Round(articles_dir, state, fetcher, options, report)
            for feed in feeds:
                report.feeds.append(round_.follow(feed) if not stop.is_set() else _stopped(feed))
                state.save(articles_dir)
            report.requests, report.bytes_read = fetcher.stats.requests, fetcher.stats.bytes
        report.fetch_seconds = time.perf_counter() - started
        report.stopped = stop.is_set()
        if report.count("items_new") or report.count("items_changed"):
            state.pending_rebuild = True
            state.save(articles_dir)
        if not report.stopped and (state.pending_rebuild or IndexLocation(index_dir).current_name() is None):
            _rebuild(articles_dir, index_dir, embedder, build_options, state, report)
    report.seconds = time.perf_counter() - started
    return report


def _rebuild(
    articles_dir: Path,
    index_dir: Path,
    embedder: Callable[[], Embedder],
    build_options: BuildOptions | None,
    state: FollowState,
    report: FollowReport,
) -> None:
    started = time.perf_counter()
    try:
        report.rebuild = rebuild(articles_dir, index_dir, embedder(), build_options)
    except ArticleIndexError as error:
        report.rebuild_error = str(error)
        _log.info("rebuild after following feeds failed: %s (tried again next round)", error)
    else:
        state.pending_rebuild = False
        state.save(articles_dir)
    report.rebuild_seconds = time.perf_counter() - started


def _stopped(feed: Feed) -> FeedResult:
    return FeedResult(feed.name, feed.url, feed.folder, status="stopped")


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse_time(text: str) -> datetime:
    """A time from the state file; an unreadable one is in the past (the feed is simply tried)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Round:
    """The feeds of one round, followed one after the other with one fetcher and one state."""

    def __init__(
        self,
        articles_dir: Path,
        state: FollowState,
        fetcher: Fetcher,
        options: FollowOptions,
        report: FollowReport,
    ) -> None:
        self.articles_dir = articles_dir
        self.state = state
        self.fetcher = fetcher
        self.options = options
        self.report = report
        # link → (feed folder, item key) of the item stored from it: the same story in two feeds once.
        self.claims: dict[str, tuple[str, str]] = {
            item.link: (folder, key)
            for folder, feed_state in state.feeds.items()
            for key, item in feed_state.items.items()
            if item.link and (articles_dir / item.path).is_file()
        }

    def follow(self, feed: Feed) -> FeedResult:
        started = time.perf_counter()
        result = FeedResult(feed.name, feed.url, feed.folder)
        feed_state = self.state.feeds.setdefault(feed.folder, FeedState(url=feed.url))
        if feed_state.url != feed.url:  # the feed moved: its validators belong to the old address
            feed_state.url, feed_state.etag, feed_state.last_modified = feed.url, None, None
            feed_state.consecutive_failures, feed_state.next_retry = 0, None
        try:
            self._follow(feed, feed_state, result)
        except Stopped:
            result.status = "stopped"
        except FeedError as error:
            self._failed(feed, feed_state, result, error)
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _follow(self, feed: Feed, feed_state: FeedState, result: FeedResult) -> None:
        now = _now()
        if feed_state.next_retry and now < _parse_time(feed_state.next_retry):
            result.status, result.retry_at = "waiting", feed_state.next_retry
            result.reason = f"failed {feed_state.consecutive_failures} time(s) ({feed_state.last_error})"
            return
        feed_state.last_attempt = _iso(now)
        page = self.fetcher.get(
            feed.url, accept=FEED_ACCEPT, etag=feed_state.etag, last_modified=feed_state.last_modified
        )
        if page.not_modified:
            result.status = "not-modified"
            result.items_unchanged = len(feed_state.items)
        else:
            parsed = parse_feed(page.body, page.content_type, page.url)
            result.warning = parsed.warning
            feed_state.title = parsed.title
            if self._items(feed, parsed, feed_state, result):
                feed_state.etag, feed_state.last_modified = page.etag, page.last_modified
        feed_state.last_success = _iso(_now())
        feed_state.consecutive_failures, feed_state.next_retry, feed_state.last_error = 0, None, None

    def _failed(self, feed: Feed, feed_state: FeedState, result: FeedResult, error: FeedError) -> None:
        feed_state.consecutive_failures += 1
        wait = backoff_seconds(
            feed_state.consecutive_failures, self.options.retry_seconds, self.options.retry_max_seconds
        )
        if error.retry_after is not None:
            wait = max(wait, min(error.retry_after, self.options.retry_max_seconds))
        feed_state.next_retry = _iso(_now() + timedelta(seconds=wait))
        feed_state.last_error = error.reason
        result.status, result.reason, result.retry_at = "failed", error.reason, feed_state.next_retry
        # Info, not a warning: the round's summary (or the bot's feeds task) reports failures once.
        _log.info(
            "feed %s (%s) failed: %s; next try at %s", feed.name, feed.url, error.reason, result.retry_at
        )

    def _items(self, feed: Feed, parsed: ParsedFeed, feed_state: FeedState, result: FeedResult) -> bool:
        """Store the feed's items; True when every item was handled (so the validators can be kept)."""
        seen: dict[str, ItemState] = {}
        complete = True
        try:
            for item in parsed.items[: self.options.max_items]:
                if item.key in seen:
                    continue
                kept = self._item(feed, parsed, item, feed_state.items.get(item.key), result)
                if kept is None:
                    complete = False
                elif kept.path:
                    seen[item.key] = kept
        finally:
            if complete:
                feed_state.items = seen  # items that left the feed are forgotten; their files stay
            else:
                feed_state.items.update(seen)
        return complete

    def _item(
        self, feed: Feed, parsed: ParsedFeed, item: FeedItem, known: ItemState | None, result: FeedResult
    ) -> ItemState | None:
        """Handle one item; returns its new state (an empty path: a duplicate), None if it failed."""
        if item.link:
            owner = self.claims.setdefault(item.link, (feed.folder, item.key))
            if owner != (feed.folder, item.key):
                result.items_duplicate += 1
                return ItemState(item.fingerprint, "", item.link)
        relative = known.path if known else f"{feed.folder}/{slug_for(item)}.txt"
        path = self.articles_dir / relative
        if known is not None and not path.is_file():
            result.items_kept_deleted += 1
            return known
        if known is not None and known.fingerprint == item.fingerprint:
            result.items_unchanged += 1
            return known
        try:
            draft = self._draft(feed, parsed, item)
        except FeedError as error:
            self.report.items_skipped.append(ItemProblem(feed.name, item.link, error.reason))
            if item.link and self.claims.get(item.link) == (feed.folder, item.key) and known is None:
                del self.claims[item.link]
            return None
        outcome = write_if_changed(path, draft.file_text())
        if outcome == "unchanged":
            result.items_unchanged += 1
        else:
            result.written.append(relative)
            if outcome == "new":
                result.items_new += 1
            else:
                result.items_changed += 1
        return ItemState(item.fingerprint, relative, item.link)

    def _draft(self, feed: Feed, parsed: ParsedFeed, item: FeedItem) -> ArticleDraft:
        """The article for an item: its page's main text, or the feed's own text when that is longer."""
        page_problem = "the item has no link"
        page_text, page_title, page_date = "", None, None
        if item.link:
            try:
                page = self.fetcher.get(item.link, accept=PAGE_ACCEPT)
                extracted = page_article(page)
                if extracted is None:
                    page_problem = f"its page is {page.content_type or 'untyped'}, not an HTML article"
                else:
                    page_text, page_title, page_date = extracted.text, extracted.title, extracted.date
            except FeedError as error:
                page_problem = f"its page could not be fetched ({error.reason})"
        own_text = feed_text(item)
        text = page_text if len(page_text) >= len(own_text) else own_text
        title = item.title or page_title or title_from_text(text)
        if not article_body(text, title):
            raise FeedError(f"no text: {page_problem}, and the feed gives none")
        date = item.date or item.updated or (page_date if page_date and DATE_ONLY.match(page_date) else None)
        if date is None and page_date:
            date = iso_date(page_date)
        return ArticleDraft(
            title=title,
            text=text,
            url=item.link,
            date=date,
            source=feed.source or parsed.title or feed.name,
        )
