"""Rebuilding an index: what gets published, what is skipped, what is re-embedded, what is refused."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder
from index.assembly import build_options_from
from index.build.options import BuildOptions, StrictBuildError
from index.build.pipeline import rebuild
from index.build.sizing import embedded_text, split_all
from index.cli.main import summary_text
from index.errors import (
    ArticlesError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotBuiltError,
    RebuildLockedError,
)
from index.ingest.folder import load_articles
from index.ingest.passages import SplitSettings
from index.search.retriever import RetrievalOptions, Retriever
from index.settings import IndexSettings
from index.store.loader import open_published
from index.store.versions import IndexLocation
from tests.conftest import PROJECT_ROOT

VOLCANO = (
    "Volcans d'Islande\n\nLe volcan Hekla est entré en éruption ce matin. Les cendres couvrent la vallée."
)
TRAIN = "Grève des trains\n\nLes conducteurs de train sont en grève depuis lundi. Aucun train ne circule."
ELECTION = "Élections municipales\n\nLe maire sortant a été réélu avec une large majorité des voix."


def _search(index_dir: Path, embedder: FakeEmbedder, question: str) -> list[str]:
    retriever = Retriever(open_published(index_dir), embedder, RetrievalOptions(min_confidence=0.0))
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
    assert manifest["splitter"]["drop_furniture"] is True
    assert set(manifest["files"]) >= {"vectors.faiss", "passages.sqlite"}
    assert "faiss-cpu" in manifest["libraries"]


def test_furniture_is_left_out_and_counted_by_file_type(write_articles, tmp_path, fake_embedder):
    articles = write_articles(
        {
            "volcan.txt": VOLCANO + "\n\nLire aussi : Le Hekla en dix dates\n\nPlus",
            "train.md": "# Grève des trains\n\n27 mai\n\nLes conducteurs sont en grève. (AFP)",
            "fils.jsonl": json.dumps(
                {"title": "Élections", "text": "Le maire a été réélu.\n\u200b\nPar Jean Dupont"}
            )
            + "\n",
        }
    )
    report = rebuild(articles, tmp_path / "index", fake_embedder)

    assert report.furniture == {"txt": 2, "md": 2, "jsonl": 2}
    assert report.to_json()["furniture"] == {"txt": 2, "md": 2, "jsonl": 2}
    assert "page furniture set aside (lines and glued credits): 6 (jsonl 2, md 2, txt 2)" in summary_text(
        report
    )
    database = sqlite3.connect(IndexLocation(tmp_path / "index").current() / "passages.sqlite")
    texts = [row[0] for row in database.execute("SELECT text FROM passages")]
    database.close()
    assert texts and not any(
        word in text for text in texts for word in ("Lire aussi", "Plus", "27 mai", "AFP", "Dupont")
    )


def test_keeping_furniture_is_a_splitter_setting_that_rebuilds_everything(
    write_articles, tmp_path, fake_embedder
):
    articles = write_articles({"volcan.txt": VOLCANO + "\n\nLire aussi : Le Hekla en dix dates"})
    rebuild(articles, tmp_path / "index", fake_embedder)
    keep = BuildOptions(split=SplitSettings(drop_furniture=False))

    report = rebuild(articles, tmp_path / "index", fake_embedder, keep)

    assert report.full_rebuild_reason == "splitter settings changed"
    assert report.furniture is None
    assert "page furniture kept in passages (QA_DROP_FURNITURE=false)" in summary_text(report)
    manifest = json.loads((IndexLocation(tmp_path / "index").current() / "manifest.json").read_text())
    assert manifest["splitter"]["drop_furniture"] is False


def test_drop_furniture_setting_reaches_the_splitter(monkeypatch):
    monkeypatch.setenv("QA_DROP_FURNITURE", "false")
    assert build_options_from(IndexSettings(_env_file=None)).split.drop_furniture is False  # type: ignore[call-arg]
    assert build_options_from(IndexSettings.model_construct()).split.drop_furniture is True


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
    # The changed passage, and of its sentences only the new one: the others are cached.
    assert report.passages_embedded == 1 and report.sentences_embedded == 1
    assert fake_embedder.embedded[0].endswith("Le trafic reprendra jeudi.")
    assert fake_embedder.embedded[1] == "Le trafic reprendra jeudi."
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


# --- scale: streaming, approximate index, multi-process encoding ---------------------------

_VOCABULARY = (
    "port navire cargaison douane marin phare tempête quai écluse canal fleuve barge pêche filet "
    "récolte vigne vendange cave tonneau cépage colline village mairie école marché boulangerie "
    "usine ouvrier grève syndicat patron salaire contrat chantier grue béton acier pont tunnel "
    "montagne glacier neige station ski refuge sentier randonnée forêt chêne hêtre sapin"
)
_WORDS = _VOCABULARY.split()


def _many_articles(count: int) -> dict[str, str]:
    """Articles with distinct vocabularies, each two passages long at small passage sizes."""
    files = {}
    for n in range(count):
        words = [_WORDS[(n * 7 + i) % len(_WORDS)] for i in range(6)]
        sentences = [
            f"Le {w} numéro {n} {i} est cité dans {words[(i + 1) % 6]}." for i, w in enumerate(words)
        ]
        files[f"a{n:03d}.txt"] = f"Dossier {n} {words[0]}\n\n" + " ".join(sentences)
    return files


def _stored_rows(index_dir: Path) -> list[tuple[str, int, int, int, str]]:
    loaded = open_published(index_dir)
    try:
        stored = loaded.database.passages(range(loaded.manifest.passages))
        return [
            (s.passage.article_id, s.passage.position, s.passage.start, s.passage.end, s.passage.text)
            for s in (stored[row] for row in sorted(stored))
        ]
    finally:
        loaded.close()


def test_streamed_build_stores_the_same_rows_as_splitting_everything_first(
    write_articles, tmp_path, fake_embedder
):
    files = _many_articles(12)
    files["copy.txt"] = files["a003.txt"]  # a duplicate must still be caught while streaming
    articles = write_articles(files)
    options = BuildOptions(split=SplitSettings(target_words=20, max_words=30), batch_passages=3)

    report = rebuild(articles, tmp_path / "index", fake_embedder, options)

    loaded = load_articles(articles)
    passages, _ = split_all(loaded.articles, options, fake_embedder)
    expected = [(p.article_id, p.position, p.start, p.end, p.text) for p in passages]
    assert _stored_rows(tmp_path / "index") == expected
    assert report.passages == len(expected) > 12 and report.passages_embedded == len(expected)
    assert [s.reason for s in report.skipped] == ["duplicate of a003.txt"]
    index = open_published(tmp_path / "index")
    try:
        titles = {a.id: a.title for a in loaded.articles}
        first, last = passages[0], passages[-1]
        for row, passage in ((0, first), (len(passages) - 1, last)):
            text = embedded_text(titles[passage.article_id], passage.text, True)
            assert index.vectors.search(fake_embedder.embed_queries([text])[0], 1)[0][0] == row
    finally:
        index.close()


def test_approximate_index_above_the_threshold_records_its_recall(write_articles, tmp_path, fake_embedder):
    files = _many_articles(40)
    articles = write_articles(files)
    options = BuildOptions(split=SplitSettings(target_words=20, max_words=30), approximate_above=20)

    report = rebuild(articles, tmp_path / "index", fake_embedder, options)

    manifest = json.loads((IndexLocation(tmp_path / "index").current() / "manifest.json").read_text())
    assert report.passages > 20 and report.vector_index == "hnsw"
    assert manifest["vector_index"]["kind"] == "hnsw"
    assert manifest["vector_index"]["recall_at_10"] == report.recall_at_10 >= 0.95
    assert _search(tmp_path / "index", fake_embedder, files["a005.txt"])[0] == "a005.txt"


def test_small_corpus_stays_exact(write_articles, tmp_path, fake_embedder):
    report = rebuild(write_articles(_many_articles(5)), tmp_path / "index", fake_embedder)
    assert report.vector_index == "flat" and report.recall_at_10 is None


class _PoolEmbedder(FakeEmbedder):
    """Records how sentence-transformers' multi-process pool would have been called."""

    def __init__(self) -> None:
        super().__init__()
        self.pool_calls: list[tuple[int, list[str]]] = []

    def encode_multi_process(self, texts, devices):
        self.pool_calls.append((len(texts), devices))
        return self._vectors(texts)


