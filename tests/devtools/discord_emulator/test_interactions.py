"""Discord's clocks on interactions: 3 s to acknowledge any kind, 15 min for follow-ups and edits."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands

from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator.discordpy import pointed_at, running
from tests.devtools.discord_emulator.clients import TOKEN, GuildBot

DEADLINE = 0.3


class SlowView(discord.ui.View):
    """A button and a select whose handlers think for `bot.slow_seconds` before answering."""

    def __init__(self, bot: ClockBot) -> None:
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(label="Go", custom_id="slow:go")
    async def go(self, interaction: discord.Interaction, button: discord.ui.Button[SlowView]) -> None:
        await self.bot.answer_late(interaction)

    @discord.ui.select(custom_id="slow:pick", options=[discord.SelectOption(label="A", value="a")])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[SlowView]) -> None:
        await self.bot.answer_late(interaction)


class ClockBot(GuildBot):
    """`/post` posts the slow view; `/later` defers and follows up after `slow_seconds`."""

    def __init__(self, guild_id: int, **options: Any) -> None:
        super().__init__(guild_id, **options)

        @app_commands.command()
        async def post(interaction: discord.Interaction) -> None:
            """Post the slow view."""
            await interaction.response.send_message("Pick one", view=SlowView(self))

        @app_commands.command()
        async def later(interaction: discord.Interaction) -> None:
            """Defer, then follow up late."""
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(self.slow_seconds)
            try:
                await interaction.followup.send("here it is")
            except discord.HTTPException as exc:
                self.errors.put_nowait(exc)
            try:
                await interaction.edit_original_response(content="edited late")
            except discord.HTTPException as exc:
                self.errors.put_nowait(exc)

        self.tree.add_command(post, guild=self.guild_object)
        self.tree.add_command(later, guild=self.guild_object)

    async def answer_late(self, interaction: discord.Interaction) -> None:
        await asyncio.sleep(self.slow_seconds)
        try:
            await interaction.response.send_message("done", ephemeral=True)
        except discord.HTTPException as exc:
            self.errors.put_nowait(exc)


async def _posted_view(emu: DiscordEmulator, bot: ClockBot, user: Any) -> int:
    completed = bot.wait_for("app_command_completion", timeout=5)
    record = await emu.invoke_slash("post", {}, user)
    await completed
    assert record.original_message_id is not None
    return record.original_message_id


@pytest.mark.parametrize("kind", ["button", "select"])
async def test_component_answered_after_the_deadline_is_unknown_interaction(
    emu: DiscordEmulator, kind: str
) -> None:
    user = emu.add_user("ida")
    bot = ClockBot(emu.guild_id)
    async with running(bot, TOKEN):
        message_id = await _posted_view(emu, bot, user)
        bot.slow_seconds = DEADLINE + 0.1
        if kind == "button":
            record = await emu.click_button(message_id, "slow:go", user)
        else:
            record = await emu.choose_select(message_id, "slow:pick", ["a"], user)
        error = await asyncio.wait_for(bot.errors.get(), timeout=5)
    assert isinstance(error, discord.NotFound) and error.code == 10062
    assert record.responses == []
    assert [r.code for r in emu.rejections] == [10062]


@pytest.mark.parametrize("kind", ["button", "select"])
async def test_component_answered_in_time_is_accepted(emu: DiscordEmulator, kind: str) -> None:
    user = emu.add_user("jo")
    bot = ClockBot(emu.guild_id)
    async with running(bot, TOKEN):
        message_id = await _posted_view(emu, bot, user)
        if kind == "button":
            record = await emu.click_button(message_id, "slow:go", user)
        else:
            record = await emu.choose_select(message_id, "slow:pick", ["a"], user)
        response = await emu.wait_for_response(record)
    assert response.type == 4
    assert emu.rejections == []


async def test_follow_ups_and_edits_after_the_token_lifetime_are_refused() -> None:
    async with DiscordEmulator(TOKEN, interaction_token_ttl=0.2) as emu:
        with pointed_at(emu):
            bot = ClockBot(emu.guild_id)
            bot.slow_seconds = 0.3
            async with running(bot, TOKEN):
                record = await emu.invoke_slash("later", {}, emu.add_user("kai"))
                follow_up = await asyncio.wait_for(bot.errors.get(), timeout=5)
                edit = await asyncio.wait_for(bot.errors.get(), timeout=5)
        assert [(e.status, e.code) for e in (follow_up, edit)] == [(401, 50027), (401, 50027)]
        assert [r.code for r in emu.rejections] == [50027, 50027]
        assert record.followup_ids == []
