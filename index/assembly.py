"""Settings → the objects they describe: the one place option objects are built from settings."""

from __future__ import annotations

from index.build.options import BuildOptions
from index.embed.embedder import Embedder, EmbedderOptions, load_embedder
from index.feedback.answer_log import AnswerLog
from index.ingest.passages import SplitSettings
from index.search.retriever import RetrievalOptions, Retriever
from index.settings import IndexSettings
from index.store.loader import open_published
from index.store.versions import IndexLocation


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
        overlap_sentences=settings.passage_overlap,
        drop_furniture=settings.drop_furniture,
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
    return RetrievalOptions(min_score=settings.min_score)


def open_retriever(settings: IndexSettings, embedder: Embedder) -> Retriever:
    """The published index under settings.index_dir, checked against the embedder's model."""
    index = open_published(settings.index_dir, model=embedder.model_name, dimension=embedder.dimension)
    return Retriever(index, embedder, retrieval_options_from(settings))


def answer_log_from(settings: IndexSettings) -> AnswerLog:
    """The answer and vote store beside the index versions (it survives rebuilds)."""
    return AnswerLog(
        IndexLocation(settings.index_dir).feedback,
        collect_feedback=settings.collect_feedback,
        max_age_days=settings.answer_max_age_days,
    )
