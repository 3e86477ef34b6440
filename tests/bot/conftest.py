"""Fixtures for running the real bot (discord.py, unmodified) against the local Discord emulator."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.client import create_bot
from bot.live_index import LiveIndex
from bot.settings import BotSettings
from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator.discordpy import pointed_at, running
from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from index.search.retriever import RetrievalOptions, Retriever
from index.store.loader import open_published
from index.store.versions import IndexLocation

ARTICLES = {
    "volcan.txt": "url: https://news.example/volcan\ndate: 2024-05-02\n\nÉruption du Hekla\n\n"
    "Le volcan Hekla est entré en éruption ce matin en Islande. Les cendres couvrent la vallée.",
    "train.txt": "Grève des trains\n\nLes conducteurs de train sont en grève depuis lundi. "
    "Aucun train ne circule.",
    "annonce.txt": "Annonce aux abonnés\n\n@everyone @here le festival de jazz commence samedi, "
    "écrivez à <@123456789012345678> ou au rôle <@&234567890123456789> pour les billets.",
}


class SlowFakeEmbedder(FakeEmbedder):
    """Takes as long as a slow model per question, blocking its thread (as a CPU-bound model does)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def embed_queries(self, texts):
        time.sleep(self.seconds)
        return super().embed_queries(texts)


def bot_settings(index_dir: Path, guild_id: int, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "index_dir": index_dir,
        "dev_guild_id": guild_id,
        "cooldown_seconds": 0,
        "index_poll_seconds": 0,
        "min_score": 0.2,
        "passages_per_answer": 2,
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def articles_dir(write_articles) -> Path:
    return write_articles(ARTICLES)


@pytest.fixture
def index_dir(articles_dir: Path, tmp_path: Path) -> Path:
    rebuild(articles_dir, tmp_path / "index", FakeEmbedder())
    return tmp_path / "index"


def live_index(index_dir: Path, embedder: FakeEmbedder, min_score: float = 0.2) -> LiveIndex:
    def factory() -> Retriever:
        loaded = open_published(index_dir, model=embedder.model_name, dimension=embedder.dimension)
        return Retriever(loaded, embedder, RetrievalOptions(min_score=min_score))

    return LiveIndex(IndexLocation(index_dir), factory)


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator(heartbeat_interval=0.25) as emu:
        yield emu


StartBot = Callable[..., contextlib.AbstractAsyncContextManager[Any]]


@pytest.fixture
def start_bot(emulator: DiscordEmulator, index_dir: Path) -> StartBot:
    """Start the bot in this event loop against the emulator; yields (bot, live index)."""

    @contextlib.asynccontextmanager
    async def start(embedder: FakeEmbedder | None = None, *, index: Path | None = None, **overrides: Any):
        embedder = embedder or FakeEmbedder()
        settings = bot_settings(index or index_dir, emulator.guild_id, **overrides)
        live = live_index(
            index or index_dir, embedder, 0.2 if settings.min_score is None else settings.min_score
        )
        with pointed_at(emulator):
            bot = create_bot(live, settings, guild_ready_timeout=0.1)
            async with running(bot, emulator.token):
                yield bot, live

    return start
