"""Articles → a searchable passage index, and questions → quoted passages. Knows nothing of Discord.

The stages, one subpackage each: `ingest` (a folder → articles → passages), `embed` (text →
vectors), `store` (one index version on disk), `build` (rebuild and publish), `search` (question
→ ranked passages), `evaluation`, `feedback` (answers and votes), `cli` (`qa-index`); `text` holds
the sentence, page-furniture and keyword rules both sides share. The read side (`store`,
`search`) never imports the write side (`ingest`, `build`).

The names below are the public API. They load on first use, so answering a question never
imports the write side (trafilatura, lxml).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "DEFAULTS": "index.settings",
    "IndexSettings": "index.settings",
    "ArticleIndexError": "index.errors",
    "ArticlesError": "index.errors",
    "IndexCorruptError": "index.errors",
    "IndexMismatchError": "index.errors",
    "IndexNotBuiltError": "index.errors",
    "ModelLoadError": "index.errors",
    "RebuildLockedError": "index.errors",
    "answer_log_from": "index.assembly",
    "build_options_from": "index.assembly",
    "embedder_from": "index.assembly",
    "open_retriever": "index.assembly",
    "retrieval_options_from": "index.assembly",
    "Embedder": "index.embed.embedder",
    "IndexLocation": "index.store.versions",
    "LoadedIndex": "index.store.loader",
    "open_published": "index.store.loader",
    "ArticleInfo": "index.store.passages_db",
    "Answer": "index.search.retriever",
    "Hit": "index.search.retriever",
    "RetrievalOptions": "index.search.retriever",
    "Retriever": "index.search.retriever",
    "Period": "index.search.periods",
    "PeriodError": "index.search.periods",
    "window_between": "index.search.periods",
    "parse_period": "index.search.periods",
    "period_in_question": "index.search.periods",
    "Reading": "index.search.followups",
    "Turn": "index.search.followups",
    "read_question": "index.search.followups",
    "split_sentences": "index.text.sentences",
    "stored_day": "index.text.dates",
    "write_atomically": "index.files",
    "check_url": "index.text.urls",
    "is_safe_url": "index.text.urls",
    "furniture_spans": "index.text.furniture",
    "spans_without": "index.text.furniture",
    "text_without": "index.text.furniture",
    "BuildOptions": "index.build.options",
    "BuildReport": "index.build.options",
    "rebuild": "index.build.pipeline",
    "AnswerLog": "index.feedback.answer_log",
    "FeedbackError": "index.feedback.answer_log",
    "StoredAnswer": "index.feedback.answer_log",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ loads each name
    from index.assembly import (
        answer_log_from,
        build_options_from,
        embedder_from,
        open_retriever,
        retrieval_options_from,
    )
    from index.build.options import BuildOptions, BuildReport
    from index.build.pipeline import rebuild
    from index.embed.embedder import Embedder
    from index.errors import (
        ArticleIndexError,
        ArticlesError,
        IndexCorruptError,
        IndexMismatchError,
        IndexNotBuiltError,
        ModelLoadError,
        RebuildLockedError,
    )
    from index.feedback.answer_log import AnswerLog, FeedbackError, StoredAnswer
    from index.files import write_atomically
    from index.search.followups import Reading, Turn, read_question
    from index.search.periods import Period, PeriodError, parse_period, period_in_question, window_between
    from index.search.retriever import Answer, Hit, RetrievalOptions, Retriever
    from index.settings import DEFAULTS, IndexSettings
    from index.store.loader import LoadedIndex, open_published
    from index.store.passages_db import ArticleInfo
    from index.store.versions import IndexLocation
    from index.text.dates import stored_day
    from index.text.furniture import furniture_spans, spans_without, text_without
    from index.text.sentences import split_sentences
    from index.text.urls import check_url, is_safe_url


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
