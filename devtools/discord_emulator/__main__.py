"""`python -m devtools.discord_emulator [--port N] [--token T]`: run the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import DiscordEmulator


async def _serve(port: int, token: str) -> None:
    async with DiscordEmulator(token=token, port=port) as emu:
        print(f"api_base    {emu.api_base}")
        print(f"gateway_url {emu.gateway_url}")
        print(
            f"token {token}  application {emu.application_id}  guild {emu.guild_id}  channel {emu.channel_id}"
        )
        print("Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(prog="python -m devtools.discord_emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port to bind on 127.0.0.1 (default: a free one)")
    parser.add_argument("--token", default="test-token", help="the bot token the emulator accepts")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.token))


if __name__ == "__main__":
    main()
