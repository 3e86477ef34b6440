"""The Bot subclass: receives its index and settings, syncs slash commands, reports errors briefly."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import AnswerFlow
from bot.cogs.admin import AdminCog
from bot.cogs.questions import QuestionsCog
from bot.command_sync import state_file_for, sync_commands
from bot.conversations import Conversations
from bot.live_index import LiveIndex
from bot.ui.replies import NO_PINGS
from bot.ui.texts import text
from bot.ui.translations import FrenchTranslator
from bot.ui.views import DYNAMIC_ITEMS
from index import AnswerLog, answer_log_from

if TYPE_CHECKING:
    from bot.feeds_task import FeedsTask
    from bot.settings import BotSettings

_log = logging.getLogger(__name__)


def bot_intents(message_content: bool = False) -> discord.Intents:
    """Default intents; the privileged message-content intent only when the operator enabled it (a
    message that mentions the bot itself, and a DM, carry their text without it)."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    return intents


class _QABotMixin:
    """Behaviour shared by the plain and the auto-sharded bot."""

    live: LiveIndex
    settings: BotSettings
    flow: AnswerFlow
    collect_feedback: bool
    tree: app_commands.CommandTree[Any]
    _watcher: asyncio.Task[None] | None
    feeds: FeedsTask | None

    def __init__(
        self,
        live: LiveIndex,
        settings: BotSettings,
        answer_log: AnswerLog | None,
        feeds: FeedsTask | None = None,
        **options: Any,
    ) -> None:
        super().__init__(  # type: ignore[call-arg]  # discord.py's Bot or AutoShardedBot, next in the MRO
            command_prefix=commands.when_mentioned,
            intents=bot_intents(settings.message_content_intent),
            allowed_mentions=NO_PINGS,
            help_command=None,
            **options,
        )
        self.live = live
        self.settings = settings
        self.collect_feedback = settings.collect_feedback
        self.flow = AnswerFlow(
            live,
            answer_log,
            settings.passages_per_answer,
            settings.question_log,
            Conversations(settings.follow_up_minutes * 60),
        )
        self._watcher = None
        self.feeds = feeds
        # `qa-bot sync-commands`: log in, send the slash commands whatever the last sync was, stop.
        self.commands_only = False

    async def install_commands(self) -> None:
        """Slash commands, buttons and their translations (what `qa-bot sync-commands` also needs)."""
        await self.add_cog(QuestionsCog(self, self.flow, self.settings))  # type: ignore[attr-defined, arg-type]
        await self.add_cog(AdminCog(self.flow, self.settings.admin_user_ids))  # type: ignore[attr-defined]
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # type: ignore[attr-defined]
        await self.tree.set_translator(FrenchTranslator())
        self.tree.on_error = self._on_app_command_error  # type: ignore[method-assign]

    async def sync(self, *, force: bool = False) -> bool:
        """Send the slash commands to Discord if they changed since the last sync."""
        return await sync_commands(
            self.tree,
            state_file_for(self.settings.index_dir),
            guild_id=self.settings.dev_guild_id,
            application_id=getattr(self, "application_id", None),
            force=force,
        )

    async def setup_hook(self) -> None:
        await self.install_commands()
        if self.commands_only:
            await self.sync(force=True)
            return
        if self.live.version is None:
            await self.live.reload()
        if self.settings.index_poll_seconds > 0:
            self._watcher = asyncio.create_task(self.live.watch(self.settings.index_poll_seconds))
            self._watcher.add_done_callback(_report_unexpected_end)
        if self.feeds is not None:
            self.feeds.start()
        await self.sync()

    async def _on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        _log.error("slash command failed: %s", error, exc_info=error)
        message = text("error", str(interaction.locale))
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)

    async def on_message(self, message: discord.Message) -> None:
        """No text commands: questions are handled by the cog's listener, nothing else is parsed."""
        return

    async def on_ready(self) -> None:
        user = getattr(self, "user", None)
        _log.info("connected as %s; serving index %s", user, self.live.version or "(none)")

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        if self.feeds is not None:
            await self.feeds.close()
        await super().close()  # type: ignore[misc]
        self.live.close()
        if self.flow.log is not None:
            self.flow.log.close()


def _report_unexpected_end(task: asyncio.Task[None]) -> None:
    """The index watcher only ends when the bot closes; say so loudly if it ever ends otherwise."""
    if not task.cancelled() and task.exception() is not None:
        _log.error("hot reload stopped: %s", task.exception(), exc_info=task.exception())


class QABot(_QABotMixin, commands.Bot):
    """One gateway connection: enough below 2,500 servers."""


class ShardedQABot(_QABotMixin, commands.AutoShardedBot):
    """Asks Discord how many shards it needs (GET /gateway/bot) and runs them all."""


def create_bot(
    live: LiveIndex, settings: BotSettings, *, feeds: FeedsTask | None = None, **options: Any
) -> QABot | ShardedQABot:
    """The bot the settings ask for: sharded or not, following feeds or not (options go to discord.py)."""
    cls = ShardedQABot if settings.sharded else QABot
    return cls(live, settings, answer_log_from(settings), feeds, **options)
