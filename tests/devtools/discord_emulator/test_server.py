"""The Discord emulator, exercised by an unmodified discord.py client as a bot would use it."""

from __future__ import annotations

import asyncio
import json
import zlib

import aiohttp
import discord
import pytest

from devtools.discord_emulator import DiscordEmulator, EmulatorUsageError
from devtools.discord_emulator.discordpy import pointed_at, running
from devtools.discord_emulator.forms import body_errors
from tests.devtools.discord_emulator.clients import TOKEN, AskBot, new_client

MESSAGES = "/channels/{channel_id}/messages"
COMMANDS = "/applications/{application_id}/guilds/{guild_id}/commands"


async def test_client_connects_over_zlib_stream_and_becomes_ready(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        guild = client.get_guild(emu.guild_id)
        assert client.is_ready() and client.user is not None and client.user.id == emu.bot_user.id
        assert guild is not None and guild.get_channel(emu.channel_id) is not None
        assert emu.identifies[0].compress == "zlib-stream"
        assert emu.identifies[0].intents == discord.Intents.default().value
    assert emu.rejections == []


async def test_heartbeats_keep_flowing_and_are_acknowledged(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        await emu.wait_until(lambda: len(emu.heartbeats) >= 3)
        assert client.latency < 1.0  # finite: every heartbeat got its ACK


async def test_bad_token_fails_login(emu: DiscordEmulator) -> None:
    client = new_client()
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()
    assert [(r.status, r.body) for r in emu.rejections] == [
        (401, {"message": "401: Unauthorized", "code": 0})
    ]


async def test_gateway_closes_4004_on_bad_token(emu: DiscordEmulator) -> None:
    inflator = zlib.decompressobj()
    async with aiohttp.ClientSession() as session:
        url = f"{emu.gateway_url}?v=10&encoding=json&compress=zlib-stream"
        async with session.ws_connect(url) as ws:
            hello = await ws.receive_bytes()
            assert hello.endswith(b"\x00\x00\xff\xff")
            assert json.loads(inflator.decompress(hello))["op"] == 10
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 513, "properties": {}}})
            closing = await ws.receive()
            assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 4004


