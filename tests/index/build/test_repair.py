"""Every fault in an index folder heals with the command its error names: `qa-index rebuild`."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder
from index.build.options import BuildOptions
from index.build.pipeline import rebuild
from index.build.spool import VectorSpool
from index.errors import DiskFullError, IndexCorruptError
from index.search.retriever import RetrievalOptions, Retriever
from index.store.loader import open_published
from index.store.versions import IndexLocation

VOLCANO = (
    "Volcans d'Islande\n\nLe volcan Hekla est entré en éruption ce matin. Les cendres couvrent la vallée."
)
TRAIN = "Grève des trains\n\nLes conducteurs de train sont en grève depuis lundi. Aucun train ne circule."


def _answers(index_dir: Path, question: str) -> str:
    retriever = Retriever(open_published(index_dir), FakeEmbedder(), RetrievalOptions(min_confidence=0.0))
    try:
        return retriever.search(question, k=1)[0].article.id
    finally:
        retriever.close()


@pytest.fixture
def built(write_articles, tmp_path) -> tuple[Path, Path]:
    articles = write_articles({"volcan.txt": VOLCANO, "train.txt": TRAIN})
    rebuild(articles, tmp_path / "index", FakeEmbedder())
    return articles, tmp_path / "index"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_an_unreadable_published_database_is_rebuilt_and_the_summary_says_why(built, damage) -> None:
    articles, index_dir = built
    database = IndexLocation(index_dir).current() / "passages.sqlite"
    if damage == "truncate":
        database.write_bytes(database.read_bytes()[:100])
    elif damage == "garbage":
        database.write_bytes(os.urandom(4096))
    else:
        database.unlink()

    report = rebuild(articles, index_dir, FakeEmbedder())

    assert report.full_rebuild_reason and "cannot be read" in report.full_rebuild_reason
    assert _answers(index_dir, "volcan Hekla") == "volcan.txt"


def test_an_unreadable_cache_is_moved_aside_and_the_rebuild_succeeds(built) -> None:
    articles, index_dir = built
    cache = IndexLocation(index_dir).embedding_cache
    cache.write_bytes(b"not a database" * 100)

    report = rebuild(articles, index_dir, FakeEmbedder())

    (note,) = report.notes
    assert "embedding cache could not be read" in note and "started empty" in note
    assert report.passages_embedded == 2  # nothing could be reused
    assert [p.name.startswith("embeddings.sqlite.unreadable-") for p in cache.parent.iterdir()].count(
        True
    ) == 1
    assert rebuild(articles, index_dir, FakeEmbedder()).passages_embedded == 0  # the new cache works


@pytest.mark.parametrize("pointer", ["../../etc", "versions/../..", "no-such-version", "\x00garbage"])
def test_current_may_only_name_a_version_folder(built, pointer: str) -> None:
    articles, index_dir = built
    (index_dir / "CURRENT").write_text(pointer, encoding="utf-8")

    with pytest.raises(IndexCorruptError, match="qa-index rebuild"):
        open_published(index_dir)
    rebuild(articles, index_dir, FakeEmbedder())
    assert _answers(index_dir, "volcan Hekla") == "volcan.txt"


@pytest.mark.parametrize("how", ["link to a secret", "a secret copied in", "empty", "huge"])
def test_a_damaged_current_never_shows_what_it_holds_and_the_rebuild_repairs_it(built, tmp_path, how) -> None:
    """The refusal reaches logs and the admins' /stats: it must not quote a file CURRENT points at."""
    articles, index_dir = built
    secret = tmp_path / ".env"
    secret.write_text("MTIzNDU2Nzg5.GhIjKl.secret-token_value\n", encoding="utf-8")
    pointer = index_dir / "CURRENT"
    pointer.unlink()
    if how == "link to a secret":
        pointer.symlink_to(secret)
    elif how == "a secret copied in":
        pointer.write_bytes(secret.read_bytes())
    elif how == "empty":
        pointer.write_bytes(b"")
    else:
        with pointer.open("wb") as handle:
            handle.truncate(2_000_000_000)  # sparse: never read whole

    with pytest.raises(IndexCorruptError, match="qa-index rebuild") as refused:
        open_published(index_dir)
    assert "secret" not in str(refused.value) and "MTIz" not in str(refused.value)
    report = rebuild(articles, index_dir, FakeEmbedder())
    assert "secret" not in (report.full_rebuild_reason or "")
    assert pointer.is_file() and not pointer.is_symlink()
    assert secret.read_text(encoding="utf-8").startswith("MTIz")  # the link's target is left alone
    assert _answers(index_dir, "volcan Hekla") == "volcan.txt"


