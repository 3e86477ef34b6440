"""What moderators do: /reload (load the newest index now) and /stats (usage figures)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import AnswerFlow
from bot.live_index import LiveIndex
from bot.ui.replies import CONTENT_LIMIT, NO_PINGS, escape_text, trim_to_sentence
from bot.ui.texts import text
from bot.ui.views import say


class AdminCog(commands.Cog):
    """/reload for the bot's owners; /stats for members with Manage Server, about their server."""

    def __init__(self, flow: AnswerFlow, admin_user_ids: Collection[int] = ()) -> None:
        self.flow = flow
        self.admin_user_ids = frozenset(admin_user_ids)

    async def _may_reload(self, interaction: discord.Interaction) -> bool:
        """Reloading swaps the index for every server: the application's owners and listed admins only."""
        if interaction.user.id in self.admin_user_ids:
            return True
        is_owner = getattr(interaction.client, "is_owner", None)
        return bool(is_owner is not None and await is_owner(interaction.user))

    @app_commands.command(name="reload")
    @app_commands.default_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        """Load the newest published index without restarting (the bot's owners only)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self._may_reload(interaction):
            await say(interaction, text("reload_denied", str(interaction.locale)))
            return
        result = await self.flow.live.reload(force=True)
        await interaction.followup.send(result.message, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name="stats")
    @app_commands.default_permissions(manage_guild=True)
    async def stats(self, interaction: discord.Interaction) -> None:
        """Usage figures: questions, abstentions, latency, most-quoted articles, feedback."""
        locale = str(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)  # a long log takes time to count
        if interaction.guild is None or not interaction.permissions.manage_guild:
            await say(interaction, text("stats_denied", locale))
            return
        lines = index_status_lines(self.flow.live, locale)
        if self.flow.log is None or not self.flow.log.collect_feedback:
            lines.append(text("stats_off", locale))
        else:
            figures = await asyncio.to_thread(self.flow.log.stats, interaction.guild.id)
            quoted = "\n".join(
                f"{i}. {escape_text(trim_to_sentence(item.title, 120))} ({item.times})"
                for i, item in enumerate(figures.most_quoted, start=1)
            )
            lines.append(
                text(
                    "stats",
                    locale,
                    questions=figures.questions,
                    abstentions=figures.abstentions,
                    last_day=figures.last_day,
                    median_ms=figures.median_ms,
                    p95_ms=figures.p95_ms,
                    up=figures.thumbs_up,
                    down=figures.thumbs_down,
                    choices=figures.choices,
                    quoted=quoted or "—",
                )
            )
        message = "\n".join(lines)
        await say(interaction, trim_to_sentence(message, CONTENT_LIMIT))


def index_status_lines(live: LiveIndex, locale: str | None) -> list[str]:
    """What the bot serves, since when, and the last reload error, for moderators."""
    status = live.status()
    if status.version is None:
        lines = [text("stats_no_index", locale, problem=escape_text(live.problem or "—"))]
    else:
        loaded = discord.utils.format_dt(datetime.fromtimestamp(status.loaded_at or 0, UTC), "R")
        built = escape_text(status.built_at or "?")
        lines = [text("stats_index", locale, version=escape_text(status.version), built=built, loaded=loaded)]
    if status.last_error:
        when = discord.utils.format_dt(datetime.fromtimestamp(status.last_error_at or 0, UTC), "R")
        lines.append(
            text("stats_reload_error", locale, when=when, error=escape_text(status.last_error[:500]))
        )
    return lines