def test_devices_option_encodes_through_the_multi_process_pool(write_articles, tmp_path):
    embedder = _PoolEmbedder()
    files = _many_articles(6)
    articles = write_articles(files)

    report = rebuild(articles, tmp_path / "index", embedder, BuildOptions(devices=("cpu", "cpu")))

    # One pool call for the passages, one for their sentences; nothing encoded in this process.
    assert embedder.pool_calls == [
        (report.passages, ["cpu", "cpu"]),
        (report.sentences_embedded, ["cpu", "cpu"]),
    ]
    assert embedder.embedded == []
    assert _search(tmp_path / "index", embedder, files["a002.txt"])[0] == "a002.txt"


def test_devices_option_falls_back_when_the_embedder_has_no_pool(write_articles, tmp_path, fake_embedder):
    articles = write_articles(_many_articles(6))

    report = rebuild(articles, tmp_path / "index", fake_embedder, BuildOptions(devices=("cuda:0", "cuda:1")))

    assert report.passages_embedded == report.passages
    assert len(fake_embedder.embedded) == report.passages_embedded + report.sentences_embedded


def test_cache_keeps_only_the_vectors_of_the_published_index(write_articles, tmp_path, fake_embedder):
    articles = write_articles({"volcan.txt": VOLCANO, "train.txt": TRAIN})
    rebuild(articles, tmp_path / "index", fake_embedder, BuildOptions(batch_passages=1))
    (articles / "train.txt").write_text(TRAIN + " Le trafic reprendra jeudi.", encoding="utf-8")
    rebuild(articles, tmp_path / "index", fake_embedder, BuildOptions(batch_passages=1))

    with sqlite3.connect(tmp_path / "index" / "cache" / "embeddings.sqlite") as cache:
        # 2 passages and their 2 + 3 sentences; the train passage's old vector is gone.
        assert cache.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 2 + 5


