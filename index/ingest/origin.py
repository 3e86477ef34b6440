"""Where an article comes from, and how a file or one record in it is left out with a reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from index.records import Article, ArticleWarning, SkippedFile
from index.text.dates import publication_date
from index.text.urls import check_url


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

    def record(
        self,
        article_id: str,
        title: str,
        text: str,
        meta: dict[str, str],
        place: Place | None = None,
        notes: Sequence[str] = (),
    ) -> Record:
        """The article with its metadata checked; what was changed or dropped becomes a warning."""
        place = place or WHOLE_FILE
        if not title.strip() or not text.strip():
            raise Skip("no text: only blank lines or rules (---) after the front matter")
        link = check_url(meta.get("url"))
        published = publication_date(meta.get("date"))
        article = Article(
            id=article_id,
            title=title,
            text=text,
            path=self.path,
            url=link.url,
            date=published.iso,
            source=meta.get("source") or None,
            collection=self.collection,
        )
        notes = [*notes, *(note for note in (link.note, published.problem) if note)]
        return Record(article, place, tuple(place.warning(self.path, note) for note in notes))


@dataclass(frozen=True)
class Place:
    """Where a record sits: a JSONL line, a JSON list item, or (neither) the whole file."""

    line: int | None = None
    item: int | None = None

    @property
    def number(self) -> int:
        return self.line or self.item or 1

    def skipped(self, path: str, reason: str) -> SkippedFile:
        return SkippedFile(path, self._prefix + reason, self.line)

    def warning(self, path: str, message: str) -> ArticleWarning:
        return ArticleWarning(path, self._prefix + message, self.line)

    @property
    def _prefix(self) -> str:
        return f"item {self.item}: " if self.item is not None else ""


WHOLE_FILE = Place()


@dataclass(frozen=True)
class Record:
    """An article before the duplicate check, with its place for the report."""

    article: Article
    place: Place = WHOLE_FILE
    warnings: tuple[ArticleWarning, ...] = ()


Item = Record | SkippedFile
Parser = Callable[[str, Origin], Iterator[Item]]
