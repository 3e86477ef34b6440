"""Slash commands reach Discord only when they changed: Discord allows 200 command creations a day
per server, and every sync rewrites them all."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from index import IndexLocation, write_atomically

_log = logging.getLogger(__name__)


class CommandSyncError(Exception):
    """Discord refused the slash commands: carries the sentence for the operator."""


async def command_digest(
    tree: app_commands.CommandTree[Any], guild: discord.Object | None, application_id: int | None
) -> str:
    """A fingerprint of exactly what a sync would send (names, options, translations) and where."""
    translator = tree.translator
    payload = []
    for command in tree.get_commands(guild=guild):
        if translator is not None and isinstance(command, app_commands.Command | app_commands.Group):
            payload.append(await command.get_translated_payload(tree, translator))
        else:
            payload.append(command.to_dict(tree))
    scope = {"application": application_id, "guild": guild.id if guild is not None else None}
    text = json.dumps({"scope": scope, "commands": payload}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def sync_commands(
    tree: app_commands.CommandTree[Any],
    state_file: Path,
    *,
    guild_id: int | None,
    application_id: int | None,
    force: bool = False,
) -> bool:
    """Send the commands to Discord if they changed since the last sync (or `force`); True if sent."""
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = await command_digest(tree, guild, application_id)
    if not force and _read(state_file) == digest:
        _log.info("slash commands unchanged since the last sync: not sent (`qa-bot sync-commands` forces it)")
        return False
    try:
        synced = await tree.sync(guild=guild)
    except discord.Forbidden as error:
        where = f"QA_DEV_GUILD_ID={guild_id}" if guild_id is not None else "the application"
        raise CommandSyncError(
            f"Discord refused the slash commands for {where} (403: {error.text or 'Missing Access'}): "
            "invite the bot to that server with the applications.commands scope, or fix QA_DEV_GUILD_ID"
        ) from error
    _write(state_file, digest)
    scope = f"to guild {guild_id}" if guild_id is not None else "globally (may take up to an hour to appear)"
    _log.info("synced %d slash commands %s", len(synced), scope)
    return True


def state_file_for(index_dir: Path) -> Path:
    return IndexLocation(index_dir).command_sync


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _write(path: Path, digest: str) -> None:
    try:
        write_atomically(path, (digest + "\n").encode("utf-8"))
    except OSError as error:  # the next start syncs again: harmless
        _log.warning("cannot remember the command sync in %s: %s", path, error)
