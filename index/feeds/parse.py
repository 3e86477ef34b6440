"""Feed documents → `FeedItem` records: RSS and Atom through feedparser (its one import), JSON Feed here.

Whatever a feed says is untrusted: links must be absolute http(s) URLs (relative ones are
resolved against the feed), titles become one plain line, dates become ISO 8601 in UTC or
nothing, and a document that is not a feed is refused with a reason a maintainer can act on.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from index.errors import FeedError
from index.feeds.config import url_problem
from index.records import content_hash

_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_JSON_TYPES = ("application/feed+json", "application/json")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_ALTERNATE = re.compile(
    r"<link\b[^>]*\btype=[\"']?application/(?:rss|atom|feed)\+(?:xml|json)[^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"\bhref=[\"']?([^\"' >]+)", re.IGNORECASE)
# Not an error in the document: feedparser notes them, and the items are fine.
_HARMLESS = ("CharacterEncodingOverride", "NonXMLContentType")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, as far as the feed tells: where its page is, its title, dates and text."""

    key: str  # identity within the feed: its guid / id, else its link, else a hash of its text
    link: str | None  # absolute http(s) URL of the item's page
    title: str
    date: str | None  # publication date, ISO 8601 in UTC
    updated: str | None
    content: str  # the feed's own text for the item (its full content, else its summary)
    content_is_html: bool

    @property
    def fingerprint(self) -> str:
        """Changes whenever the feed's view of the item changes: then its page is fetched again."""
        return content_hash(
            self.key, self.link or "", self.title, self.date or "", self.updated or "", self.content
        )


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title and its usable items, with a warning when the document needed repairs."""

    title: str | None
    items: list[FeedItem]
    warning: str | None = None


def parse_feed(body: bytes, content_type: str, url: str) -> ParsedFeed:
    """The items of an RSS, Atom or JSON Feed document served at `url`, or a `FeedError` saying why not."""
    start = body.lstrip()[:1]
    if content_type in _JSON_TYPES or start == b"{":
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, content_type, url)


# --- RSS and Atom -------------------------------------------------------------------------


def _parse_xml_feed(body: bytes, content_type: str, url: str) -> ParsedFeed:
    parsed = feedparser.parse(
        body,
        response_headers={"content-type": content_type or "application/xml", "content-location": url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and type(problem).__name__ in _HARMLESS:
        problem = None
    if not parsed.get("version"):
        raise FeedError(_not_a_feed(body, content_type, url, problem))
    items = [item for entry in parsed.entries if (item := _xml_item(entry, url)) is not None]
    title = _one_line(parsed.feed.get("title", ""), parsed.feed.get("title_detail")) or None
    if problem is not None:
        if not items:
            raise FeedError(f"malformed XML ({problem}): the feed has no readable item")
        return ParsedFeed(title, items, f"malformed XML ({problem}); read {len(items)} items anyway")
    return ParsedFeed(title, items)


def _xml_item(entry: Any, feed_url: str) -> FeedItem | None:
    link = _http_link(entry.get("link"), feed_url)
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value", "")))
        content, kind = best["value"], best.get("type", "text/html")
    else:
        detail = entry.get("summary_detail") or {}
        content, kind = entry.get("summary") or "", detail.get("type", "text/html")
    title = _one_line(entry.get("title", ""), entry.get("title_detail"))
    return _item(
        entry.get("id") or None,
        link,
        title,
        # dict.get: feedparser's own get maps a missing updated_parsed to published_parsed, with a warning.
        iso_date(dict.get(entry, "published_parsed")),
        iso_date(dict.get(entry, "updated_parsed")),
        content.strip(),
        kind != "text/plain",
    )


def _not_a_feed(body: bytes, content_type: str, url: str, problem: object) -> str:
    head = body[:4096].lower()
    if content_type in ("text/html", "application/xhtml+xml") or b"<html" in head:
        found = _ALTERNATE.search(body[:200_000].decode("utf-8", errors="replace"))
        href = _HREF.search(found.group(0)) if found else None
        if href:
            feed = urljoin(url, href.group(1))
            return f"not a feed but an HTML page; it links to a feed at {feed}: use that url"
        return "not a feed but an HTML page: use the address of the feed itself (RSS, Atom or JSON Feed)"
    if problem is not None:
        return f"malformed XML ({problem}): not a readable feed"
    return f"not a feed (no RSS, Atom or JSON Feed in a {content_type or 'untyped'} response)"


# --- JSON Feed ----------------------------------------------------------------------------


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"malformed JSON ({error}): not a readable feed") from error
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        raise FeedError("not a feed (JSON without a JSON Feed version)")
    entries = data.get("items")
    if not isinstance(entries, list):
        raise FeedError("malformed JSON Feed: 'items' is not a list")
    items = [item for entry in entries if isinstance(entry, dict) and (item := _json_item(entry, url))]
    title = data.get("title")
    return ParsedFeed(_one_line(title, None) or None if isinstance(title, str) else None, items)


def _json_item(entry: dict[str, Any], feed_url: str) -> FeedItem | None:
    def text(name: str) -> str:
        value = entry.get(name)
        return value.strip() if isinstance(value, str) else ""

    if text("content_html"):
        content, is_html = text("content_html"), True
    elif text("content_text"):
        content, is_html = text("content_text"), False
    else:
        content, is_html = text("summary"), False
    identity = entry.get("id")
    return _item(
        str(identity) if isinstance(identity, str | int) and str(identity).strip() else None,
        _http_link(text("url") or text("external_url"), feed_url),
        _one_line(text("title"), None),
        iso_date(text("date_published") or None),
        iso_date(text("date_modified") or None),
        content,
        is_html,
    )


# --- shared -------------------------------------------------------------------------------


def _item(
    identity: str | None,
    link: str | None,
    title: str,
    date: str | None,
    updated: str | None,
    content: str,
    is_html: bool,
) -> FeedItem | None:
    """An item worth following: it has a page to fetch or text of its own."""
    if link is None and not content:
        return None
    key = identity.strip() if identity and identity.strip() else link or content_hash(title, content)
    return FeedItem(key, link, title, date, updated, content, is_html)


def _http_link(value: object, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    link = urljoin(base, value.strip())
    return None if url_problem(link) else link


def _one_line(value: object, detail: Any) -> str:
    """A title as one plain line: tags dropped from HTML titles, entities decoded, spaces collapsed."""
    if not isinstance(value, str):
        return ""
    if detail is not None and detail.get("type") in ("text/html", "application/xhtml+xml"):
        value = _TAG.sub("", value)
    return _SPACE.sub(" ", html.unescape(value)).strip()


def iso_date(value: object) -> str | None:
    """A feed's date (feedparser's UTC struct_time, ISO 8601 or RFC 822 text) as ISO 8601 in UTC, or None."""
    moment: datetime | None = None
    try:
        if isinstance(value, time.struct_time):
            moment = datetime(*value[:5], min(value.tm_sec, 59), tzinfo=UTC)
        elif isinstance(value, str) and value.strip():
            moment = _parse_date_text(value.strip())
    except (ValueError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError):
        return None


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
