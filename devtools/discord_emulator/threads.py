"""Starting threads, from a message or standalone, as Discord does."""

from __future__ import annotations

from typing import Any

from .errors import DiscordError
from .gateway import Gateway
from .messaging import HAS_THREAD, Messages
from .permissions import INTENT_GUILDS
from .state import PRIVATE_THREAD, PUBLIC_THREAD, TEXT, Channel, StoredMessage, World

THREAD_CREATED = 18


def _check(parent: Channel) -> None:
    """Names and archive durations were checked against the spec on arrival; the parent is checked here."""
    if parent.type != TEXT:
        raise DiscordError(400, 50024, "Cannot execute action on this channel type")


async def start_thread(
    world: World,
    gateway: Gateway,
    messages: Messages,
    parent: Channel,
    payload: dict[str, Any],
    starter: StoredMessage | None,
) -> Channel:
    """Create a thread (id = starter message id when there is one) and dispatch THREAD_CREATE."""
    _check(parent)
    if starter is not None and starter.wire.get("thread"):
        raise DiscordError(400, 160004, "A thread has already been created for this message")
    kind = PUBLIC_THREAD if starter is not None else int(payload.get("type") or PRIVATE_THREAD)
    thread = Channel(
        starter.id if starter is not None else world.snowflakes.next(),
        kind,
        payload["name"],
        world.guild.id,
        parent_id=parent.id,
        owner_id=world.bot.id,
        auto_archive_duration=int(payload.get("auto_archive_duration") or 1440),
    )
    world.guild.channels[thread.id] = thread
    event = thread.payload() | {"newly_created": True, "member": _self_member(thread)}
    await gateway.dispatch("THREAD_CREATE", event, guild_id=world.guild.id, intent=INTENT_GUILDS)
    if starter is not None:
        starter.wire["thread"] = thread.payload()
        starter.wire["flags"] |= HAS_THREAD
        await messages.publish(starter, "MESSAGE_UPDATE")
    elif kind == PUBLIC_THREAD:
        notice = {"content": thread.name or ""}
        await messages.create(
            parent,
            world.bot,
            notice,
            message_type=THREAD_CREATED,
            extra={"message_reference": {"channel_id": str(thread.id), "guild_id": str(world.guild.id)}},
        )
    world.notify()
    return thread


def _self_member(thread: Channel) -> dict[str, Any]:
    return {
        "id": str(thread.id),
        "user_id": str(thread.owner_id),
        "join_timestamp": thread.created_at,
        "flags": 0,
    }
