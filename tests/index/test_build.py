"""Rebuilding an index: what gets published, what is skipped, what is re-embedded, what is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import BuildOptions, StrictBuildError, rebuild
from index.errors import (
    ArticlesError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotBuiltError,
    RebuildLockedError,
)
from index.loader import open_published
from index.retriever import RetrievalOptions, Retriever
from index.versions import IndexLocation
from tests.fakes import FakeEmbedder

VOLCANO = (
    "Volcans d'Islande\n\nLe volcan Hekla est entré en éruption ce matin. Les cendres couvrent la vallée."
)
TRAIN = "Grève des trains\n\nLes conducteurs de train sont en grève depuis lundi. Aucun train ne circule."
ELECTION = "Élections municipales\n\nLe maire sortant a été réélu avec une large majorité des voix."


def _search(index_dir: Path, embedder: FakeEmbedder, question: str) -> list[str]:
    retriever = Retriever(open_published(index_dir), embedder, RetrievalOptions(min_score=0.0))
    try:
        return [hit.article.id for hit in retriever.search(question, k=3)]
    finally:
        retriever.close()


def test_rebuild_publishes_an_index_that_answers(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO, "train.txt": TRAIN, "election.md": ELECTION})
    report = rebuild(articles, tmp_path / "index", fake_embedder)

    assert (report.articles, report.passages, report.skipped) == (3, 3, [])
    assert report.articles_added == 3 and report.passages_embedded == 3
    assert _search(tmp_path / "index", fake_embedder, "le volcan Hekla")[0] == "volcan.txt"
    assert _search(tmp_path / "index", fake_embedder, "grève des conducteurs de train")[0] == "train.txt"


def test_manifest_describes_the_index(write_articles, tmp_path, fake_embedder):
    rebuild(write_articles({"volcan.txt": VOLCANO}), tmp_path / "index", fake_embedder)
    version = IndexLocation(tmp_path / "index").current()
    manifest = json.loads((version / "manifest.json").read_text())

    assert manifest["model"] == "fake-bag-of-words" and manifest["dimension"] == 64
    assert manifest["articles"] == 1 and manifest["passages"] == 1
    assert manifest["splitter"]["target_words"] == 100
    assert set(manifest["files"]) >= {"vectors.faiss", "passages.sqlite"}
    assert "faiss-cpu" in manifest["libraries"]


def test_bad_files_are_listed_and_good_ones_still_indexed(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO, "empty.txt": "", "bad.jsonl": '{"title": "x"\n'})
    report = rebuild(articles, tmp_path / "index", fake_embedder)

    assert report.articles == 1
    reasons = {item.path: item.reason for item in report.skipped}
    assert set(reasons) == {"empty.txt", "bad.jsonl"}
    assert "empty" in reasons["empty.txt"]


def test_strict_refuses_any_skipped_file_and_publishes_nothing(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO, "empty.txt": ""})
    with pytest.raises(StrictBuildError, match=r"empty\.txt"):
        rebuild(articles, tmp_path / "index", fake_embedder, BuildOptions(strict=True))
    with pytest.raises(IndexNotBuiltError, match="qa-index rebuild"):
        IndexLocation(tmp_path / "index").current()


def test_empty_or_missing_folder_fails_with_a_sentence(write_articles, tmp_path, fake_embedder):
    with pytest.raises(ArticlesError, match="no usable articles"):
        rebuild(write_articles({}), tmp_path / "index", fake_embedder)
    with pytest.raises(ArticlesError, match="does not exist"):
        rebuild(tmp_path / "nowhere", tmp_path / "index", fake_embedder)


def test_unchanged_rebuild_embeds_nothing(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO, "train.txt": TRAIN})
    rebuild(articles, tmp_path / "index", fake_embedder)
    fake_embedder.embedded.clear()

    report = rebuild(articles, tmp_path / "index", fake_embedder)

    assert fake_embedder.embedded == []
    assert report.passages_embedded == 0 and report.articles_unchanged == 2
    assert report.full_rebuild_reason is None


def test_changed_article_reembeds_only_its_passages(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO, "train.txt": TRAIN, "election.md": ELECTION})
    rebuild(articles, tmp_path / "index", fake_embedder)
    fake_embedder.embedded.clear()
    (articles / "train.txt").write_text(TRAIN + " Le trafic reprendra jeudi.", encoding="utf-8")
    (articles / "election.md").unlink()

    report = rebuild(articles, tmp_path / "index", fake_embedder)

    assert report.articles_changed == 1 and report.articles_removed == 1 and report.articles_unchanged == 1
    assert len(fake_embedder.embedded) == 1 and "jeudi" in fake_embedder.embedded[0]
    assert "election.md" not in _search(tmp_path / "index", fake_embedder, "maire réélu majorité")


def test_changed_model_rebuilds_everything_and_says_so(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO})
    rebuild(articles, tmp_path / "index", fake_embedder)
    other = FakeEmbedder(dimension=32, model_name="other-model")

    report = rebuild(articles, tmp_path / "index", other)

    assert report.passages_embedded == 1
    assert report.full_rebuild_reason == "model changed from fake-bag-of-words to other-model"


def test_index_from_another_model_is_refused_with_the_fix(write_articles, tmp_path, fake_embedder):
    rebuild(write_articles({"volcan.txt": VOLCANO}), tmp_path / "index", fake_embedder)
    with pytest.raises(IndexMismatchError, match=r"fake-bag-of-words.*other-model.*qa-index rebuild"):
        open_published(tmp_path / "index", model="other-model", dimension=384)


def test_corrupted_file_is_detected_by_checksum(write_articles, tmp_path, fake_embedder):
    rebuild(write_articles({"volcan.txt": VOLCANO}), tmp_path / "index", fake_embedder)
    vectors = IndexLocation(tmp_path / "index").current() / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:-10])
    with pytest.raises(IndexCorruptError, match="checksum"):
        open_published(tmp_path / "index")


def test_missing_index_says_how_to_build_it(tmp_path):
    with pytest.raises(IndexNotBuiltError, match="qa-index rebuild"):
        open_published(tmp_path / "index")


def test_concurrent_rebuild_is_refused(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO})
    with IndexLocation(tmp_path / "index").rebuild_lock(), pytest.raises(RebuildLockedError, match="running"):
        rebuild(articles, tmp_path / "index", fake_embedder)


class _FailingEmbedder(FakeEmbedder):
    def embed_passages(self, texts, *, show_progress=False):
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of embedding


def test_interrupted_rebuild_leaves_the_published_index_serving(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO})
    rebuild(articles, tmp_path / "index", fake_embedder)
    before = IndexLocation(tmp_path / "index").current()
    (articles / "train.txt").write_text(TRAIN, encoding="utf-8")

    with pytest.raises(KeyboardInterrupt):
        rebuild(articles, tmp_path / "index", _FailingEmbedder())

    assert IndexLocation(tmp_path / "index").current() == before
    assert _search(tmp_path / "index", fake_embedder, "volcan Hekla") == ["volcan.txt"]


def test_old_versions_are_pruned(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO})
    for text in ("un", "deux", "trois", "quatre"):
        (articles / "extra.txt").write_text(f"Titre {text}\n\nTexte {text}.", encoding="utf-8")
        rebuild(articles, tmp_path / "index", fake_embedder, BuildOptions(keep_versions=2))
    versions = sorted(p.name for p in (tmp_path / "index" / "versions").iterdir())
    assert len(versions) == 2
    assert IndexLocation(tmp_path / "index").current().name == versions[-1]
