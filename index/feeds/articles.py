"""A feed item → an article file the folder reader already accepts, named stably, written atomically.

The file is a `.txt` with `title:`, `url:`, `date:` and `source:` lines, a blank line, then the
text: a maintainer can read it, edit it or delete it, and the index can always be rebuilt from
the folder alone. Its name is `<words>-<hash>.txt`: the words come from the item's link (else its
title) so a person can tell files apart, the hash from the item's identity (its guid, else its
link), so the same item keeps the same file even when its title changes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from index.feeds.fetch import Page
from index.feeds.parse import FeedItem
from index.files import write_atomically
from index.ingest.decode import decode
from index.ingest.html_page import HtmlText, extract_html
from index.ingest.origin import Skip
from index.ingest.plain_text import trim_blank_lines

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_SLUG_WORDS = 60
_TITLE_FROM_TEXT = 120
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

WriteOutcome = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class ArticleDraft:
    """What an article file holds: one-line metadata, then the text."""

    title: str
    text: str
    url: str | None = None
    date: str | None = None
    source: str | None = None

    def file_text(self) -> str:
        """The `.txt` form: header lines (only those with a value), a blank line, the text."""
        title = one_line(self.title)
        header = [
            f"{key}: {_header_value(value)}"
            for key, value in (
                ("title", title),
                ("url", self.url),
                ("date", self.date),
                ("source", self.source),
            )
            if value and one_line(value)
        ]
        return "\n".join(header) + "\n\n" + article_body(self.text, title) + "\n"


def article_body(text: str, title: str) -> str:
    """The text as the reader will keep it: clean lines, no blank edges, no repeated title line."""
    body = trim_blank_lines(clean_text(text))
    first, _, rest = body.partition("\n")
    if first.strip() == title:
        body = trim_blank_lines(rest)
    return body


def clean_text(text: str) -> str:
    """Text with "\\n" line endings and no control characters (they would make the file look binary)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(value: str) -> str:
    """A value fit for a header line: control characters and line breaks become single spaces."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", value)).strip()


def _header_value(value: str) -> str:
    line = one_line(value)
    # The reader strips one pair of matching quotes around a value: protect a value that has them.
    if len(line) >= 2 and line[0] == line[-1] and line[0] in "\"'":
        return f'"{line}"'
    return line


def slug_for(item: FeedItem) -> str:
    """The item's stable file stem: readable words from its link (or title) and a hash of its identity."""
    digest = hashlib.sha256(item.key.encode("utf-8")).hexdigest()[:10]
    words = _words(_link_words(item.link)) or _words(item.title) or "item"
    return f"{words}-{digest}"


def _link_words(link: str | None) -> str:
    if not link:
        return ""
    segments = [segment for segment in urlsplit(link).path.split("/") if segment]
    candidate = _FILE_EXTENSION.sub("", segments[-1]) if segments else ""
    # A bare number or a short code says nothing to a person: fall back to the title.
    return candidate if len(re.sub(r"[^A-Za-z]", "", candidate)) >= 3 else ""


def _words(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:_SLUG_WORDS].rstrip("-")


# --- the text of an item ------------------------------------------------------------------


def page_article(page: Page) -> HtmlText | None:
    """Main text and metadata of a fetched page; None when it is not HTML or holds no text."""
    untyped_html = not page.content_type and b"<html" in page.body[:2048].lower()
    if page.content_type not in _HTML_TYPES and not untyped_html:
        return None
    return extract_html(_page_html(page))


def _page_html(page: Page) -> str:
    if page.charset:
        try:
            return page.body.decode(page.charset, errors="replace")
        except LookupError:
            pass
    try:
        return decode(page.body, html=True)
    except Skip:
        return page.body.decode("utf-8", errors="replace")


def feed_text(item: FeedItem) -> str:
    """The feed's own text for the item, as plain text."""
    if not item.content:
        return ""
    if not item.content_is_html:
        return item.content
    extracted = extract_html(f"<html><body>{item.content}</body></html>")
    return extracted.text if extracted else ""


def title_from_text(text: str) -> str:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return first if len(first) <= _TITLE_FROM_TEXT else first[: _TITLE_FROM_TEXT - 1].rstrip() + "…"


# --- files --------------------------------------------------------------------------------


def write_if_changed(path: Path, text: str) -> WriteOutcome:
    """Write `text` to `path` atomically unless it already holds exactly that."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return "unchanged"
        outcome: WriteOutcome = "changed"
    except FileNotFoundError:
        outcome = "new"
    write_atomically(path, data)
    return outcome
