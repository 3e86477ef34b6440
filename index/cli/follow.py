"""`qa-index follow`: fetch the feeds in feeds.toml into the articles folder and rebuild, once or every N."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from index.cli.app import EXIT_FAILURE, EXIT_OK, Command, index_arguments
from index.errors import ArticleIndexError, FeedsConfigError
from index.feeds.config import Feed
from index.feeds.follow import FeedResult, FollowReport
from index.feeds.follower import Follower, feeds_of
from index.feeds.timing import DurationError, format_duration, parse_duration
from index.settings import IndexSettings

_log = logging.getLogger(__name__)


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except DurationError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _arguments(parser: argparse.ArgumentParser) -> None:
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--once", action="store_true", help="fetch every feed once, rebuild, and exit")
    when.add_argument(
        "--every",
        type=_duration,
        metavar="DURATION",
        help="a round every DURATION (30s, 15m, 1h) until interrupted (Ctrl-C, SIGTERM)",
    )
    parser.add_argument(
        "--feeds", dest="feeds_file", type=Path, metavar="FILE", help="feeds file (default QA_FEEDS_FILE)"
    )
    parser.add_argument(
        "--articles",
        dest="articles_dir",
        type=Path,
        metavar="DIR",
        help="articles folder (default QA_ARTICLES_DIR)",
    )
    index_arguments(parser)


def _follow(args: argparse.Namespace, settings: IndexSettings) -> int:
    feeds = feeds_of(settings)  # a bad file fails now, before any request
    stop = threading.Event()
    follower = Follower(settings, stop)
    with _stop_on_signals(stop):
        if args.once:
            report = follower.round(feeds)
            _print(report, args.json)
            return _exit_code(report)
        return _follow_every(follower, feeds, args.every, args.json)


def _follow_every(follower: Follower, feeds: list[Feed], interval: float, as_json: bool) -> int:
    _log.info("following %d feeds every %s; Ctrl-C to stop", len(feeds), format_duration(interval))
    while not follower.stop.is_set():
        try:
            feeds = feeds_of(follower.settings)  # edits to the file apply from the next round
        except FeedsConfigError as error:
            _log.error("%s; keeping the %d feeds read before", error, len(feeds))
        try:
            _print(follower.round(feeds), as_json)
        except ArticleIndexError as error:
            _log.error("this round failed: %s; trying again in %s", error, format_duration(interval))
        follower.stop.wait(interval)
    print("stopped following feeds", file=sys.stderr)
    return EXIT_OK


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT or SIGTERM ends the round at the next request (files written so far are kept); a second
    one interrupts at once (a rebuild in progress is abandoned, the published index left as it was)."""

    def handle(number: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        _log.warning("stopping after the current request (signal %d again to stop at once)", number)
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, handle) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _exit_code(report: FollowReport) -> int:
    """Failure when the rebuild failed or no feed could be read at all; a few failing feeds are reported."""
    read = any(feed.status in ("ok", "not-modified") for feed in report.feeds)
    return EXIT_FAILURE if report.rebuild_error or (report.failures and not read) else EXIT_OK


def _print(report: FollowReport, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False), flush=True)
    else:
        print(summary_text(report), flush=True)


def summary_text(report: FollowReport) -> str:
    """The human summary of a round: totals, one line per feed, items left out, the rebuild."""
    lines = [
        f"followed {len(report.feeds)} feeds in {report.seconds:.1f} s: {report.count('items_new')} new, "
        f"{report.count('items_changed')} changed, {report.count('items_unchanged')} unchanged, "
        f"{report.count('items_duplicate')} already stored from another feed"
        + (" (stopped early)" if report.stopped else "")
    ]
    lines.extend(f"  {_feed_line(feed)}" for feed in report.feeds)
    lines.extend(
        f"  item {item.link or '(no link)'} of {item.feed} left out: {item.reason}"
        for item in report.items_skipped
    )
    if report.rebuild is not None:
        build = report.rebuild
        lines.append(
            f"published index version {build.version}: {build.articles} articles, {build.passages} passages; "
            f"embedded {build.passages_embedded} passages in {report.rebuild_seconds:.1f} s"
        )
    elif report.rebuild_error:
        lines.append(f"rebuild failed: {report.rebuild_error} (the files are kept; tried again next round)")
    else:
        lines.append("nothing new: the index was left as it was")
    return "\n".join(lines)


def _feed_line(feed: FeedResult) -> str:
    if feed.status == "failed":
        return f"{feed.name}: failed: {feed.reason}; next try at {feed.retry_at}"
    if feed.status == "waiting":
        return f"{feed.name}: waiting until {feed.retry_at} after it {feed.reason}"
    counts = f"{feed.items_new} new, {feed.items_changed} changed, {feed.items_unchanged} unchanged"
    extra = [
        f"{feed.items_duplicate} duplicate" if feed.items_duplicate else "",
        f"{feed.items_kept_deleted} deleted by hand, not written again" if feed.items_kept_deleted else "",
        f"warning: {feed.warning}" if feed.warning else "",
    ]
    return f"{feed.name}: {feed.status}, {counts}" + "".join(f"; {part}" for part in extra if part)


FOLLOW = Command(
    "follow",
    "fetch the feeds in feeds.toml into the articles folder and rebuild (--once, or --every 15m)",
    _follow,
    _arguments,
)
