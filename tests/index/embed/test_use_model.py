"""The packaged multilingual USE through the project's one embedder seam."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed.embedder import PACKAGED_USE, SentenceTransformerEmbedder, load_embedder
from index.embed.use_model import USE_MAX_TOKENS


@pytest.fixture(scope="module")
def use() -> SentenceTransformerEmbedder:
    return load_embedder(PACKAGED_USE)


def test_loads_through_load_embedder_with_its_real_window(use: SentenceTransformerEmbedder) -> None:
    assert use.dimension == 512
    assert use.max_tokens == USE_MAX_TOKENS
    assert use.count_tokens("Bonjour tout le monde.") >= 4
    assert use.count_tokens("mot " * 50) > use.count_tokens("mot " * 10)


def test_embeddings_are_normalised_and_cross_lingual(use: SentenceTransformerEmbedder) -> None:
    passages = use.embed_passages(["Le chat dort sur le canapé.", "La bourse a chuté de 3 % mardi."])
    query = use.embed_queries(["The cat is sleeping on the sofa."])
    assert passages.shape == (2, 512) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    similarities = passages @ query[0]
    assert similarities[0] > similarities[1] + 0.2


def test_long_texts_are_truncated_to_the_window(use: SentenceTransformerEmbedder) -> None:
    head = "Le gouvernement a présenté son budget. " * 60
    a, b = use.embed_passages([head, head + "Le match de football a été annulé. " * 40])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-5)
    assert use.embed_passages([]).shape == (0, 512)
