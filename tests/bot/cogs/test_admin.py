"""Moderators' commands: /reload needs Manage Server."""

from __future__ import annotations


async def test_reload_needs_manage_server(emulator, start_bot):
    member = emulator.add_user("henri")
    admin = emulator.add_user("iris", manage_guild=True)
    async with start_bot():
        denied = await emulator.wait_for_response(await emulator.invoke_slash("reload", {}, member))
        record = await emulator.invoke_slash("reload", {}, admin)
        await emulator.wait_for_response(record)
        await emulator.wait_until(lambda: record.followup_ids)
    assert "Manage Server" in denied.data["content"]
    assert "now serving index" in emulator.message(record.followup_ids[0])["content"]
