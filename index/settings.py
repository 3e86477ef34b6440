"""One settings class for the index: environment variables (QA_*) and a `.env` file; flags override."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "multilingual-use-v3"


class IndexSettings(BaseSettings):
    """Where articles and the index live, and how passages are cut, embedded and ranked."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    articles_dir: Path = Field(Path("articles"), description="Folder of articles to index (recursive).")
    index_dir: Path = Field(Path("var/index"), description="Folder holding the published index versions.")
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="sentence-transformers model name or local folder; two ship with the project.",
    )
    query_prefix: str = Field("", description="Text put before each question (e5-style models: 'query: ').")
    passage_prefix: str = Field("", description="Text put before each passage (e5-style: 'passage: ').")
    embed_titles: bool = Field(True, description="Embed each passage together with its article title.")
    device: str = Field("cpu", description="Where to embed: cpu, cuda, or auto.")
    encode_devices: str = Field(
        "",
        description="Comma-separated devices for sentence-transformers' multi-process pool (cuda:0,cuda:1).",
    )
    vector_index: str = Field(
        "auto", description="FAISS index kind: auto (flat, HNSW above 50k), flat, hnsw."
    )
    sentence_vectors: bool = Field(
        True, description="Also embed sentences, to score passages by their best one."
    )
    batch_size: int = Field(32, ge=1, description="Passages per embedding batch.")
    passage_words: int = Field(100, ge=20, description="Target passage size in words.")
    passage_overlap: int = Field(0, ge=0, description="Sentences repeated between consecutive passages.")
    max_article_bytes: int = Field(20_000_000, ge=1, description="Larger article files are skipped.")
    keep_versions: int = Field(3, ge=1, description="Published index versions kept on disk.")
    min_score: float | None = Field(
        None, description="Relevance below which the bot abstains; empty = the calibrated default."
    )