@pytest.mark.parametrize("name", ["cache", "versions", "cache/embeddings.sqlite"])
def test_a_file_and_a_folder_swapped_are_moved_aside_by_the_rebuild(built, name) -> None:
    """`cache` as a file crashed every rebuild with a traceback; a folder as the cache was never used."""
    articles, index_dir = built
    path = index_dir / name
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    if name.endswith(".sqlite"):
        (path / "stray").mkdir(parents=True)
    else:
        path.write_text("left here by a careless copy", encoding="utf-8")

    report = rebuild(articles, index_dir, FakeEmbedder())
    again = rebuild(articles, index_dir, FakeEmbedder())

    assert any(f"{path} was a" in note and "moved to" in note for note in report.notes)
    assert _answers(index_dir, "volcan Hekla") == "volcan.txt"
    assert IndexLocation(index_dir).embedding_cache.is_file() and again.notes == []
    assert again.passages_embedded == 0  # the cache works again: nothing is embedded twice


def test_current_replaced_by_a_folder_is_refused_then_put_aside_by_the_rebuild(built) -> None:
    articles, index_dir = built
    (index_dir / "CURRENT").unlink()
    (index_dir / "CURRENT").mkdir()

    with pytest.raises(IndexCorruptError, match="is a folder"):
        open_published(index_dir)
    rebuild(articles, index_dir, FakeEmbedder())
    assert (index_dir / "CURRENT").is_file()
    assert _answers(index_dir, "grève des trains") == "train.txt"


def _cache_rows(index_dir: Path) -> int:
    with sqlite3.connect(IndexLocation(index_dir).embedding_cache) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


def test_a_full_disk_is_one_sentence_and_leaves_index_and_cache_as_they_were(built, monkeypatch) -> None:
    articles, index_dir = built
    (articles / "nouveau.txt").write_text("Nouveau\n\nUn article de plus, jamais vu.", encoding="utf-8")
    location = IndexLocation(index_dir)
    before, cache_bytes = location.current(), location.embedding_cache.read_bytes()

    def no_space(self: VectorSpool) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(VectorSpool, "flush", no_space)
    with pytest.raises(DiskFullError) as raised:
        rebuild(articles, index_dir, FakeEmbedder(), BuildOptions(batch_passages=1))

    message = str(raised.value)
    assert "\n" not in message and "is full" in message and "qa-index rebuild" in message
    assert location.current() == before
    assert location.embedding_cache.read_bytes() == cache_bytes
    assert location.pending_caches() == [] and location.remove_abandoned() == []


class _InterruptedEmbedder(FakeEmbedder):
    """Embeds `allowed` batches, then the user presses Ctrl-C."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed

    def embed_passages(self, texts, *, show_progress=False):
        if self.allowed == 0:
            raise KeyboardInterrupt
        self.allowed -= 1
        return super().embed_passages(texts, show_progress=show_progress)


def test_vectors_of_an_interrupted_rebuild_are_not_computed_again(write_articles, tmp_path) -> None:
    articles = write_articles(
        {f"article{n}.txt": f"Titre {n}\n\nMot{n} numéro{n} texte{n}." for n in range(6)}
    )
    index_dir = tmp_path / "index"
    first = _InterruptedEmbedder(allowed=4)
    with pytest.raises(KeyboardInterrupt):
        rebuild(articles, index_dir, first, BuildOptions(batch_passages=1))
    done_before = set(first.embedded)

    second = FakeEmbedder()
    report = rebuild(articles, index_dir, second, BuildOptions(batch_passages=1))

    assert len(done_before) == 4 and not done_before & set(second.embedded)
    assert report.passages_embedded + report.sentences_embedded == len(second.embedded)
    assert IndexLocation(index_dir).pending_caches() == []  # read, merged into the cache, removed
    assert _cache_rows(index_dir) >= 12  # 6 passages and their sentences, all kept
