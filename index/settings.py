"""Every setting of the index and its default, once: environment variables (QA_*) and `.env`; flags override.

The option objects the pipeline takes (`BuildOptions`, `RetrievalOptions`, ...) are built from
these in `index.assembly`; where they have defaults, they read them from `DEFAULTS` here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Model names that resolve to a model shipped inside a PyPI package, so the defaults work offline.
PACKAGED_USE = "multilingual-use-v3"
PACKAGED_MINILM = "all-MiniLM-L6-v2"

VectorIndexKind = Literal["auto", "flat", "hnsw"]


class IndexSettings(BaseSettings):
    """Where articles and the index live, and how passages are cut, embedded, ranked and logged."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    articles_dir: Path = Field(Path("articles"), description="Folder of articles to index (recursive).")
    index_dir: Path = Field(Path("var/index"), description="Folder holding the published index versions.")
    embedding_model: str = Field(
        PACKAGED_USE,
        min_length=1,
        description="sentence-transformers model name or local folder; two ship with the project.",
    )
    query_prefix: str = Field("", description="Text put before each question (e5-style models: 'query: ').")
    passage_prefix: str = Field("", description="Text put before each passage (e5-style: 'passage: ').")
    embed_titles: bool = Field(True, description="Embed each passage together with its article title.")
    device: str = Field(
        "cpu",
        pattern=r"^(cpu|auto|mps|cuda(:\d+)?)$",
        description="Where to embed: cpu, cuda (or cuda:N), mps, or auto.",
    )
    encode_devices: str = Field(
        "",
        description="Comma-separated devices for sentence-transformers' multi-process pool (cuda:0,cuda:1).",
    )
    vector_index: VectorIndexKind = Field(
        "auto", description="FAISS index kind: auto (flat, HNSW above 50k), flat, hnsw."
    )
    sentence_vectors: bool = Field(
        True, description="Also embed sentences, to score passages by their best one."
    )
    batch_size: int = Field(32, ge=1, le=4096, description="Passages per embedding batch.")
    passage_words: int = Field(100, ge=20, le=1000, description="Target passage size in words.")
    passage_overlap: int = Field(
        0, ge=0, le=10, description="Sentences repeated between consecutive passages."
    )
    drop_furniture: bool = Field(
        True,
        description="Leave page furniture (date stamps, 'Lire aussi' links, credits) out of passages.",
    )
    max_article_bytes: int = Field(20_000_000, ge=1, description="Larger article files are skipped.")
    keep_versions: int = Field(3, ge=1, le=100, description="Published index versions kept on disk.")
    min_score: float = Field(
        0.25,
        ge=-1.0,
        le=2.0,
        description="Base relevance bar; the bar rises with the keyword weight a question gets.",
    )
    collect_feedback: bool = Field(True, description="Store 👍/👎 and chosen passages (hashed user ids).")
    answer_max_age_days: float = Field(
        30.0, gt=0, le=3650, description="Buttons on older answers say they expired."
    )


# The defaults alone (no environment, no .env): what option objects fall back to.
DEFAULTS = IndexSettings.model_construct()
