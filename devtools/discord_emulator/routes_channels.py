"""REST routes on channels: messages, history, typing, reactions and threads."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from . import permissions as perms
from .errors import (
    EDIT_OTHERS_MESSAGE,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    REPLY_WITHOUT_HISTORY,
    DiscordError,
    refuse,
    unknown,
)
from .http_app import API_PREFIX, backend, json_response, no_content, read_body
from .limits import is_empty_message
from .messaging import check_not_empty
from .reactions import emoji_key, set_reaction
from .state import DM, Channel, StoredMessage, TypingEvent
from .threads import start_thread

routes = web.RouteTableDef()
CHANNEL = f"{API_PREFIX}/channels/{{channel_id}}"
MESSAGE = f"{CHANNEL}/messages/{{message_id}}"
REACTION = f"{MESSAGE}/reactions/{{emoji}}/@me"


def _id(request: web.Request, key: str) -> int:
    value = request.match_info[key]
    if not value.isdigit():
        raise DiscordError(404, 0, "404: Not Found")
    return int(value)


def _granted(request: web.Request, channel: Channel) -> int:
    """The bot's permissions in the channel after its overwrites (everything in a DM)."""
    world = backend(request).world
    return perms.ALL if channel.type == DM else world.guild.channel_permissions(world.bot.id, channel)


def _channel(request: web.Request, *needed: int) -> Channel:
    """The channel, checking the bot can see it (else 50001) and holds `needed` there (else 50013)."""
    channel = backend(request).world.channel(_id(request, "channel_id"))
    granted = _granted(request, channel)
    if not granted & perms.VIEW_CHANNEL:
        raise refuse(MISSING_ACCESS)
    if any(not granted & p for p in needed):
        raise refuse(MISSING_PERMISSIONS)
    return channel


def _send_permission(request: web.Request) -> int:
    """Send Messages, or Send Messages in Threads inside a thread."""
    channel = backend(request).world.channel(_id(request, "channel_id"))
    return perms.SEND_MESSAGES_IN_THREADS if channel.is_thread else perms.SEND_MESSAGES


def _without_embeds_unless_allowed(
    request: web.Request, channel: Channel, payload: dict[str, Any]
) -> dict[str, Any]:
    """Without Embed Links Discord drops a message's embeds rather than refusing it."""
    if payload.get("embeds") and not _granted(request, channel) & perms.EMBED_LINKS:
        return payload | {"embeds": []}
    return payload


def _message(request: web.Request, channel: Channel) -> StoredMessage:
    """A message the bot can see in the channel: ephemeral ones only exist for their recipient."""
    stored = backend(request).world.message(_id(request, "message_id"), channel.id)
    if stored.ephemeral:
        raise unknown("Message", 10008)
    return stored


@routes.get(CHANNEL)
async def get_channel(request: web.Request) -> web.Response:
    """The channel object."""
    return json_response(_channel(request).payload())


@routes.post(f"{CHANNEL}/messages")
async def create_message(request: web.Request) -> web.Response:
    """Messageable.send: validated against Discord's limits, recorded and echoed on the gateway."""
    state = backend(request)
    channel = _channel(request, _send_permission(request))
    payload, uploads = await read_body(request)
    if payload.get("message_reference") and not _granted(request, channel) & perms.READ_MESSAGE_HISTORY:
        raise refuse(REPLY_WITHOUT_HISTORY)
    kept = _without_embeds_unless_allowed(request, channel, payload)
    if kept is not payload and is_empty_message(kept, len(uploads)):
        raise refuse(MISSING_PERMISSIONS)  # an embed-only message without Embed Links
    check_not_empty(kept, uploads)
    payload = kept
    stored = await state.messages.create(channel, state.world.bot, payload, uploads)
    return json_response(stored.wire)


