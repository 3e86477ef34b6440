"""Passage and article metadata in SQLite, row-aligned with the vector index."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.models import Article, Passage, content_hash

DB_NAME = "passages.sqlite"

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
CREATE INDEX passages_by_article ON passages(article_id, position);
"""


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


def write_database(path: Path, articles: Iterable[Article], passages: Iterable[Passage]) -> None:
    """Write articles and passages; passages are stored in row order (row i = vector i)."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        connection.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (a.id, a.title, a.path, a.url, a.date, a.source, a.collection, a.hash, a.text)
                for a in articles
            ),
        )
        connection.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (row, p.article_id, p.position, p.start, p.end, p.text, content_hash(p.text))
                for row, p in enumerate(passages)
            ),
        )
        connection.commit()
    finally:
        connection.close()


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

    def rows_in_collections(self, collections: Iterable[str]) -> list[int]:
        names = list(collections)
        marks = ",".join("?" * len(names))
        query = (
            "SELECT p.row FROM passages p JOIN articles a ON a.id = p.article_id "
            f"WHERE a.collection IN ({marks}) ORDER BY p.row"
        )
        with self._lock:
            return [record[0] for record in self._connection.execute(query, names)]

    def text_hashes(self) -> list[tuple[int, str, str]]:
        """(row, article id, passage text hash) for every passage, in row order."""
        with self._lock:
            return list(
                self._connection.execute("SELECT row, article_id, text_hash FROM passages ORDER BY row")
            )

    def count(self) -> tuple[int, int]:
        with self._lock:
            articles = self._connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            passages = self._connection.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return int(articles), int(passages)