_SLOW_REBUILD = """
import sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from index.build.pipeline import rebuild
from devtools.fake_embedder import FakeEmbedder
from index.assembly import build_options_from

class Slow(FakeEmbedder):
    def embed_passages(self, texts, *, show_progress=False):
        time.sleep(60)  # killed long before this returns
        return super().embed_passages(texts)

rebuild(Path(sys.argv[1]), Path(sys.argv[2]), Slow())
"""


def test_rebuild_killed_with_sigkill_leaves_the_published_index_serving(
    write_articles, tmp_path, fake_embedder
):
    articles = write_articles({"volcan.txt": VOLCANO})
    index_dir = tmp_path / "index"
    rebuild(articles, index_dir, fake_embedder)
    before = IndexLocation(index_dir).current()
    (articles / "train.txt").write_text(TRAIN, encoding="utf-8")

    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_REBUILD, str(articles), str(index_dir), str(PROJECT_ROOT)]
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(".building-") for p in (index_dir / "versions").iterdir()):
            assert process.poll() is None and time.monotonic() < deadline, "the rebuild never started"
            time.sleep(0.05)
    finally:
        process.kill()  # SIGKILL: no cleanup code runs
        process.wait()

    assert IndexLocation(index_dir).current() == before
    assert _search(index_dir, fake_embedder, "volcan Hekla") == ["volcan.txt"]
    report = rebuild(articles, index_dir, fake_embedder)  # the lock died with the process
    assert report.articles == 2
    assert not any(p.name.startswith(".building-") for p in (index_dir / "versions").iterdir())
