"""The bot's memory of answers and users' feedback: one SQLite file beside the index versions.

Buttons under an answer carry its id, so paging and votes keep working after a restart. User ids
are never stored: only a salted hash, and only while feedback collection is on. Labels (a chosen
passage, or the first passage of a 👍 answer) export as a SQuAD file for `qa-index eval`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from index.errors import ArticleIndexError
from index.feedback.export import LabelledQuestion, squad_data, write_json_atomically
from index.search.retriever import Answer, Hit
from index.settings import DEFAULTS
from index.store.passages_db import PassageDatabase

TOP_ARTICLES = 5
_PURGE_EVERY_S = 3600.0
_HASH_CHARS = 32  # 128 bits of sha256: no collisions among a server's users
_DAY_SECONDS = 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY, question TEXT NOT NULL, created_at REAL NOT NULL,
    index_version TEXT NOT NULL, answered INTEGER NOT NULL, seconds REAL NOT NULL,
    collections TEXT NOT NULL, user_hash TEXT, channel_hash TEXT
);
CREATE INDEX IF NOT EXISTS answers_by_time ON answers(created_at);
CREATE TABLE IF NOT EXISTS shown (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE, rank INTEGER NOT NULL,
    row INTEGER NOT NULL, article_id TEXT NOT NULL, title TEXT NOT NULL, url TEXT,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, score REAL NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (answer_id, rank)
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE, user_hash TEXT NOT NULL,
    vote INTEGER, choice INTEGER, updated_at REAL NOT NULL,
    PRIMARY KEY (answer_id, user_hash)
);
CREATE TABLE IF NOT EXISTS pages (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE, viewer_hash TEXT NOT NULL,
    next_rank INTEGER NOT NULL, PRIMARY KEY (answer_id, viewer_hash)
);
"""
# Columns added after the first release: a log written by an older version gains them on opening.
_ADDED_COLUMNS = {"guild_hash": "TEXT", "first_page": "INTEGER", "since": "TEXT", "until": "TEXT"}

_SHOWN_COLUMNS = 'rank, row, article_id, title, url, start, "end", score, text'


class FeedbackError(ArticleIndexError):
    """Feedback cannot be recorded or exported (collection off, unknown answer, nothing collected)."""


class UnreadableFeedbackError(FeedbackError):
    """The feedback file is not a readable SQLite database (garbage, truncated, a folder)."""


@dataclass(frozen=True)
class ShownPassage:
    """A passage an answer showed, as it was then: display rank, index row, article and exact span."""

    rank: int
    row: int
    article_id: str
    title: str
    url: str | None
    start: int
    end: int
    score: float
    text: str


@dataclass(frozen=True)
class StoredAnswer:
    """A recorded answer: enough to page on or to label after a restart."""

    id: int
    question: str
    collections: tuple[str, ...]
    index_version: str
    created_at: datetime
    answered: bool
    seconds: float
    shown: tuple[ShownPassage, ...]  # shown[rank], ranks 0, 1, 2, … in display order
    first_page: int = 0  # how many passages the answer itself showed
    since: date | None = None  # the period the asker chose (/ask since, until): later pages keep it
    until: date | None = None

    def has_shown(self, hit: Hit) -> bool:
        """Whether an already shown passage overlaps this hit (rows change between index versions)."""
        return self.rank_of(hit) is not None

    def rank_of(self, hit: Hit) -> int | None:
        """The rank of the first shown passage that overlaps this hit, if any."""
        passage = hit.passage
        return next(
            (
                s.rank
                for s in self.shown
                if s.article_id == passage.article_id and s.start < passage.end and passage.start < s.end
            ),
            None,
        )


@dataclass(frozen=True)
class ArticleUsage:
    """How often an article was quoted: at any rank (`times`) and as an answer's first passage."""

    id: str
    title: str
    times: int
    first: int


