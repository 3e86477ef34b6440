"""Settings → the objects they describe: the one place option objects are built from settings."""

from __future__ import annotations

import logging

from index.build.options import BuildOptions
from index.embed.embedder import Embedder, EmbedderOptions, load_embedder
from index.feedback.answer_log import AnswerLog, UnreadableFeedbackError
from index.feeds.options import FetchOptions, FollowOptions
from index.files import set_aside
from index.ingest.passages import SplitSettings
from index.search.retriever import RetrievalOptions, Retriever
from index.settings import IndexSettings
from index.store.loader import open_published
from index.store.versions import IndexLocation

_log = logging.getLogger(__name__)


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
    return RetrievalOptions(
        min_confidence=settings.min_confidence, recency_half_life_days=settings.recency_half_life_days
    )


def open_retriever(settings: IndexSettings, embedder: Embedder) -> Retriever:
    """The published index under settings.index_dir, checked against the embedder's model."""
    index = open_published(settings.index_dir, model=embedder.model_name, dimension=embedder.dimension)
    return Retriever(index, embedder, retrieval_options_from(settings))


def answer_log_from(settings: IndexSettings) -> AnswerLog:
    """The answer and vote store beside the index versions (it survives rebuilds); in memory only
    when feedback collection is off, so no question is ever stored. A damaged file is moved aside
    (kept, never read again) and the bot starts a new one rather than not starting at all."""
    path = IndexLocation(settings.index_dir).feedback if settings.collect_feedback else None

    def opened() -> AnswerLog:
        return AnswerLog(
            path,
            collect_feedback=settings.collect_feedback,
            max_age_days=settings.answer_max_age_days,
            retention_days=settings.retention_days,
        )

    try:
        return opened()
    except UnreadableFeedbackError as error:
        assert path is not None
        aside = set_aside(path)
        _log.warning("%s; moved to %s: answers and votes start afresh", error, aside)
        return opened()


def fetch_options_from(settings: IndexSettings) -> FetchOptions:
    return FetchOptions(
        user_agent=settings.feeds_user_agent,
        timeout=settings.feeds_timeout_seconds,
        max_bytes=settings.feeds_max_bytes,
        host_delay=settings.feeds_host_delay_seconds,
    )


def follow_options_from(settings: IndexSettings) -> FollowOptions:
    return FollowOptions(
        max_items=settings.feeds_max_items,
        retry_seconds=settings.feeds_retry_seconds,
        retry_max_seconds=settings.feeds_retry_max_seconds,
    )
