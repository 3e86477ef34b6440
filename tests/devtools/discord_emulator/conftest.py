"""The emulator under test, with discord.py pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from devtools.discord_emulator import DiscordEmulator
from devtools.discord_emulator.discordpy import pointed_at
from tests.devtools.discord_emulator.clients import TOKEN


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    """An emulator with fast heartbeats and a short interaction deadline, discord.py pointed at it."""
    async with DiscordEmulator(TOKEN, heartbeat_interval=0.1, interaction_deadline=0.3) as emulator:
        with pointed_at(emulator):
            yield emulator
