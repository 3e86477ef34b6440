"""The vector index: exact and approximate search, size-based choice, recall against exact search."""

from __future__ import annotations

import numpy as np
import pytest

from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from index.search.retriever import RetrievalOptions, Retriever
from index.store.loader import open_published
from index.store.vectors import VectorIndex, choose_kind, exact_top_k, tune_search_depth


def measure_recall_at_10(approximate: VectorIndex, vectors: np.ndarray, samples: int = 200) -> float:
    """Share of the exact top 10 that the index also returns, on sampled stored vectors."""
    picks = np.random.default_rng(0).choice(len(vectors), size=min(samples, len(vectors)), replace=False)
    queries = np.ascontiguousarray(vectors[np.sort(picks)], dtype=np.float32)
    truth = exact_top_k(vectors, queries, 10)
    found = sum(
        len({row for row, _ in approximate.search(query, 10)}.intersection(expected.tolist()))
        for query, expected in zip(queries, truth, strict=True)
    )
    return found / truth.size


def _unit_vectors(count: int, dimension: int = 32, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_every_kind_finds_a_stored_vector_first(kind, tmp_path):
    vectors = _unit_vectors(500)
    built = VectorIndex.build(vectors, kind)
    built.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")

    assert (loaded.kind, loaded.count, loaded.dimension) == (kind, 500, 32)
    row, score = loaded.search(vectors[123], 5)[0]
    # HNSW stores float16 vectors: scores are exact to about 1e-4
    assert row == 123 and score == pytest.approx(1.0, abs=1e-5 if kind == "flat" else 1e-3)


def test_auto_is_exact_up_to_the_threshold_and_approximate_above():
    assert choose_kind(50_000) == "flat"
    assert choose_kind(50_001) == "hnsw"
    assert choose_kind(10, approximate_above=5) == "hnsw"
    assert choose_kind(10_000_000, "flat") == "flat"
    with pytest.raises(ValueError, match="flat, hnsw or auto"):
        choose_kind(10, "annoy")


def test_exact_top_k_over_a_memory_map_matches_brute_force(tmp_path):
    vectors = _unit_vectors(1000)
    path = tmp_path / "rows.f32"
    path.write_bytes(vectors.tobytes())
    mapped = np.memmap(path, dtype=np.float32, mode="r", shape=vectors.shape)
    queries = _unit_vectors(7, seed=1)

    found = exact_top_k(mapped, queries, 10)

    expected = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    assert [set(row) for row in found.tolist()] == [set(row) for row in expected.tolist()]


def test_hnsw_recall_against_exact_search_meets_the_target():
    vectors = _unit_vectors(3000, dimension=16)
    approximate = VectorIndex.build(vectors, "hnsw")

    assert measure_recall_at_10(approximate, vectors) >= 0.95
    assert measure_recall_at_10(VectorIndex.build(vectors, "flat"), vectors) == 1.0


def test_memory_estimate_counts_vectors_and_graph_links():
    vectors = _unit_vectors(100)
    flat = VectorIndex.build(vectors, "flat")
    hnsw = VectorIndex.build(vectors, "hnsw")
    assert flat.memory_bytes == 100 * 32 * 4
    assert hnsw.memory_bytes > flat.memory_bytes


def test_search_depth_is_deepened_until_recall_meets_the_target(tmp_path):
    vectors = _unit_vectors(4000, dimension=64)  # near-random vectors: hard for HNSW
    approximate = VectorIndex.build(vectors, "hnsw")

    recall = tune_search_depth(approximate, vectors, target=0.99)

    assert recall >= 0.99
    approximate.save(tmp_path / "v.faiss")
    assert measure_recall_at_10(VectorIndex.load(tmp_path / "v.faiss"), vectors) == recall


@pytest.mark.parametrize(
    ("kind", "exact_limit"),
    [("flat", 20_000), ("hnsw", 20_000), ("hnsw", 10)],  # hnsw: exact copy of the rows, then a filtered walk
)
def test_a_restricted_search_returns_the_best_rows_of_the_subset_only(kind, exact_limit, monkeypatch):
    monkeypatch.setattr("index.store.vectors.EXACT_SUBSET_LIMIT", exact_limit)
    vectors = _unit_vectors(3000, seed=1)
    index = VectorIndex.build(vectors, kind)
    rows = np.arange(1000, 1300)  # 10% of the index, like a channel's collection
    subset = index.subset(rows)

    for query in vectors[[0, 1100, 2500]]:
        found = index.search(query, 20, subset)
        truth = rows[np.argsort(-(vectors[rows] @ query))[:20]]
        assert {row for row, _ in found} <= set(rows.tolist())
        assert len({row for row, _ in found} & set(truth.tolist())) >= 18  # exact, or near it for HNSW
    assert index.search(vectors[0], 5, index.subset(np.array([], dtype=np.int64))) == []


def test_a_restricted_search_never_asks_for_every_row(monkeypatch, write_articles, tmp_path):
    """A channel mapped to collections searches those rows, not the whole index filtered afterwards."""
    files = {
        f"{section}/a{n}.txt": f"Titre {n}\n\nLe texte {section} numéro {n}."
        for section in "ab"
        for n in range(40)
    }
    rebuild(write_articles(files), tmp_path / "index", FakeEmbedder())
    retriever = Retriever(
        open_published(tmp_path / "index"), FakeEmbedder(), RetrievalOptions(min_confidence=0.0)
    )
    asked: list[int] = []
    search = VectorIndex.search

    def spy(self, query, k, within=None):
        asked.append(k)
        return search(self, query, k, within)

    monkeypatch.setattr(VectorIndex, "search", spy)
    hits = retriever.search("le texte numéro 3", 3, collections=["b"])
    retriever.close()
    assert hits and all(hit.article.collection == "b" for hit in hits)
    assert max(asked) < 80  # the index holds 80 passages