@dataclass(frozen=True)
class UsageStats:
    """The figures `/stats` and `qa-index feedback stats` show."""

    questions: int
    answered: int
    abstentions: int
    last_day: int  # questions in the last 24 hours
    median_ms: float  # latency of the first answer, over every question
    p95_ms: float
    thumbs_up: int
    thumbs_down: int
    choices: int
    most_quoted: tuple[ArticleUsage, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ExportReport:
    """What `export_squad` wrote and which labels it had to leave out."""

    path: Path
    questions: int
    articles: int
    missing_articles: int  # labels whose article is no longer indexed
    changed_passages: int  # labels whose passage text is no longer in its article

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path)}


class AnswerLog:
    """Answers, shown passages and feedback in one SQLite file; safe to call from worker threads.

    With no path the log lives in memory: buttons work until the bot restarts and nothing about
    any question reaches the disk (feedback collection off). The file is readable by its owner
    only, and answers older than the retention period are deleted (with what they showed and
    their votes), their bytes overwritten.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        collect_feedback: bool = DEFAULTS.collect_feedback,
        max_age_days: float = DEFAULTS.answer_max_age_days,
        retention_days: float = DEFAULTS.retention_days,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.collect_feedback = collect_feedback
        self.max_age = timedelta(days=max_age_days)
        self.retention = timedelta(days=retention_days)
        self._clock = clock
        self._lock = threading.Lock()
        self._purged_at = float("-inf")
        if path is not None:
            if path.exists() and not path.is_file():
                raise UnreadableFeedbackError(
                    f"{path} is not a readable feedback database (a folder): move it aside or delete it "
                    "(the bot moves it aside itself at start)"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            _owner_only(path)
        target = str(path) if path is not None else ":memory:"
        try:
            self._connection = sqlite3.connect(target, check_same_thread=False, timeout=10.0)
            self._open()
        except sqlite3.DatabaseError as error:
            with contextlib.suppress(AttributeError, sqlite3.Error):
                self._connection.close()
            if isinstance(error, sqlite3.OperationalError):  # locked, no room, no access: not damage
                raise FeedbackError(f"{path} cannot be opened ({error})") from error
            raise UnreadableFeedbackError(
                f"{path} is not a readable feedback database ({error}): move it aside or delete it "
                "(the bot moves it aside itself at start)"
            ) from error
        self.purge()

    def _open(self) -> None:
        """Set the connection up and create or upgrade the tables."""
        if self.path is not None:
            self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.execute("PRAGMA foreign_keys = ON")
        self._connection.execute("PRAGMA secure_delete = ON")  # purged questions are overwritten
        with self._transaction() as connection:
            connection.executescript(_SCHEMA)
            present = {row[1] for row in connection.execute("PRAGMA table_info(answers)")}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in present:
                    connection.execute(f"ALTER TABLE answers ADD COLUMN {column} {kind}")
            connection.execute(
                "CREATE INDEX IF NOT EXISTS answers_by_guild ON answers(guild_hash, created_at)"
            )
            # OR IGNORE: two processes opening a new file at once agree on the first salt.
            connection.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(16),))
            self._salt = str(connection.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> AnswerLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._connection:
            yield self._connection

    def purge(self) -> int:
        """Delete answers older than the retention period, with what they showed and their votes."""
        now = self._clock()
        self._purged_at = now
        cutoff = now - self.retention.total_seconds()
        with self._transaction() as connection:
            return int(connection.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,)).rowcount)

    def _hash(self, value: int) -> str:
        return hashlib.sha256(f"{self._salt}{value}".encode()).hexdigest()[:_HASH_CHARS]

    def record_answer(
        self,
        question: str,
        answer: Answer,
        *,
        user_id: int | None,
        collections: Sequence[str] = (),
        channel_id: int | None = None,
        guild_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> int:
        """Store a question and what was shown; returns the id the answer's buttons carry."""
        if self._clock() - self._purged_at > _PURGE_EVERY_S:
            self.purge()
        keep_ids = self.collect_feedback
        user_hash = self._hash(user_id) if keep_ids and user_id is not None else None
        channel_hash = self._hash(channel_id) if keep_ids and channel_id is not None else None
        guild_hash = self._hash(guild_id) if guild_id is not None else None
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO answers (question, created_at, index_version, answered, seconds, collections, "
                "user_hash, channel_hash, guild_hash, first_page, since, until) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    question,
                    self._clock(),
                    answer.index_version,
                    int(answer.answered),
                    answer.seconds,
                    json.dumps(list(collections), ensure_ascii=False),
                    user_hash,
                    channel_hash,
                    guild_hash,
                    len(answer.hits),
                    since.isoformat() if since else None,
                    until.isoformat() if until else None,
                ),
            )
            answer_id = int(cursor.lastrowid or 0)
            _insert_shown(connection, answer_id, answer.hits, 0)
        return answer_id

    def add_shown(self, answer_id: int, hits: Sequence[Hit]) -> list[int]:
        """Record a further page of passages; returns their ranks (passages already shown are skipped)."""
        with self._transaction() as connection:
            stored = _read_answer(connection, answer_id)
            if stored is None:
                raise FeedbackError(f"answer {answer_id} is not in the answer log: ask the question again")
            fresh = _unique_new(stored, hits)
            _insert_shown(connection, answer_id, fresh, len(stored.shown))
        return list(range(len(stored.shown), len(stored.shown) + len(fresh)))

    def ranks_of(self, answer_id: int, hits: Sequence[Hit]) -> list[int]:
        """The rank of each hit in what the answer has shown, recording those never shown before."""
        self.add_shown(answer_id, hits)
        with self._lock:
            stored = _read_answer(self._connection, answer_id)
        assert stored is not None
        ranks = [stored.rank_of(hit) for hit in hits]
        assert None not in ranks  # add_shown has just recorded every one
        return cast(list[int], ranks)

    def page_start(self, answer_id: int, viewer_id: int) -> int | None:
        """Where this viewer's next page of an answer starts (None: right after the answer itself)."""
        with self._lock:
            record = self._connection.execute(
                "SELECT next_rank FROM pages WHERE answer_id = ? AND viewer_hash = ?",
                (answer_id, self._hash(viewer_id)),
            ).fetchone()
        return None if record is None else int(record[0])

    def set_page_start(self, answer_id: int, viewer_id: int, next_rank: int) -> None:
        """Remember where this viewer's next page starts: each viewer pages on their own."""
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO pages VALUES (?, ?, ?) ON CONFLICT (answer_id, viewer_hash) "
                "DO UPDATE SET next_rank = excluded.next_rank",
                (answer_id, self._hash(viewer_id), next_rank),
            )

    def get_answer(self, answer_id: int) -> StoredAnswer | None:
        """The stored answer, or None when unknown or older than the log's `max_age` (expired)."""
        with self._lock:
            stored = _read_answer(self._connection, answer_id)
        if stored is None or stored.created_at.timestamp() < self._clock() - self.max_age.total_seconds():
            return None
        return stored

    def record_vote(self, answer_id: int, user_id: int, vote: int) -> None:
        """Record 👍 (+1) or 👎 (-1) on an answer; a user's later vote replaces the earlier one."""
        if vote not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {vote}")
        self._record_feedback(answer_id, user_id, "vote", vote)

    def record_choice(self, answer_id: int, user_id: int, rank: int) -> None:
        """Record which shown passage (by rank) answered the question; a later choice replaces it."""
        self._record_feedback(answer_id, user_id, "choice", rank)

    def _record_feedback(self, answer_id: int, user_id: int, column: str, value: int) -> None:
        if not self.collect_feedback:
            raise FeedbackError("feedback collection is turned off: set collect_feedback to record votes")
        user_hash = self._hash(user_id)
        with self._transaction() as connection:
            if connection.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                raise FeedbackError(f"answer {answer_id} is not in the answer log: ask the question again")
            if column == "choice" and not _was_shown(connection, answer_id, value):
                raise FeedbackError(f"answer {answer_id} showed no passage ranked {value}")
            connection.execute(
                f"INSERT INTO feedback (answer_id, user_hash, {column}, updated_at) VALUES (?, ?, ?, ?) "
                f"ON CONFLICT (answer_id, user_hash) DO UPDATE SET {column} = excluded.{column}, "
                "updated_at = excluded.updated_at",
                (answer_id, user_hash, value, self._clock()),
            )

    def stats(self, guild_id: int | None = None) -> UsageStats:
        """Usage figures over the answers given in one server (`guild_id`), or in all of them."""
        since = self._clock() - _DAY_SECONDS
        scope, values = (
            ("WHERE a.guild_hash = ?", [self._hash(guild_id)]) if guild_id is not None else ("", [])
        )
        with self._lock:
            connection = self._connection
            questions, answered, last_day = connection.execute(
                "SELECT COUNT(*), COALESCE(SUM(answered), 0), COALESCE(SUM(created_at >= ?), 0) "
                f"FROM answers a {scope}",
                [since, *values],
            ).fetchone()
            latencies = sorted(
                s for (s,) in connection.execute(f"SELECT seconds FROM answers a {scope}", values)
            )
            up, down, choices = connection.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0), COUNT(choice) "
                f"FROM feedback f JOIN answers a ON a.id = f.answer_id {scope}",
                values,
            ).fetchone()
            top = _top_articles(connection, TOP_ARTICLES, scope, values)
        return UsageStats(
            questions=int(questions),
            answered=int(answered),
            abstentions=int(questions) - int(answered),
            last_day=int(last_day),
            median_ms=percentile(latencies, 0.5) * 1000,
            p95_ms=percentile(latencies, 0.95) * 1000,
            thumbs_up=int(up),
            thumbs_down=int(down),
            choices=int(choices),
            most_quoted=top,
        )

    def labelled_questions(self) -> list[LabelledQuestion]:
        """Questions with a gold passage, oldest label first; for a repeated question the latest wins.

        A chosen passage is the label; without one, an answer with more 👍 than 👎 labels its
        first passage. 👎 alone gives no label (it says what is wrong, not what is right).
        """
        with self._lock:
            chosen = self._connection.execute(_CHOSEN_LABELS).fetchall()
            voted = self._connection.execute(_VOTED_LABELS).fetchall()
        labels: dict[int, LabelledQuestion] = {}
        for source, records in (("vote", voted), ("choice", chosen)):  # a choice overrides a vote
            for answer_id, question, article_id, title, start, end, text, at in records:
                labels[answer_id] = LabelledQuestion(
                    answer_id, question, article_id, title, start, end, text, source, float(at)
                )
        return _latest_per_question(labels.values())

    def export_squad(self, path: Path, database: PassageDatabase) -> ExportReport:
        """Write the labelled questions as a SQuAD v1.1 file over the indexed articles' current text."""
        data, counts = squad_data(self.labelled_questions(), database.article_text)
        write_json_atomically(path, {"version": "1.1", "data": data})
        return ExportReport(path, *counts)


