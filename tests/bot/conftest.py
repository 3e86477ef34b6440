"""Fixtures for running the real bot (discord.py, unmodified) against the local Discord emulator."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.assembly import live_index_from
from bot.live_index import LiveIndex
from bot.settings import BotSettings
from devtools.discord_emulator import DiscordEmulator, RateLimits
from devtools.fake_embedder import FakeEmbedder
from devtools.harness import bot_on_emulator, emulator_settings
from index.build.pipeline import rebuild

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


@pytest.fixture
def articles_dir(write_articles) -> Path:
    return write_articles(ARTICLES)


@pytest.fixture
def index_dir(articles_dir: Path, tmp_path: Path) -> Path:
    rebuild(articles_dir, tmp_path / "index", FakeEmbedder())
    return tmp_path / "index"


def live_index(index_dir: Path, embedder: FakeEmbedder, min_confidence: float = 0.06) -> LiveIndex:
    """The live index a bot with these settings serves, for tests that drive it without Discord."""
    settings = BotSettings(_env_file=None, index_dir=index_dir, min_confidence=min_confidence)  # type: ignore[call-arg]
    return live_index_from(settings, embedder)


# Discord's rate-limit buckets with windows 20 times shorter: the bot still meets them, quickly.
FAST_RATE_LIMITS = RateLimits(time_scale=0.05)


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator(heartbeat_interval=0.25, rate_limits=FAST_RATE_LIMITS) as emu:
        yield emu


StartBot = Callable[..., contextlib.AbstractAsyncContextManager[Any]]


# What the bot tests share: two passages an answer, a low bar (the fake embedder scores low).
TEST_SETTINGS: dict[str, Any] = {"min_confidence": 0.06, "passages_per_answer": 2}


def _starter(index_dir: Path) -> Callable[..., contextlib.AbstractAsyncContextManager[Any]]:
    @contextlib.asynccontextmanager
    async def start(
        emulator: DiscordEmulator,
        embedder: FakeEmbedder | None = None,
        *,
        index: Path | None = None,
        **overrides: Any,
    ):
        settings = emulator_settings(emulator, index or index_dir, **(TEST_SETTINGS | overrides))
        async with bot_on_emulator(emulator, settings, embedder or FakeEmbedder()) as bot:
            yield bot, bot.live

    return start


@pytest.fixture
def start_bot(emulator: DiscordEmulator, index_dir: Path) -> StartBot:
    """Start the bot in this event loop against the emulator; yields (bot, live index)."""
    start = _starter(index_dir)
    return lambda embedder=None, **overrides: start(emulator, embedder, **overrides)


@pytest.fixture
def start_bot_with(index_dir: Path) -> Callable[..., contextlib.AbstractAsyncContextManager[Any]]:
    """Start the bot against an emulator the test configured itself (deadlines, intents)."""
    return _starter(index_dir)


async def final_message(emulator: DiscordEmulator, record: Any, timeout: float = 10) -> dict[str, Any]:
    """What the user finally sees for an interaction: the deferred message once filled in, or the
    message of an immediate response."""

    def filled() -> dict[str, Any] | None:
        if record.response is None or record.original_message_id is None:
            return None  # the bot has not answered yet (a button's record points at its message until then)
        message = emulator.message(record.original_message_id)
        return message if message["content"] or message["embeds"] else None

    found = await emulator.wait_until(filled, timeout)
    assert found is not None
    return found


def from_bot(emulator: DiscordEmulator) -> Callable[[dict[str, Any]], bool]:
    """Matches messages the bot sent."""
    bot_id = str(emulator.bot_user.id)
    return lambda message: message["author"]["id"] == bot_id


def quotes(message: dict[str, Any]) -> str:
    """Every quote of an answer (its embeds' descriptions), as one text."""
    return "\n".join(embed.get("description", "") for embed in message.get("embeds", []))


def custom_id(message: dict[str, Any], prefix: str) -> str:
    """The id of the first button or menu of a message whose id starts with `prefix`."""
    ids = [c["custom_id"] for row in message.get("components", []) for c in row.get("components", [])]
    return next(found for found in ids if found.startswith(prefix))


async def answer_to(emulator: DiscordEmulator, user: Any, question: str, **send: Any) -> dict[str, Any]:
    """Post a question mentioning the bot and wait for the bot's reply to it."""
    asked = await emulator.send_message(emulator.channel_id, user, question, **send)
    is_bot = from_bot(emulator)
    return await emulator.wait_for_message(
        lambda m: is_bot(m) and (m.get("message_reference") or {}).get("message_id") == asked["id"]
    )
