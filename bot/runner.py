"""`qa-bot run`: load the model and index, point discord.py at the configured endpoints, connect.

Start-up failures end with one sentence and a non-zero exit code; the token never reaches a log.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

from bot.assembly import live_index_from
from bot.client import create_bot
from bot.command_sync import CommandSyncError
from bot.feeds_task import check_feeds_file, feeds_task_from
from bot.live_index import LiveIndex
from bot.settings import BotSettings
from index import ArticleIndexError, Embedder, IndexLocation, IndexNotBuiltError, Retriever, embedder_from

_log = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_FAILURE = 1


def configure_endpoints(api_base: str, gateway_url: str) -> None:
    """Send REST calls (webhooks included) and the gateway connection where the settings say."""
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class RedactSecret(logging.Filter):
    """Replaces a secret wherever it would appear in a log record."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secret and self._secret in record.getMessage():
            record.msg = record.getMessage().replace(self._secret, "[token hidden]")
            record.args = None
        return True


def hide_from_logs(secret: str) -> None:
    redact = RedactSecret(secret)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


async def serve(settings: BotSettings, token: str, embedder: Embedder) -> None:
    """Run the bot until it is closed (SIGTERM and SIGINT close it cleanly); the caller turns
    failures into exit codes."""
    live = live_index_from(settings, embedder)
    bot = create_bot(live, settings, feeds=feeds_task_from(settings, embedder, live))
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stop, bot, signum, closing)
    try:
        async with bot:
            await bot.start(token)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def _stop(bot: discord.Client, signum: int, closing: list[asyncio.Task[None]]) -> None:
    """A service manager's stop (or Ctrl-C): close the gateway properly, once."""
    if not closing:
        _log.info("received %s: closing the connection to Discord", signal.Signals(signum).name)
        closing.append(asyncio.ensure_future(bot.close()))


async def sync_only(settings: BotSettings, token: str) -> None:
    """Log in over HTTP only (no gateway) and send the slash commands, whatever the last sync was."""
    live = LiveIndex(IndexLocation(settings.index_dir), _no_index)
    bot = create_bot(live, settings)
    bot.commands_only = True
    async with bot:
        await bot.login(token)  # discord.py runs setup_hook here, which sends the commands


def _no_index() -> Retriever:
    raise IndexNotBuiltError("syncing commands needs no index")


def _token(settings: BotSettings) -> str | None:
    """The token, hidden from every log from now on; None (and a sentence) when it is not set."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print(
            "DISCORD_TOKEN is not set: put your bot's token in the environment or in .env "
            "(see the README's 'Run it on your server').",
            file=sys.stderr,
        )
        return None
    token = settings.discord_token.get_secret_value().strip()
    hide_from_logs(token)
    return token


def sync_commands_now(settings: BotSettings) -> int:
    """`qa-bot sync-commands`: send the slash commands whatever the last sync was; an exit code."""
    token = _token(settings)
    if token is None:
        return EXIT_CONFIG
    configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    code = _with_discord(sync_only(settings, token), settings)
    if code == 0:
        print("slash commands sent to Discord")
    return code


def run_bot(settings: BotSettings) -> int:
    """Start the Discord bot; returns the process exit code."""
    token = _token(settings)
    if token is None:
        return EXIT_CONFIG
    if not settings.index_dir.is_dir():
        print(
            f"no index folder at {settings.index_dir}: build one with `qa-index rebuild --index "
            f"{settings.index_dir}`, or set QA_INDEX_DIR to the folder you built",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    try:
        check_feeds_file(settings)
        embedder = embedder_from(settings)
    except ArticleIndexError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        return _with_discord(serve(settings, token, embedder), settings)
    except KeyboardInterrupt:
        return 0


def _with_discord(session: Coroutine[Any, Any, None], settings: BotSettings) -> int:
    """Run a session with Discord; what Discord or the network refuses ends as one sentence."""
    try:
        asyncio.run(session)
    except discord.LoginFailure:
        problem = "Discord rejected the token in DISCORD_TOKEN: copy it again from the Developer Portal."
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as error:
        problem = (
            f"Could not connect to Discord at {settings.discord_api_base} ({type(error).__name__}). "
            "Is the network (or DISCORD_API_BASE) reachable?"
        )
    except discord.PrivilegedIntentsRequired:
        problem = (
            "Discord refused the bot's intents: enable the Message Content intent in the Developer "
            "Portal, or unset QA_MESSAGE_CONTENT_INTENT."
        )
    except CommandSyncError as error:
        problem = f"error: {error}"
    else:
        return 0
    print(problem, file=sys.stderr)
    return EXIT_FAILURE
