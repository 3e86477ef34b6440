"""Bot settings → the objects they describe (the index's own are built in `index.assembly`)."""

from __future__ import annotations

from bot.guards import QuestionPolicy
from bot.live_index import LiveIndex
from bot.settings import BotSettings
from index import Embedder, IndexLocation, open_retriever


def question_policy_from(settings: BotSettings) -> QuestionPolicy:
    return QuestionPolicy(
        max_chars=settings.max_question_chars,
        allowed_channels=frozenset(settings.allowed_channels),
        allow_dms=settings.allow_dms,
    )


def live_index_from(settings: BotSettings, embedder: Embedder) -> LiveIndex:
    """The bot's view of the index folder: reloads build a fresh retriever with the same model, and
    warn when the index lacks a collection a channel is given."""
    wanted = {name for names in settings.channel_collections.values() for name in names}
    return LiveIndex(IndexLocation(settings.index_dir), lambda: open_retriever(settings, embedder), wanted)
