"""Users mention the bot by its user or by its managed role; the gateway reports each as Discord does."""

from __future__ import annotations

import asyncio

import discord

from devtools.discord_emulator import NOTHING_PINGED, DiscordEmulator
from devtools.discord_emulator.discordpy import running
from devtools.discord_emulator.mentions import MentionContext, pinged
from tests.devtools.discord_emulator.clients import TOKEN, new_client


def _listening(client: discord.Client) -> asyncio.Queue[discord.Message]:
    seen: asyncio.Queue[discord.Message] = asyncio.Queue()

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.put_nowait(message)

    return seen


async def test_mentioning_the_bots_role_lists_the_role_not_the_user(emu: DiscordEmulator) -> None:
    client = new_client()
    seen = _listening(client)
    async with running(client, TOKEN):
        sent = await emu.send_message(
            emu.channel_id, emu.add_user("ola"), "what happened?", mention_bot_role=True
        )
        message = await asyncio.wait_for(seen.get(), timeout=5)
        guild = client.get_guild(emu.guild_id)
        assert guild is not None and guild.self_role is not None
        assert guild.self_role.id == emu.bot_role_id
        assert message.role_mentions == [guild.self_role]
        assert message.mentions == []
        # A role mention is not a mention of the bot for the MESSAGE_CONTENT rule (as on Discord).
        assert message.content == ""
    assert sent["content"] == f"<@&{emu.bot_role_id}> what happened?"
    assert sent["mention_roles"] == [str(emu.bot_role_id)]
    assert sent["mentions"] == []


async def test_with_the_message_content_intent_the_role_mention_arrives_in_full(emu: DiscordEmulator) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05)
    seen = _listening(client)
    async with running(client, TOKEN):
        await emu.send_message(emu.channel_id, emu.add_user("pia"), "what happened?", mention_bot_role=True)
        message = await asyncio.wait_for(seen.get(), timeout=5)
    assert message.content == f"<@&{emu.bot_role_id}> what happened?"
    assert [role.id for role in message.role_mentions] == [emu.bot_role_id]


async def test_allowed_mentions_decide_who_is_pinged(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        silent = await channel.send("@everyone look", allowed_mentions=discord.AllowedMentions.none())
        loud = await channel.send("@everyone look")
    assert emu.message(silent.id)["mentions_pinged"] == NOTHING_PINGED
    assert emu.message(silent.id)["allowed_mentions"] == {"parse": []}
    assert emu.message(loud.id)["mentions_pinged"]["everyone"] is True


def test_allowed_mentions_follow_discord_semantics() -> None:
    context = MentionContext(
        {"1", "2"}, {"9"}, set(), can_mention_everyone=True, replied_user_id="2", author_id="5"
    )
    text = "<@1> <@&9> @here"
    assert pinged(text, None, context) == {"users": ["1", "2"], "roles": ["9"], "everyone": True}
    assert pinged(text, {"parse": []}, context) == NOTHING_PINGED
    only_one = {"users": ["1"], "replied_user": True}
    assert pinged(text, only_one, context) == {"users": ["1", "2"], "roles": [], "everyone": False}


async def test_message_content_needs_the_intent_unless_the_bot_is_mentioned(emu: DiscordEmulator) -> None:
    user = emu.add_user("fay")
    client = new_client()
    seen: asyncio.Queue[discord.Message] = asyncio.Queue()

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.put_nowait(message)

    async with running(client, TOKEN):
        await emu.send_message(emu.channel_id, user, "no mention here", mention_bot=False)
        await emu.send_message(emu.channel_id, user, "what is new?")
        hidden, shown = await seen.get(), await seen.get()
    assert hidden.content == ""
    assert shown.content == f"{emu.bot_user.mention} what is new?"
    assert client.user is not None and client.user in shown.mentions
