"""The records that flow through the pipeline: articles, passages and search hits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(*parts: str) -> str:
    """A stable sha256 hex digest of text parts (joined with a separator no text contains)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


@dataclass(frozen=True)
class Article:
    """One article: its exact text (quotes are slices of it) and where it came from."""

    id: str
    title: str
    text: str
    path: str
    url: str | None = None
    date: str | None = None
    source: str | None = None
    collection: str = ""
    hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.hash:
            object.__setattr__(self, "hash", content_hash(self.title, self.text))


@dataclass(frozen=True)
class SkippedFile:
    """A file (or one record in it) that the build left out, and why."""

    path: str
    reason: str
    line: int | None = None

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ArticleWarning:
    """An article that was kept, with something its maintainer should know (a link dropped, ...)."""

    path: str
    message: str
    line: int | None = None

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Passage:
    """A slice of an article's text: `text == article.text[start:end]`."""

    article_id: str
    position: int
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.article_id}#{self.position}"
