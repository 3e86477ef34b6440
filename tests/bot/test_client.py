"""The bot client: the auto-sharded variant connects every shard and answers."""

from __future__ import annotations

from tests.bot.cogs.test_questions import _from_bot, _quotes


async def test_sharded_bot_connects_every_shard_and_answers(start_bot, emulator):
    asker = emulator.add_user("jules")
    async with start_bot(sharded=True):
        await emulator.wait_until(lambda: len(emulator.identifies) >= 1)
        await emulator.send_message(emulator.channel_id, asker, "grève des trains")
        reply = await emulator.wait_for_message(_from_bot(emulator))
    assert "grève" in _quotes(reply)
