"""What the follower remembers between rounds, in `ARTICLES_DIR/.feeds/state.json` (written atomically).

Per feed: its HTTP validators (ETag, Last-Modified), last success, consecutive failures, when to
try it again, and for each item it has seen the fingerprint of the feed's view of it and the
file it went to. The state lives beside the files it describes (a hidden folder the article
reader skips), so it travels with them: a new or wiped index folder is rebuilt from the
articles without fetching anything again, and deleting the state only costs one full refetch.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.errors import FollowLockedError
from index.files import write_atomically

_log = logging.getLogger(__name__)

STATE_DIR = ".feeds"
STATE_FILE = "state.json"
LOCK_FILE = "follow.lock"
_FORMAT = 1


@dataclass
class ItemState:
    """An item seen in a feed: the fingerprint of the feed's view of it, and its file (if written)."""

    fingerprint: str
    path: str  # relative to the articles folder
    link: str | None = None


@dataclass
class FeedState:
    """One feed's bookkeeping; times are ISO 8601 in UTC."""

    url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    last_success: str | None = None
    last_attempt: str | None = None
    consecutive_failures: int = 0
    next_retry: str | None = None
    last_error: str | None = None
    items: dict[str, ItemState] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedState:
        items = {
            key: ItemState(**value)
            for key, value in (data.get("items") or {}).items()
            if isinstance(value, dict)
        }
        known = {name for name in cls.__dataclass_fields__ if name != "items"}
        return cls(**{key: value for key, value in data.items() if key in known}, items=items)


@dataclass
class FollowState:
    """Every feed's state (by folder), and whether written files still wait for a rebuild."""

    feeds: dict[str, FeedState] = field(default_factory=dict)
    pending_rebuild: bool = False

    @classmethod
    def load(cls, articles_dir: Path) -> FollowState:
        """The saved state; a missing one is empty, an unreadable one is set aside (and logged)."""
        path = state_path(articles_dir)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                feeds={name: FeedState.from_json(value) for name, value in data["feeds"].items()},
                pending_rebuild=bool(data.get("pending_rebuild")),
            )
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            aside = path.with_name(STATE_FILE + ".unreadable")
            os.replace(path, aside)
            _log.warning(
                "feed state %s was unreadable (%s); moved to %s and starting afresh (every feed is fetched "
                "in full once, no article file is lost)",
                path,
                error,
                aside,
            )
            return cls()

    def save(self, articles_dir: Path) -> None:
        data = {"format": _FORMAT, "pending_rebuild": self.pending_rebuild, "feeds": {}}
        data["feeds"] = {name: asdict(feed) for name, feed in sorted(self.feeds.items())}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomically(state_path(articles_dir), text.encode("utf-8"))


def state_path(articles_dir: Path) -> Path:
    return articles_dir / STATE_DIR / STATE_FILE


@contextmanager
def follow_lock(articles_dir: Path) -> Iterator[None]:
    """Hold the follow lock on this articles folder, or refuse at once (the OS frees it if we die)."""
    folder = articles_dir / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / LOCK_FILE).open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise FollowLockedError(
                f"another follow is writing into {articles_dir}: wait for its round to end (or stop it)"
            ) from error
        yield
    finally:
        handle.close()
