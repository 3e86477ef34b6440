"""Reactions: the bot's (REST) and users' (test actions), with their gateway events."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from . import permissions as perms
from .errors import DiscordError
from .gateway import Gateway
from .state import StoredMessage, World


def emoji_key(raw: str) -> dict[str, Any]:
    """`name:id` (custom) or a unicode emoji, as discord.py puts it in the URL."""
    text = unquote(raw)
    if ":" in text:
        raise DiscordError(400, 10014, "Unknown Emoji")  # the emulated guild has no custom emojis
    return {"id": None, "name": text}


async def set_reaction(
    world: World, gateway: Gateway, stored: StoredMessage, emoji: dict[str, Any], user_id: int, add: bool
) -> None:
    """Add or remove one user's reaction and dispatch the gateway event."""
    reactors = world.reactions.setdefault(stored.id, {})
    users = reactors.setdefault(emoji["name"], set())
    changed = (user_id not in users) if add else (user_id in users)
    if add:
        users.add(user_id)
    else:
        users.discard(user_id)
    stored.wire["reactions"] = [
        _reaction({"id": None, "name": name}, who, world.bot.id) for name, who in reactors.items() if who
    ]
    world.notify()
    if not changed:
        return
    guild_id = world.channel(stored.channel_id).guild_id
    data: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": str(stored.channel_id),
        "message_id": str(stored.id),
        "emoji": emoji,
        "burst": False,
        "type": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
        member = world.guild.members.get(user_id)
        if add and member is not None:
            data["member"] = member.payload()
    if add:
        data["message_author_id"] = stored.wire["author"]["id"]
    intent = perms.INTENT_GUILD_MESSAGE_REACTIONS if guild_id else perms.INTENT_DIRECT_MESSAGE_REACTIONS
    event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
    await gateway.dispatch(event, data, guild_id=guild_id, intent=intent)


def _reaction(emoji: dict[str, Any], users: set[int], bot_id: int) -> dict[str, Any]:
    return {
        "emoji": emoji,
        "count": len(users),
        "count_details": {"burst": 0, "normal": len(users)},
        "me": bot_id in users,
        "me_burst": False,
        "burst_me": False,
        "burst_count": 0,
        "burst_colors": [],
    }
