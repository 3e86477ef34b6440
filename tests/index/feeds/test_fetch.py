"""The fetcher's manners and limits, against a server on 127.0.0.1."""

from __future__ import annotations

import itertools

import pytest

from index.errors import FeedError
from index.feeds.fetch import Fetcher, RobotsCache
from index.feeds.options import FetchOptions
from tests.index.feeds.conftest import FAST, LOOPBACK


def test_it_says_who_it_is_and_asks_robots_txt_once_per_host(server):
    server.route("/a", "a")
    server.route("/b", "b")
    robots = RobotsCache()
    options = FetchOptions(
        user_agent="article-qa-bot/test (+mailto:ops@example.org)", host_delay=0, operator_hosts=LOOPBACK
    )
    with Fetcher(options, robots=robots) as fetcher:
        fetcher.get(server.url("/a"))
    with Fetcher(options, robots=robots) as fetcher:  # the next round
        fetcher.get(server.url("/b"))

    assert server.paths() == ["/robots.txt", "/a", "/b"]
    assert {r.headers["user-agent"] for r in server.requests} == {
        "article-qa-bot/test (+mailto:ops@example.org)"
    }


def test_requests_to_one_host_are_spaced_by_the_delay(server):
    server.route("/a", "a")
    with Fetcher(FetchOptions(host_delay=0.3, operator_hosts=LOOPBACK)) as fetcher:
        fetcher.get(server.url("/a"))
        fetcher.get(server.url("/a"))

    times = [request.at for request in server.requests]  # robots.txt, /a, /a
    assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(times))
    assert fetcher.stats.requests == 3 and fetcher.stats.waited_seconds > 0.5


def test_robots_txt_crawl_delay_lengthens_the_pause(server):
    server.route("/robots.txt", "User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain")
    server.route("/a", "a")
    with Fetcher(FetchOptions(host_delay=0.0, operator_hosts=LOOPBACK)) as fetcher:
        fetcher.get(server.url("/a"))
        fetcher.get(server.url("/a"))

    assert server.requests[2].at - server.requests[1].at >= 0.39


def test_an_unreadable_robots_txt_means_nothing_is_fetched_for_now(server):
    server.route("/robots.txt", "oops", status=500)
    server.route("/a", "a")
    with (
        Fetcher(FAST) as fetcher,
        pytest.raises(FeedError, match=r"robots.txt of .* could not be read \(HTTP 500"),
    ):
        fetcher.get(server.url("/a"))

    assert server.paths() == ["/robots.txt"]


def test_conditional_get_and_redirects(server):
    server.route("/old", status=301, headers={"Location": "/feed"})
    server.route("/feed", "<rss/>", etag='"abc"', headers={"Last-Modified": "Thu, 02 May 2024 08:30:00 GMT"})
    with Fetcher(FAST) as fetcher:
        first = fetcher.get(server.url("/old"))
        again = fetcher.get(server.url("/old"), etag=first.etag, last_modified=first.last_modified)

    assert (first.status, first.url, first.body, first.etag) == (200, server.url("/feed"), b"<rss/>", '"abc"')
    assert first.last_modified == "Thu, 02 May 2024 08:30:00 GMT"
    assert again.not_modified and again.body == b""
    assert server.requests[-1].headers["if-modified-since"] == "Thu, 02 May 2024 08:30:00 GMT"


def test_retry_after_is_read_from_a_refusal(server):
    server.route("/busy", "slow down", status=429, headers={"Retry-After": "120"})
    with Fetcher(FAST) as fetcher, pytest.raises(FeedError) as refused:
        fetcher.get(server.url("/busy"))

    assert (refused.value.status, refused.value.retry_after, refused.value.reason) == (
        429,
        120.0,
        "HTTP 429 Too Many Requests",
    )


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/feed", "javascript:alert(1)", "http:///nohost", "feed.xml"],
)
def test_only_http_urls_are_ever_fetched(url, server):
    with Fetcher(FAST) as fetcher, pytest.raises(FeedError):
        fetcher.get(url)
    assert server.requests == []
