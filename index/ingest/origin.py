"""Where an article comes from, and how a file or one record in it is left out with a reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from index.records import Article, SkippedFile


class Skip(Exception):
    """Raised while reading a file: the whole file (or one record) is left out for `reason`."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class Origin:
    """The file an article comes from, as seen from the articles folder."""

    path: str

    @property
    def collection(self) -> str:
        head, _, rest = self.path.partition("/")
        return head if rest else ""

    def article(self, article_id: str, title: str, text: str, meta: dict[str, str]) -> Article:
        return Article(
            id=article_id,
            title=title,
            text=text,
            path=self.path,
            url=meta.get("url") or None,
            date=meta.get("date") or None,
            source=meta.get("source") or None,
            collection=self.collection,
        )


@dataclass(frozen=True)
class Place:
    """Where a record sits: a JSONL line, a JSON list item, or (neither) the whole file."""

    line: int | None = None
    item: int | None = None

    @property
    def number(self) -> int:
        return self.line or self.item or 1

    def skipped(self, path: str, reason: str) -> SkippedFile:
        prefix = f"item {self.item}: " if self.item is not None else ""
        return SkippedFile(path, prefix + reason, self.line)


WHOLE_FILE = Place()


@dataclass(frozen=True)
class Record:
    """An article before the duplicate check, with its place for the report."""

    article: Article
    place: Place = WHOLE_FILE


Item = Record | SkippedFile
Parser = Callable[[str, Origin], Iterator[Item]]
