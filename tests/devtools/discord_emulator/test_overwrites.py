"""Channel permission overwrites, computed in Discord's order and enforced with 50001 / 50013."""

from __future__ import annotations

import discord
import pytest

from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator import permissions as perms
from devtools.discord_emulator.discordpy import running
from devtools.discord_emulator.overwrites import MEMBER, ROLE, Overwrite, channel_permissions
from tests.devtools.discord_emulator.clients import TOKEN, new_client

EVERYONE, MODS, BOT = 1, 2, 3


def _in_channel(base: int, *overwrites: Overwrite, roles: tuple[int, ...] = (MODS,)) -> int:
    return channel_permissions(base, overwrites, everyone_id=EVERYONE, role_ids=roles, member_id=BOT)


def test_overwrites_apply_everyone_then_roles_then_the_member() -> None:
    base = perms.EVERYONE_DEFAULT
    no_send = Overwrite(EVERYONE, ROLE, deny=perms.SEND_MESSAGES)
    assert not _in_channel(base, no_send) & perms.SEND_MESSAGES
    role_allows = Overwrite(MODS, ROLE, allow=perms.SEND_MESSAGES)
    assert _in_channel(base, no_send, role_allows) & perms.SEND_MESSAGES
    member_denies = Overwrite(BOT, MEMBER, deny=perms.SEND_MESSAGES)
    assert not _in_channel(base, no_send, role_allows, member_denies) & perms.SEND_MESSAGES
    # Role overwrites act together: an allow on one role beats a deny on another.
    other_denies = Overwrite(4, ROLE, deny=perms.SEND_MESSAGES)
    assert _in_channel(base, no_send, role_allows, other_denies, roles=(MODS, 4)) & perms.SEND_MESSAGES
    assert _in_channel(perms.ALL, Overwrite(BOT, MEMBER, deny=perms.VIEW_CHANNEL)) == perms.ALL  # admins


def test_losing_view_channel_or_send_messages_takes_their_dependants() -> None:
    base = perms.EVERYONE_DEFAULT
    assert _in_channel(base, Overwrite(EVERYONE, ROLE, deny=perms.VIEW_CHANNEL)) == 0
    muted = _in_channel(base, Overwrite(BOT, MEMBER, deny=perms.SEND_MESSAGES))
    assert not muted & (perms.EMBED_LINKS | perms.ATTACH_FILES | perms.MENTION_EVERYONE)
    assert muted & perms.READ_MESSAGE_HISTORY


async def _text_channel(client: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = client.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_hidden_channel_is_missing_access_until_a_role_overwrite_shows_it(emu: DiscordEmulator) -> None:
    await emu.set_permission_overwrite(emu.channel_id, emu.everyone_role_id, deny=perms.VIEW_CHANNEL)
    async with running(new_client(), TOKEN) as client:
        channel = await _text_channel(client, emu.channel_id)
        with pytest.raises(discord.Forbidden) as hidden:
            await channel.send("hello?")
        await emu.set_permission_overwrite(emu.channel_id, emu.bot_role_id, allow=perms.VIEW_CHANNEL)
        await emu.wait_until(lambda: channel.permissions_for(channel.guild.me).view_channel)
        await channel.send("now I can")
    assert hidden.value.code == 50001
    assert [m["content"] for m in emu.messages(emu.channel_id)] == ["now I can"]


async def test_deny_bot_is_a_member_overwrite_discord_py_sees_too(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel_id = await emu.add_channel("read-only", deny_bot=perms.SEND_MESSAGES)
        await emu.wait_until(lambda: client.get_channel(channel_id))
        channel = await _text_channel(client, channel_id)
        assert not channel.permissions_for(channel.guild.me).send_messages
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("hello")
        with pytest.raises(discord.Forbidden):
            await channel.typing()  # the typing indicator needs Send Messages too
    assert refused.value.code == 50013
    assert [(r.status, r.code) for r in emu.rejections] == [(403, 50013), (403, 50013)]
    overwrite = {"id": str(emu.bot_user.id), "type": 1, "allow": "0", "deny": str(perms.SEND_MESSAGES)}
    assert emu.world.channel(channel_id).payload()["permission_overwrites"] == [overwrite]


async def test_embeds_are_dropped_without_embed_links_and_an_embed_only_message_is_refused(
    emu: DiscordEmulator,
) -> None:
    await emu.set_permission_overwrite(emu.channel_id, emu.bot_user, deny=perms.EMBED_LINKS)
    async with running(new_client(), TOKEN) as client:
        channel = await _text_channel(client, emu.channel_id)
        kept = await channel.send("the answer", embed=discord.Embed(description="a quote"))
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send(embed=discord.Embed(description="only a quote"))
        with pytest.raises(discord.HTTPException) as emptied:
            await kept.edit(content=None, embed=discord.Embed(description="a new quote"))
    assert kept.embeds == []
    assert [(m["content"], m["embeds"]) for m in emu.messages(emu.channel_id)] == [("the answer", [])]
    assert refused.value.code == 50013 and emptied.value.code == 50006


async def test_read_message_history_gates_history_fetches_and_replies(emu: DiscordEmulator) -> None:
    asker = emu.add_user("lea")
    question = await emu.send_message(emu.channel_id, asker, "anyone?")
    await emu.set_permission_overwrite(emu.channel_id, emu.bot_role_id, deny=perms.READ_MESSAGE_HISTORY)
    async with running(new_client(), TOKEN) as client:
        channel = await _text_channel(client, emu.channel_id)
        assert [m async for m in channel.history()] == []  # Discord answers an empty list
        with pytest.raises(discord.Forbidden) as fetch:
            await channel.fetch_message(int(question["id"]))
        with pytest.raises(discord.HTTPException) as reply:
            await channel.get_partial_message(int(question["id"])).reply("yes")
        await channel.send("a plain message still works")
    assert (fetch.value.code, reply.value.code) == (50013, 160002)
    assert reply.value.text == "Cannot reply without permission to read message history"


async def test_threads_need_create_public_threads(emu: DiscordEmulator) -> None:
    await emu.set_permission_overwrite(emu.channel_id, emu.everyone_role_id, deny=perms.CREATE_PUBLIC_THREADS)
    async with running(new_client(), TOKEN) as client:
        channel = await _text_channel(client, emu.channel_id)
        starter = await channel.send("topic")
        with pytest.raises(discord.Forbidden) as refused:
            await starter.create_thread(name="discussion")
    assert refused.value.code == 50013
    assert not any(channel.is_thread for channel in emu.world.guild.channels.values())


async def test_users_follow_overwrites_too(emu: DiscordEmulator) -> None:
    muted = emu.add_user("max")
    await emu.set_permission_overwrite(emu.channel_id, muted, deny=perms.SEND_MESSAGES)
    assert not emu.permissions_in(emu.channel_id, muted) & perms.SEND_MESSAGES
    assert emu.permissions_in(emu.channel_id, emu.add_user("nia")) & perms.SEND_MESSAGES
    with pytest.raises(Exception, match="may not send messages"):
        await emu.send_message(emu.channel_id, muted, "hello")
