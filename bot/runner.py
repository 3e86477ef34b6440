"""`qa-bot run`: load the model and index, point discord.py at the configured endpoints, connect.

Start-up failures end with one sentence and a non-zero exit code; the token never reaches a log.
"""

from __future__ import annotations

import asyncio
import logging
import sys

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

from bot.assembly import live_index_from
from bot.client import create_bot
from bot.feeds_task import check_feeds_file, feeds_task_from
from bot.settings import BotSettings
from index import ArticleIndexError, Embedder, embedder_from

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
    """Run the bot until it is closed; the caller turns failures into exit codes."""
    live = live_index_from(settings, embedder)
    bot = create_bot(live, settings, feeds=feeds_task_from(settings, embedder, live))
    async with bot:
        await bot.start(token)


def run_bot(settings: BotSettings) -> int:
    """Start the Discord bot; returns the process exit code."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print(
            "DISCORD_TOKEN is not set: put your bot's token in the environment or in .env "
            "(see the README's 'Run it on your server').",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    if not settings.index_dir.is_dir():
        print(
            f"no index folder at {settings.index_dir}: build one with `qa-index rebuild --index "
            f"{settings.index_dir}`, or set QA_INDEX_DIR to the folder you built",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    token = settings.discord_token.get_secret_value().strip()
    hide_from_logs(token)
    configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    try:
        check_feeds_file(settings)
        embedder = embedder_from(settings)
    except ArticleIndexError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        asyncio.run(serve(settings, token, embedder))
    except discord.LoginFailure:
        print(
            "Discord rejected the token in DISCORD_TOKEN: copy it again from the Developer Portal.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as error:
        print(
            f"Could not connect to Discord at {settings.discord_api_base} ({type(error).__name__}). "
            "Is the network (or DISCORD_API_BASE) reachable?",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except discord.PrivilegedIntentsRequired:
        print("Discord refused the bot's intents: check them in the Developer Portal.", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 0
    return 0
