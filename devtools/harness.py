"""The real bot against the local Discord emulator, in this event loop: for tests, benchmarks, scripts."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.assembly import live_index_from
from bot.client import QABot, ShardedQABot, create_bot
from bot.feeds_task import feeds_task_from
from bot.settings import BotSettings
from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator.discordpy import pointed_at, running
from index.embed.embedder import Embedder


def emulator_settings(emulator: DiscordEmulator, index_dir: Path, **overrides: Any) -> BotSettings:
    """Bot settings for a run against the emulator: commands synced to its guild, no cooldown, no polling.

    The environment and `.env` are not read for these values: a run is the same on every machine.
    """
    values: dict[str, Any] = {
        "index_dir": index_dir,
        "dev_guild_id": emulator.guild_id,
        "cooldown_seconds": 0,
        "index_poll_seconds": 0,
        **overrides,
    }
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def bot_on_emulator(
    emulator: DiscordEmulator, settings: BotSettings, embedder: Embedder, *, timeout: float = 10
) -> AsyncIterator[QABot | ShardedQABot]:
    """The bot (discord.py, unmodified) logged in to a running emulator and ready; closed on exit."""
    with pointed_at(emulator):
        # discord.py waits this long after the last GUILD_CREATE before it is ready (default 2 s).
        live = live_index_from(settings, embedder)
        feeds = feeds_task_from(settings, embedder, live)  # None unless settings.feeds_file is set
        bot = create_bot(live, settings, feeds=feeds, guild_ready_timeout=0.1)
        async with running(bot, emulator.token, timeout=timeout):
            yield bot


def is_reply_to(message: dict[str, Any], emulator: DiscordEmulator, asked_id: str) -> bool:
    """Whether an observed message is the bot's reply to the message `asked_id`."""
    reference = message.get("message_reference") or {}
    return message["author"]["id"] == str(emulator.bot_user.id) and reference.get("message_id") == asked_id


def is_answer_to(message: dict[str, Any], emulator: DiscordEmulator, interaction_id: int) -> bool:
    """Whether an observed message is the bot's filled-in answer to a slash command."""
    metadata = message.get("interaction_metadata") or {}
    return (
        message["author"]["id"] == str(emulator.bot_user.id)
        and metadata.get("id") == str(interaction_id)
        and bool(message["embeds"] or message["content"])
    )