# Latest choice per answer (any user), with the passage it designates.
_CHOSEN_LABELS = """
SELECT a.id, a.question, s.article_id, s.title, s.start, s."end", s.text, f.updated_at
FROM feedback f JOIN answers a ON a.id = f.answer_id
JOIN shown s ON s.answer_id = f.answer_id AND s.rank = f.choice
WHERE f.choice IS NOT NULL ORDER BY f.updated_at, f.rowid
"""
# Answers whose 👍 outnumber their 👎, labelled with their first shown passage.
_VOTED_LABELS = """
SELECT a.id, a.question, s.article_id, s.title, s.start, s."end", s.text, v.at
FROM (SELECT answer_id, MAX(updated_at) AS at FROM feedback WHERE vote IS NOT NULL
      GROUP BY answer_id HAVING SUM(vote) > 0) v
JOIN answers a ON a.id = v.answer_id
JOIN shown s ON s.answer_id = v.answer_id AND s.rank = (SELECT MIN(rank) FROM shown WHERE answer_id = a.id)
ORDER BY v.at
"""


def _insert_shown(connection: sqlite3.Connection, answer_id: int, hits: Sequence[Hit], first: int) -> None:
    connection.executemany(
        f"INSERT INTO shown (answer_id, {_SHOWN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                answer_id,
                first + i,
                hit.row,
                hit.article.id,
                hit.article.title,
                hit.article.url,
                hit.passage.start,
                hit.passage.end,
                float(hit.score),
                hit.passage.text,
            )
            for i, hit in enumerate(hits)
        ),
    )


