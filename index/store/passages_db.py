"""Passage and article metadata in SQLite, row-aligned with the vector index."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from index.records import Article, Passage, content_hash
from index.text.dates import stored_day

_SCHEMA = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, path TEXT NOT NULL, url TEXT, date TEXT,
    source TEXT, collection TEXT NOT NULL, hash TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, text_hash TEXT NOT NULL
);
"""
# Created once the rows are in: cheaper than keeping it up to date row by row.
_ARTICLE_INDEX = "CREATE INDEX passages_by_article ON passages(article_id, position)"


@dataclass(frozen=True)
class ArticleInfo:
    """What an answer shows about where a quote comes from."""

    id: str
    title: str
    path: str
    url: str | None
    date: str | None
    source: str | None
    collection: str
    hash: str
    passages: int = 0


@dataclass(frozen=True)
class StoredPassage:
    """A passage as stored: its row in the vector index and its article."""

    row: int
    passage: Passage
    article: ArticleInfo


class PassageWriter:
    """Writes a new database while a build streams: articles and their passages in row order.

    Nothing is kept in memory but the open transaction; call `finish` once every article is in.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection = sqlite3.connect(path)
        # The file lives in a build folder that is thrown away unless the build is published
        # (after an fsync), so a rollback journal buys nothing here.
        self._connection.execute("PRAGMA journal_mode = OFF")
        self._connection.execute("PRAGMA synchronous = OFF")
        self._connection.executescript(_SCHEMA)
        self.articles = 0
        self.passages = 0

    def add(self, article: Article, passages: Sequence[Passage]) -> range:
        """Store one article and its passages; returns the rows the passages were given."""
        self._connection.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.title,
                article.path,
                article.url,
                article.date,
                article.source,
                article.collection,
                article.hash,
                article.text,
            ),
        )
        first = self.passages
        self._connection.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (first + i, p.article_id, p.position, p.start, p.end, p.text, content_hash(p.text))
                for i, p in enumerate(passages)
            ),
        )
        self.articles += 1
        self.passages += len(passages)
        return range(first, self.passages)

    def finish(self) -> None:
        """Index the passages by article, commit and close."""
        self._connection.execute(_ARTICLE_INDEX)
        self._connection.commit()
        self._connection.close()

    def close(self) -> None:
        """Abandon the file (it is deleted with the build folder)."""
        self._connection.close()


class PassageTexts(Sequence[str]):
    """The passage texts of a database in row order, read lazily: `texts[i]` is row i.

    Iterating streams them from SQLite, so a keyword index can be built over a million
    passages without a list of every text in memory next to the index being built.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        with closing(_read_only(path)) as connection:
            self._count = int(connection.execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        row = index + self._count if index < 0 else index
        if not 0 <= row < self._count:
            raise IndexError(index)
        with closing(_read_only(self._path)) as connection:
            return str(connection.execute("SELECT text FROM passages WHERE row = ?", (row,)).fetchone()[0])

    def __iter__(self) -> Iterator[str]:
        with closing(_read_only(self._path)) as connection:
            cursor = connection.execute("SELECT text FROM passages ORDER BY row")
            while batch := cursor.fetchmany(4096):
                for (text,) in batch:
                    yield text


def passage_titles(path: Path) -> Iterator[str]:
    """Each passage's article title in row order, streamed (for the keyword index's title field)."""
    with closing(_read_only(path)) as connection:
        cursor = connection.execute(
            "SELECT articles.title FROM passages JOIN articles ON articles.id = passages.article_id "
            "ORDER BY passages.row"
        )
        while batch := cursor.fetchmany(4096):
            for (title,) in batch:
                yield title


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


class PassageDatabase:
    """Read-only access, safe to share between the event loop and worker threads."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def passages(self, rows: Sequence[int]) -> dict[int, StoredPassage]:
        """Passages and their articles for the given rows."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        query = (
            'SELECT p.row, p.article_id, p.position, p.start, p."end", p.text, '
            "a.id, a.title, a.path, a.url, a.date, a.source, a.collection, a.hash "
            f"FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.row IN ({marks})"
        )
        with self._lock:
            records = self._connection.execute(query, list(rows)).fetchall()
        found = {}
        for row, article_id, position, start, end, text, *article in records:
            found[row] = StoredPassage(
                row, Passage(article_id, position, start, end, text), ArticleInfo(*article)
            )
        return found

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article with its passage count, newest date first, then by title."""
        query = (
            "SELECT a.id, a.title, a.path, a.url, a.date, a.source, a.collection, a.hash, COUNT(p.row) "
            "FROM articles a LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.id "
            "ORDER BY COALESCE(a.date, '') DESC, a.title"
        )
        with self._lock:
            return [ArticleInfo(*record) for record in self._connection.execute(query)]

    def article_text(self, article_id: str) -> str | None:
        with self._lock:
            record = self._connection.execute(
                "SELECT text FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return record[0] if record else None

    def collections(self) -> set[str]:
        """The collections (top-level subfolders) the articles come from; "" for the folder itself."""
        with self._lock:
            return {
                record[0] for record in self._connection.execute("SELECT DISTINCT collection FROM articles")
            }

    def rows_in_collections(self, collections: Iterable[str]) -> list[int]:
        names = list(collections)
        marks = ",".join("?" * len(names))
        query = (
            "SELECT p.row FROM passages p JOIN articles a ON a.id = p.article_id "
            f"WHERE a.collection IN ({marks}) ORDER BY p.row"
        )
        with self._lock:
            return [record[0] for record in self._connection.execute(query, names)]

    def row_days(self, rows: int) -> np.ndarray:
        """Each passage row's publication day as a proleptic ordinal (`date.toordinal`), 0 when its
        article has no readable date: one array answers every period question at once."""
        days = np.zeros(rows, dtype=np.int32)
        query = (
            "SELECT p.row, substr(a.date, 1, 10) FROM passages p JOIN articles a ON a.id = p.article_id "
            "WHERE a.date IS NOT NULL"
        )
        with self._lock:
            records = self._connection.execute(query).fetchall()
        ordinals: dict[str, int] = {}
        for row, day in records:
            if day not in ordinals:
                parsed = stored_day(day)
                ordinals[day] = 0 if parsed is None else parsed.toordinal()
            if 0 <= row < rows:
                days[row] = ordinals[day]
        return days

    def rows_of_article(self, article_id: str) -> list[int]:
        """The rows of one article's passages, in order."""
        with self._lock:
            records = self._connection.execute(
                "SELECT row FROM passages WHERE article_id = ? ORDER BY row", (article_id,)
            ).fetchall()
        return [record[0] for record in records]

    def count(self) -> tuple[int, int]:
        with self._lock:
            articles = self._connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            passages = self._connection.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return int(articles), int(passages)
