"""feeds.toml: the feeds to follow, validated into `Feed` records with one-sentence errors.

[[feed]]
name = "lemonde-international"           # its folder: letters, digits, '-', '_', '.'
url = "https://www.lemonde.fr/international/rss_full.xml"
collection = "world"                     # optional: ARTICLES_DIR/world/lemonde-international/
source = "Le Monde"                      # optional: shown with quotes (default: the feed's title)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from index.errors import FeedsConfigError

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
NAME_RULE = "1 to 64 letters (a-z, A-Z), digits, '-', '_' or '.', starting with a letter or a digit"
_KEYS = ("name", "url", "collection", "source")


@dataclass(frozen=True)
class Feed:
    """One feed to follow, and the folder (relative to the articles folder) its items go to."""

    name: str
    url: str
    collection: str | None = None
    source: str | None = None

    @property
    def folder(self) -> str:
        """`collection/name`, or `name` alone (which then is the collection, as the index sees it)."""
        return f"{self.collection}/{self.name}" if self.collection else self.name


class _FeedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    url: str
    collection: str | None = None
    source: str | None = None

    @field_validator("name", "collection")
    @classmethod
    def _safe_folder_name(cls, value: str | None) -> str | None:
        if value is not None and not is_safe_name(value):
            raise ValueError(f"{value!r} is not a safe folder name: use {NAME_RULE}")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("source")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and (not value or "\n" in value or "\r" in value):
            raise ValueError("source must be one non-empty line")
        return value


def is_safe_name(name: str) -> bool:
    """A name usable as one folder on every system: no separators, not hidden, not '.' or '..'."""
    return bool(_SAFE_NAME.match(name)) and name not in (".", "..")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched (only absolute http(s) URLs with a host can), or None."""
    if not url or any(character.isspace() for character in url):
        return f"{url!r} is not a URL: write it without spaces, e.g. https://example.org/feed.xml"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return f"{url!r} is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{url!r} is not an http(s) URL: only http:// and https:// feeds are fetched"
    if not parts.hostname:
        return f"{url!r} has no host: write the full address, e.g. https://example.org/feed.xml"
    if parts.username is not None or parts.password is not None:
        return f"{url!r} carries a user name or password: those are not supported in feed URLs"
    return None


def load_feeds(path: Path) -> list[Feed]:
    """The feeds listed in `path`, or a `FeedsConfigError` naming the file, the entry and the fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FeedsConfigError(
            f"feeds file {path} does not exist: create it with [[feed]] tables (name, url), "
            "or set QA_FEEDS_FILE / --feeds to the right file"
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise FeedsConfigError(
            f"feeds file {path} cannot be read ({error}): check its permissions"
        ) from error
    except tomllib.TOMLDecodeError as error:
        raise FeedsConfigError(f"feeds file {path} is not valid TOML ({error}): fix the syntax") from error
    return parse_feeds(data, path)


def parse_feeds(data: dict[str, Any], path: Path) -> list[Feed]:
    """Validate the parsed TOML: a non-empty list of [[feed]] tables with unique folders and URLs."""
    unknown = sorted(key for key in data if key != "feed")
    if unknown:
        raise FeedsConfigError(
            f"feeds file {path}: unknown top-level key {unknown[0]!r}: list feeds as [[feed]] tables"
        )
    entries = data.get("feed")
    if not isinstance(entries, list) or not entries:
        raise FeedsConfigError(f"feeds file {path} lists no feeds: add [[feed]] tables with a name and a url")
    feeds = [_feed(entry, number, path) for number, entry in enumerate(entries, 1)]
    _check_unique(feeds, path)
    return feeds


def _feed(entry: object, number: int, path: Path) -> Feed:
    where = f"feeds file {path}, feed {number}"
    if not isinstance(entry, dict):
        raise FeedsConfigError(f"{where} is not a table: write it as [[feed]] with name = ... and url = ...")
    if isinstance(entry.get("name"), str):
        where += f" ({entry['name']!r})"
    try:
        parsed = _FeedEntry.model_validate(entry)
    except ValidationError as error:
        raise FeedsConfigError(f"{where}: {_problem(error)}") from error
    return Feed(name=parsed.name, url=parsed.url, collection=parsed.collection, source=parsed.source)


def _problem(error: ValidationError) -> str:
    item = error.errors()[0]
    field = ".".join(str(part) for part in item["loc"]) or "entry"
    if item["type"] == "missing":
        return f"{field} is missing: every feed needs a name and a url"
    if item["type"] == "extra_forbidden":
        return f"unknown key {field!r}: a feed has only {', '.join(_KEYS)}"
    message = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "string_type":
        return f"{field} must be a string in quotes"
    return f"{field}: {message}"


def _check_unique(feeds: list[Feed], path: Path) -> None:
    folders: dict[str, int] = {}
    urls: dict[str, int] = {}
    for number, feed in enumerate(feeds, 1):
        key = feed.folder.lower()  # two names differing in case share a folder on some systems
        if key in folders:
            raise FeedsConfigError(
                f"feeds file {path}, feed {number} ({feed.name!r}) uses the same folder as feed "
                f"{folders[key]}: give each feed its own name"
            )
        if feed.url in urls:
            raise FeedsConfigError(
                f"feeds file {path}, feed {number} ({feed.name!r}) repeats the url of feed {urls[feed.url]}: "
                "list each feed once"
            )
        nested = next(
            (n for f, n in folders.items() if key.startswith(f + "/") or f.startswith(key + "/")), None
        )
        if nested is not None:
            raise FeedsConfigError(
                f"feeds file {path}, feed {number} ({feed.name!r}) has its folder {feed.folder!r} inside "
                f"feed {nested}'s folder (or around it): choose a collection that is no feed's name"
            )
        folders[key] = number
        urls[feed.url] = number
