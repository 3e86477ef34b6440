"""Turns settings into the objects they describe: embedder, build options, retriever."""

from __future__ import annotations

from index.build.options import BuildOptions
from index.embed.embedder import Embedder, EmbedderOptions, load_embedder
from index.ingest.passages import SplitSettings
from index.search.retriever import DEFAULT_MIN_SCORE, RetrievalOptions, Retriever
from index.settings import IndexSettings
from index.store.loader import open_published


def embedder_from(settings: IndexSettings) -> Embedder:
    options = EmbedderOptions(
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
        device=settings.device,
        batch_size=settings.batch_size,
    )
    return load_embedder(settings.embedding_model, options)


def build_options_from(settings: IndexSettings, *, strict: bool = False) -> BuildOptions:
    split = SplitSettings(
        target_words=settings.passage_words,
        max_words=max(settings.passage_words * 8 // 5, settings.passage_words + 10),
        overlap_sentences=settings.passage_overlap,
    )
    devices = tuple(device.strip() for device in settings.encode_devices.split(",") if device.strip())
    return BuildOptions(
        split=split,
        embed_titles=settings.embed_titles,
        vector_index=settings.vector_index,
        devices=devices,
        sentence_vectors=settings.sentence_vectors,
        keep_versions=settings.keep_versions,
        max_article_bytes=settings.max_article_bytes,
        strict=strict,
    )


def retrieval_options_from(settings: IndexSettings) -> RetrievalOptions:
    min_score = DEFAULT_MIN_SCORE if settings.min_score is None else settings.min_score
    return RetrievalOptions(min_score=min_score)


def open_retriever(settings: IndexSettings, embedder: Embedder) -> Retriever:
    """The published index under settings.index_dir, checked against the embedder's model."""
    index = open_published(settings.index_dir, model=embedder.model_name, dimension=embedder.dimension)
    return Retriever(index, embedder, retrieval_options_from(settings))
