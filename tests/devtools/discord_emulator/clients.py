"""Small discord.py clients with the shapes a bot uses, for exercising the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from devtools.discord_emulator import DiscordEmulator

TOKEN = "test-token"


async def call(
    emu: DiscordEmulator, method: str, path: str, body: Any = None
) -> tuple[int, Any, dict[str, str]]:
    """One raw REST call as the bot (its token), for bodies discord.py would never build."""
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.request(method, f"{emu.api_base}{path}", json=body) as response,
    ):
        data = await response.json() if response.content_type == "application/json" else None
        return response.status, data, dict(response.headers)


def new_client(**options: Any) -> discord.Client:
    """A plain client; a short guild_ready_timeout so on_ready fires quickly after GUILD_CREATE."""
    return discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)


class GuildBot(commands.Bot):
    """A bot for the emulator's guild: its slash commands synced there at start, a delay its slow
    commands wait, and the HTTP errors they met."""

    def __init__(self, guild_id: int, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            **options,
        )
        self.guild_object = discord.Object(guild_id)
        self.errors: asyncio.Queue[BaseException] = asyncio.Queue()
        self.slow_seconds = 0.0

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=self.guild_object)


class AskBot(GuildBot):
    """A small bot with the shapes the real one uses: a synced slash command and a button."""

    def __init__(self, guild_id: int, **options: Any) -> None:
        super().__init__(guild_id, **options)

        @app_commands.command()
        @app_commands.describe(question="What you want to know")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            """Ask a question."""
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(
                f"answer to {question}", allowed_mentions=discord.AllowedMentions.none()
            )

        @app_commands.command()
        async def slow(interaction: discord.Interaction) -> None:
            """Answer after `slow_seconds` of (simulated) work."""
            await asyncio.sleep(self.slow_seconds)
            try:
                await interaction.response.send_message("finally")
            except discord.HTTPException as exc:
                self.errors.put_nowait(exc)

        @app_commands.command()
        async def confirm(interaction: discord.Interaction) -> None:
            """Post a message with a button."""
            await interaction.response.send_message("Sure?", view=ConfirmView())

        self.tree.add_command(ask, guild=self.guild_object)
        self.tree.add_command(slow, guild=self.guild_object)
        self.tree.add_command(confirm, guild=self.guild_object)


class ConfirmView(discord.ui.View):
    """One button that rewrites its own message."""

    @discord.ui.button(label="Yes", custom_id="confirm:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]) -> None:
        await interaction.response.edit_message(content=f"Confirmed by {interaction.user.name}", view=None)
