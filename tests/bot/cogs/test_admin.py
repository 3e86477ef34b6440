"""Moderators' commands: /reload for the bot's owners (it swaps the index for every server), /stats
for members with Manage Server, about their own server."""

from __future__ import annotations

from tests.bot.conftest import final_message


async def test_reload_is_for_the_bots_owners_not_every_server_admin(emulator, start_bot):
    admin = emulator.add_user("iris", manage_guild=True)
    listed = emulator.add_user("jade")
    async with start_bot(admin_user_ids=[listed.id]):
        denied = await final_message(emulator, await emulator.invoke_slash("reload", {}, admin))
        owner = await final_message(emulator, await emulator.invoke_slash("reload", {}, emulator.world.owner))
        allowed = await final_message(emulator, await emulator.invoke_slash("reload", {}, listed))
    assert "Only the bot's owners" in denied["content"] and denied["ephemeral"]
    assert "now serving index" in owner["content"] and "now serving index" in allowed["content"]
    assert emulator.rejections == []


async def test_stats_count_this_servers_questions_and_show_the_index_served(emulator, start_bot):
    admin = emulator.add_user("kira", manage_guild=True)
    member = emulator.add_user("leo")
    async with start_bot() as (bot, live):
        served = live.version
        bot.flow.log.record_answer("ailleurs ?", await live.answer("grève", 1), user_id=1, guild_id=999)
        await emulator.send_message(emulator.channel_id, member, "grève des trains")
        await emulator.wait_until(lambda: len(emulator.messages(emulator.channel_id)) >= 2)
        figures = await final_message(emulator, await emulator.invoke_slash("stats", {}, admin))
        denied = await final_message(emulator, await emulator.invoke_slash("stats", {}, member))
    assert "1 questions" in figures["content"]  # the answer recorded for another server is not counted
    assert f"version {served}" in figures["content"]
    assert "Manage Server" in denied["content"] and denied["ephemeral"]
