"""Helpers for running a real discord.py client against the emulator (imports discord lazily)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, TypeVar

import yarl

if TYPE_CHECKING:
    import discord

    from .server import DiscordEmulator

ClientT = TypeVar("ClientT", bound="discord.Client")


@contextlib.contextmanager
def pointed_at(emu: DiscordEmulator) -> Iterator[None]:
    """Point discord.py's two endpoint constants at the emulator, restoring them afterwards.

    `Route.BASE` serves REST and the interaction webhooks (read when each Route is built);
    `DiscordWebSocket.DEFAULT_GATEWAY` is where Client/Bot connect (AutoSharded clients use
    the URL from GET /gateway/bot, which is the emulator's as well).
    """
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = emu.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@contextlib.asynccontextmanager
async def running(
    client: ClientT, token: str, *, timeout: float = 10, reconnect: bool = True
) -> AsyncIterator[ClientT]:
    """Log in, connect, wait for `on_ready`, and close the client on exit.

    Startup failures surface as the client raises them (LoginFailure, PrivilegedIntentsRequired...).

    Pass `guild_ready_timeout=0.1` (or similar) to the client: discord.py waits that long
    after the last GUILD_CREATE before it is ready (default 2 s).
    """
    try:
        await client.login(token)
    except BaseException:
        await client.close()
        raise
    connection = asyncio.create_task(client.connect(reconnect=reconnect), name="discord-client")
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {connection, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if connection in done:
            connection.result()
            raise RuntimeError("the client disconnected before it became ready")
        if ready not in done:
            raise TimeoutError(f"the client was not ready within {timeout}s")
        yield client
    finally:
        ready.cancel()
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await connection