def _unique_new(stored: StoredAnswer, hits: Sequence[Hit]) -> list[Hit]:
    fresh: list[Hit] = []
    for hit in hits:
        if not stored.has_shown(hit) and not any(_same_passage(hit, kept) for kept in fresh):
            fresh.append(hit)
    return fresh


def _same_passage(a: Hit, b: Hit) -> bool:
    return (a.article.id, a.passage.start, a.passage.end) == (b.article.id, b.passage.start, b.passage.end)


def _was_shown(connection: sqlite3.Connection, answer_id: int, rank: int) -> bool:
    query = "SELECT 1 FROM shown WHERE answer_id = ? AND rank = ?"
    return connection.execute(query, (answer_id, rank)).fetchone() is not None


def _read_answer(connection: sqlite3.Connection, answer_id: int) -> StoredAnswer | None:
    record = connection.execute(
        "SELECT id, question, collections, index_version, created_at, answered, seconds, first_page, "
        "since, until FROM answers WHERE id = ?",
        (answer_id,),
    ).fetchone()
    if record is None:
        return None
    shown = connection.execute(
        f"SELECT {_SHOWN_COLUMNS} FROM shown WHERE answer_id = ? ORDER BY rank", (answer_id,)
    ).fetchall()
    answer_id, question, collections, version, created_at, answered, seconds, first_page, since, until = (
        record
    )
    return StoredAnswer(
        id=int(answer_id),
        question=question,
        collections=tuple(json.loads(collections)),
        index_version=version,
        created_at=datetime.fromtimestamp(created_at, UTC),
        answered=bool(answered),
        seconds=float(seconds),
        shown=tuple(ShownPassage(*item) for item in shown),
        first_page=len(shown) if first_page is None else int(first_page),
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
    )


