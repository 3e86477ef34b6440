"""Faults a careless operator or a crash can cause, each followed by the command the error names:
rebuilds killed at random points, then every index file damaged in turn."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder
from index.build.options import BuildOptions
from index.build.pipeline import rebuild
from index.errors import ArticleIndexError
from index.search.retriever import RetrievalOptions, Retriever
from index.store.loader import open_published
from index.store.versions import IndexLocation
from tests.conftest import PROJECT_ROOT

_SLOW_REBUILD = """
import sys, time
from pathlib import Path
from devtools.fake_embedder import FakeEmbedder
from index.build.options import BuildOptions
from index.build.pipeline import rebuild

class Slow(FakeEmbedder):
    def embed_passages(self, texts, *, show_progress=False):
        time.sleep(0.02)
        return super().embed_passages(texts)

print("started", flush=True)
rebuild(Path(sys.argv[1]), Path(sys.argv[2]), Slow(), BuildOptions(batch_passages=4))
"""


def _articles(folder: Path, count: int, seed: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words = "volcan grève train élection maire Hekla Islande cendres vallée conducteurs lundi".split()
    for number in range(count):
        body = " ".join(rng.choice(words) for _ in range(40))
        (folder / f"article{number:03d}.txt").write_text(
            f"Article {number}\n\n{body} numéro{number}.", "utf-8"
        )
    return folder


def _answers(index_dir: Path) -> bool:
    retriever = Retriever(open_published(index_dir), FakeEmbedder(), RetrievalOptions(min_confidence=0.0))
    try:
        return bool(retriever.search("volcan Hekla", 3))
    finally:
        retriever.close()


def test_rebuilds_killed_at_random_points_never_break_what_is_served(tmp_path) -> None:
    articles = _articles(tmp_path / "articles", 60, seed=0)
    index_dir = tmp_path / "index"
    rebuild(articles, index_dir, FakeEmbedder())
    rng = random.Random(1)
    for round_ in range(6):
        (articles / f"new{round_}.txt").write_text(f"Nouveau {round_}\n\nUn texte neuf {round_}.", "utf-8")
        process = subprocess.Popen(
            [sys.executable, "-c", _SLOW_REBUILD, str(articles), str(index_dir)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdout is not None and process.stdout.readline().strip() == b"started"
        time.sleep(rng.uniform(0.0, 0.8))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

        assert _answers(index_dir)  # whatever the kill interrupted, the published version serves
        report = rebuild(articles, index_dir, FakeEmbedder())  # the documented command
        assert report.version and _answers(index_dir)
        assert IndexLocation(index_dir).pending_caches() == []
        assert not list((index_dir / "versions").glob(".building-*"))


def _damage(path: Path, how: str) -> None:
    if how == "delete":
        path.unlink()
    elif how == "truncate":
        path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
    elif how == "folder":  # a careless copy or restore can leave a folder where a file was
        path.unlink()
        (path / "stray").mkdir(parents=True)
    else:
        path.write_bytes(random.Random(path.name).randbytes(max(64, path.stat().st_size)))


_VERSION_FILES = [
    "manifest.json",
    "vectors.faiss",
    "sentences.npy",
    "sentence_starts.npy",
    "passages.sqlite",
    "lexical/lexical.npz",
    "lexical/lexical.json",
]


@pytest.mark.parametrize("how", ["delete", "truncate", "garbage", "folder"])
def test_every_damaged_file_is_refused_with_a_sentence_then_healed_by_a_rebuild(tmp_path, how) -> None:
    articles = _articles(tmp_path / "articles", 12, seed=2)
    index_dir = tmp_path / "index"
    location = IndexLocation(index_dir)
    rebuild(articles, index_dir, FakeEmbedder(), BuildOptions(keep_versions=2))
    for name in [*_VERSION_FILES, "CURRENT", "cache/embeddings.sqlite"]:
        if name == "CURRENT":
            target = index_dir / "CURRENT"
        elif name.startswith("cache/"):
            target = location.embedding_cache
        else:
            target = location.current() / name
        _damage(target, how)

        if not name.startswith("cache/"):
            with pytest.raises(ArticleIndexError, match="qa-index rebuild"):
                open_published(index_dir).close()
        rebuild(articles, index_dir, FakeEmbedder(), BuildOptions(keep_versions=2))
        assert _answers(index_dir), f"the rebuild after damaging {name} ({how}) does not answer"
