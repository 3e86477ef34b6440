"""Fixtures for the feed tests: a loopback web server, and fetch options fit for it (no pauses)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.feed_server import FeedServer
from index.feeds.options import FetchOptions, FollowOptions

# Short limits so misbehaving servers are caught quickly; no pause between requests to one host.
# The test server is on 127.0.0.1: as a host named in a feeds file would be, it may be local.
LOOPBACK = frozenset({"127.0.0.1"})
FAST = FetchOptions(timeout=1.0, max_bytes=200_000, host_delay=0.0, operator_hosts=LOOPBACK)
RETRY = FollowOptions(max_items=20, retry_seconds=60.0, retry_max_seconds=3600.0)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running