@routes.get(f"{CHANNEL}/messages")
async def history(request: web.Request) -> web.Response:
    """Channel history, newest first, honouring limit/before/after; empty without Read Message History."""
    channel = _channel(request)
    if not _granted(request, channel) & perms.READ_MESSAGE_HISTORY:
        return json_response([])
    found = [m for m in backend(request).world.channel_history(channel.id) if not m.ephemeral]
    before, after = request.query.get("before"), request.query.get("after")
    if before:
        found = [m for m in found if m.id < int(before)]
    if after:
        found = [m for m in found if m.id > int(after)]
    limit = max(1, min(100, int(request.query.get("limit", 50))))
    chosen = found[:limit] if after else found[-limit:]
    return json_response([m.wire for m in reversed(chosen)])


@routes.get(MESSAGE)
async def get_message(request: web.Request) -> web.Response:
    """One message."""
    channel = _channel(request, perms.READ_MESSAGE_HISTORY)
    return json_response(_message(request, channel).wire)


@routes.patch(MESSAGE)
async def edit_message(request: web.Request) -> web.Response:
    """Edit one of the bot's own messages."""
    state = backend(request)
    channel = _channel(request)
    stored = _message(request, channel)
    if stored.wire["author"]["id"] != str(state.world.bot.id):
        raise refuse(EDIT_OTHERS_MESSAGE)
    payload, uploads = await read_body(request)
    await state.messages.edit(stored, _without_embeds_unless_allowed(request, channel, payload), uploads)
    return json_response(stored.wire)


@routes.delete(MESSAGE)
async def delete_message(request: web.Request) -> web.Response:
    """Delete the bot's message, or anyone's with Manage Messages."""
    state = backend(request)
    channel = _channel(request)
    stored = _message(request, channel)
    own = stored.wire["author"]["id"] == str(state.world.bot.id)
    if not own and (channel.type == DM or not _granted(request, channel) & perms.MANAGE_MESSAGES):
        raise refuse(MISSING_PERMISSIONS)
    await state.messages.delete(stored)
    return no_content()


@routes.post(f"{CHANNEL}/typing")
async def typing(request: web.Request) -> web.Response:
    """Trigger the typing indicator (recorded in `typing_events`)."""
    state = backend(request)
    channel = _channel(request, _send_permission(request))
    state.world.typing_events.append(TypingEvent(channel.id, time.monotonic()))
    state.world.notify()
    return no_content()


@routes.put(REACTION)
async def add_reaction(request: web.Request) -> web.Response:
    """The bot reacts to a message."""
    state = backend(request)
    channel = _channel(request, perms.ADD_REACTIONS, perms.READ_MESSAGE_HISTORY)
    await set_reaction(
        state.world,
        state.gateway,
        _message(request, channel),
        emoji_key(request.match_info["emoji"]),
        state.world.bot.id,
        True,
    )
    return no_content()


@routes.delete(REACTION)
async def remove_reaction(request: web.Request) -> web.Response:
    """The bot removes its reaction."""
    state = backend(request)
    channel = _channel(request)
    await set_reaction(
        state.world,
        state.gateway,
        _message(request, channel),
        emoji_key(request.match_info["emoji"]),
        state.world.bot.id,
        False,
    )
    return no_content()


@routes.post(f"{MESSAGE}/threads")
async def thread_from_message(request: web.Request) -> web.Response:
    """Start a public thread on a message; the thread takes the message's id."""
    state = backend(request)
    channel = _channel(request, perms.CREATE_PUBLIC_THREADS)
    starter = _message(request, channel)
    payload, _ = await read_body(request)
    thread = await start_thread(state.world, state.gateway, state.messages, channel, payload, starter)
    return json_response(thread.payload(), 201)


@routes.post(f"{CHANNEL}/threads")
async def thread_without_message(request: web.Request) -> web.Response:
    """Start a thread with no starter message (private unless `type` is 11)."""
    state = backend(request)
    payload, _ = await read_body(request)
    needed = perms.CREATE_PUBLIC_THREADS if payload.get("type") == 11 else perms.CREATE_PRIVATE_THREADS
    channel = _channel(request, needed)
    thread = await start_thread(state.world, state.gateway, state.messages, channel, payload, None)
    return json_response(thread.payload(), 201)