async def test_sent_message_is_recorded(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("hello", embed=discord.Embed(title="t", description="d"))
    [message] = emu.messages(emu.channel_id)
    assert message["id"] == str(sent.id) and message["content"] == "hello"
    assert message["author"]["id"] == str(emu.bot_user.id)
    assert message["embeds"][0]["title"] == "t"
    assert emu.rejections == []


async def test_over_long_content_is_refused_with_invalid_form_body(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send("x" * 2001)
        with pytest.raises(discord.HTTPException):
            await channel.send(embed=discord.Embed(description="y" * 4097))
    assert refused.value.code == 50035
    assert emu.messages(emu.channel_id) == []
    first, second = emu.rejections
    assert first.body["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert "description" in second.body["errors"]["embeds"]["0"]


async def test_slash_command_defer_then_follow_up_fills_the_deferred_reply(emu: DiscordEmulator) -> None:
    user = emu.add_user("ana", locale="fr")
    async with running(AskBot(emu.guild_id), TOKEN):
        assert [c["name"] for c in emu.registered_commands(emu.guild_id)] == ["ask", "slow", "confirm"]
        record = await emu.invoke_slash("ask", {"question": "why"}, user, locale="fr")
        await emu.wait_until(lambda: record.followup_ids)
    assert [r.type for r in record.responses] == [5]
    reply = emu.message(record.followup_ids[0])
    assert reply["id"] == str(record.original_message_id)  # the follow-up edited the "thinking" message
    assert reply["content"] == "answer to why" and reply["flags"] == 0
    assert reply["interaction_metadata"]["user"]["id"] == str(user.id)
    assert emu.rejections == []


async def test_second_initial_response_is_already_acknowledged(emu: DiscordEmulator) -> None:
    user = emu.add_user("ben")
    async with running(AskBot(emu.guild_id), TOKEN):
        record = await emu.invoke_slash("ask", {"question": "twice"}, user)
        await emu.wait_for_response(record)
        async with aiohttp.ClientSession() as session:
            url = f"{emu.api_base}/interactions/{record.id}/{record.token}/callback"
            async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
                assert response.status == 400
                assert (await response.json())["code"] == 40060
    assert [r.code for r in emu.rejections] == [40060]


async def test_initial_response_after_the_deadline_is_unknown_interaction(emu: DiscordEmulator) -> None:
    user = emu.add_user("cy")
    bot = AskBot(emu.guild_id)
    bot.slow_seconds = 0.4  # longer than the emulator's 0.3 s deadline
    async with running(bot, TOKEN):
        await emu.invoke_slash("slow", {}, user)
        error = await asyncio.wait_for(bot.errors.get(), timeout=5)
    assert isinstance(error, discord.NotFound) and error.code == 10062
    assert [r.code for r in emu.rejections] == [10062]


async def test_ephemeral_follow_ups_stay_out_of_channel_history(emu: DiscordEmulator) -> None:
    user = emu.add_user("gus")
    bot = AskBot(emu.guild_id)

    @bot.tree.command(guild=bot.guild_object)
    async def private(interaction: discord.Interaction) -> None:
        """Answer only the asker."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="just for you")
        await interaction.followup.send("also for you", ephemeral=True)

    async with running(bot, TOKEN):
        completed = bot.wait_for("app_command_completion", timeout=5)
        record = await emu.invoke_slash("private", {}, user)
        await completed
        channel = bot.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        history = [m async for m in channel.history()]
    assert record.original_message_id is not None
    replies = [emu.message(i) for i in (record.original_message_id, *record.followup_ids)]
    assert [(m["content"], m["ephemeral"]) for m in replies] == [
        ("just for you", True),
        ("also for you", True),
    ]
    assert history == []
    assert emu.rejections == []


async def test_follow_up_before_any_response_is_unknown_webhook(emu: DiscordEmulator) -> None:
    user = emu.add_user("hal")
    bot = AskBot(emu.guild_id)
    bot.slow_seconds = 5  # never answers within the test
    async with running(bot, TOKEN):
        record = await emu.invoke_slash("slow", {}, user)
        async with aiohttp.ClientSession() as session:
            url = f"{emu.api_base}/webhooks/{emu.application_id}/{record.token}?wait=1"
            async with session.post(url, json={"content": "too early"}) as response:
                assert (response.status, (await response.json())["code"]) == (404, 10015)


async def test_button_click_round_trip(emu: DiscordEmulator) -> None:
    user = emu.add_user("dee")
    async with running(AskBot(emu.guild_id), TOKEN) as bot:
        # Click once the bot has finished with the command (and stored its view), as a person would.
        completed = bot.wait_for("app_command_completion", timeout=5)
        command = await emu.invoke_slash("confirm", {}, user)
        await completed
        assert command.original_message_id is not None
        click = await emu.click_button(command.original_message_id, "confirm:yes", user)
        await emu.wait_for_response(click)
    assert [r.type for r in click.responses] == [7]
    message = emu.message(command.original_message_id)
    assert message["content"] == "Confirmed by dee" and message["components"] == []
    assert emu.rejections == []


async def test_invoking_an_unsynced_command_is_a_test_error(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN):
        with pytest.raises(EmulatorUsageError, match="not registered"):
            await emu.invoke_slash("ask", {"question": "?"}, emu.add_user("eve"))


async def test_thread_from_message_records_messages_under_the_thread(emu: DiscordEmulator) -> None:
    async with running(new_client(), TOKEN) as client:
        channel = client.get_channel(emu.channel_id)
        assert isinstance(channel, discord.TextChannel)
        starter = await channel.send("topic")
        thread = await starter.create_thread(name="discussion")
        await thread.send("inside")
        await emu.wait_until(lambda: channel.guild.get_thread(thread.id))
    assert thread.id == starter.id
    assert [m["content"] for m in emu.messages(thread.id)] == ["inside"]
    assert emu.rejections == []


async def test_unknown_route_is_a_visible_rejection(emu: DiscordEmulator) -> None:
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.get(f"{emu.api_base}/no/such") as response,
    ):
        assert response.status == 404
    assert [(r.path, r.status, r.body) for r in emu.rejections] == [
        ("/api/v10/no/such", 404, {"message": "404: Not Found", "code": 0})
    ]


async def test_reconnect_resumes_the_session(emu: DiscordEmulator) -> None:
    client = new_client()
    async with running(client, TOKEN):
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await emu.request_reconnect()
        await resumed
    assert len(emu.identifies) == 1


class ShardedClient(discord.AutoShardedClient):
    """discord.py waits 5 s between shard IDENTIFYs; the emulator has no such limit."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def test_auto_sharded_client_asks_for_shards_and_gets_the_guild_on_its_shard() -> None:
    async with DiscordEmulator(TOKEN, shard_count=2) as emulator:
        with pointed_at(emulator):
            client = ShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
            async with running(client, TOKEN):
                assert client.shard_count == 2
                assert client.get_guild(emulator.guild_id) is not None
        assert sorted(i.shard for i in emulator.identifies if i.shard) == [(0, 2), (1, 2)]


def test_limits_report_each_breach_where_discord_does() -> None:
    embed = {"title": "t" * 257, "fields": [{"name": "n", "value": "v" * 1025}]}
    errors = body_errors("POST", MESSAGES, {"content": "ok", "embeds": [embed]})
    assert set(errors["embeds"]["0"]) == {"title", "fields"}
    too_big = [{"description": "d" * 4000}, {"description": "d" * 2001}]
    errors = body_errors("POST", MESSAGES, {"embeds": too_big})
    assert errors["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"
    select = {"type": 3, "custom_id": "pick", "options": [{"label": "a", "value": "a"}]}
    button = {"type": 2, "style": 1, "custom_id": "go", "label": "Go"}
    row = {"type": 1, "components": [select, button]}
    width = body_errors("POST", MESSAGES, {"components": [row]})["components"]["0"]["components"]
    assert width["_errors"][0]["code"] == "COMPONENT_LAYOUT_WIDTH_EXCEEDED"
    commands = [{"name": "Ask", "description": "x" * 101}]
    assert set(body_errors("PUT", COMMANDS, commands)["0"]) == {"name", "description"}