def _top_articles(
    connection: sqlite3.Connection, limit: int, scope: str, values: list[str]
) -> tuple[ArticleUsage, ...]:
    query = (
        "SELECT s.article_id, MAX(s.title), COUNT(*), SUM(s.rank = 0) FROM shown s "
        f"JOIN answers a ON a.id = s.answer_id {scope} GROUP BY s.article_id "
        "ORDER BY COUNT(*) DESC, SUM(s.rank = 0) DESC, s.article_id LIMIT ?"
    )
    return tuple(ArticleUsage(*record) for record in connection.execute(query, [*values, limit]))


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile of already sorted values (0.0 for none), as numpy computes it."""
    if not sorted_values:
        return 0.0
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _question_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _latest_per_question(labels: Iterable[LabelledQuestion]) -> list[LabelledQuestion]:
    latest: dict[str, LabelledQuestion] = {}
    for label in sorted(labels, key=lambda item: (item.labelled_at, item.answer_id)):
        latest.pop(_question_key(label.question), None)  # re-insert so the order follows the latest label
        latest[_question_key(label.question)] = label
    return list(latest.values())


def _owner_only(path: Path) -> None:
    """Create the file readable by its owner only, or make it so (SQLite gives its -wal and -shm
    files the same permissions)."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077:
            file.chmod(0o600)
