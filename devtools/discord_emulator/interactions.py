"""Interactions: building INTERACTION_CREATE from test actions and judging the bot's responses."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import (
    ALREADY_ACKNOWLEDGED,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_WEBHOOK,
    EmulatorUsageError,
    ErrorTree,
    add_error,
    invalid_form_body,
    refuse,
    unknown,
)
from .gateway import Gateway
from .messaging import (
    CHAT_INPUT_COMMAND,
    DEFAULT,
    EPHEMERAL,
    LOADING,
    WEBHOOK_FLAGS,
    Messages,
    Upload,
    check_not_empty,
)
from .options import build_options
from .state import Channel, InteractionRecord, InteractionResponseRecord, StoredMessage, User, World

APPLICATION_COMMAND, MESSAGE_COMPONENT = 2, 3
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE, MODAL = (
    1,
    4,
    5,
    6,
    7,
    8,
    9,
)
ALLOWED_RESPONSES = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
}
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class Interactions:
    """Dispatches interactions and enforces Discord's response rules."""

    def __init__(
        self, world: World, gateway: Gateway, messages: Messages, *, deadline: float, token_ttl: float
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.messages = messages
        self.deadline = deadline
        self.token_ttl = token_ttl

    def find_command(self, path: Sequence[str], *, in_guild: bool) -> dict[str, Any]:
        """The registered command a user could invoke here, else a usage error naming what is registered."""
        name = path[0]
        scopes: list[int | None] = [self.world.guild.id, None] if in_guild else [None]
        for scope in scopes:
            for command in self.world.commands.get(scope, []):
                if (
                    command["name"] == name
                    and command.get("type", 1) == 1
                    and _usable(command, in_guild, scope)
                ):
                    return command
        registered = {str(scope): [c["name"] for c in cmds] for scope, cmds in self.world.commands.items()}
        where = "in the guild" if in_guild else "in DMs"
        raise EmulatorUsageError(
            f"/{name} is not registered {where}; did the bot sync its command tree? registered: {registered}"
        )

    async def invoke_slash(
        self, name: str, options: Mapping[str, Any], user: User, channel: Channel, locale: str
    ) -> InteractionRecord:
        """Dispatch a CHAT_INPUT application command interaction."""
        path = name.split()
        in_guild = channel.guild_id is not None
        command = self.find_command(path, in_guild=in_guild)
        resolved: dict[str, dict[str, Any]] = {}
        built = build_options(self.world, command, path[1:], options, resolved)
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1, "options": built}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return await self._dispatch(APPLICATION_COMMAND, data, user, channel, locale)

    async def component(
        self,
        message: StoredMessage,
        custom_id: str,
        component_type: int,
        values: Sequence[str] | None,
        user: User,
        locale: str,
    ) -> InteractionRecord:
        """Dispatch a MESSAGE_COMPONENT interaction for a component that exists on `message`."""
        component = _find_component(message.wire.get("components") or [], custom_id)
        if component is None:
            raise EmulatorUsageError(f"message {message.id} has no component with custom_id {custom_id!r}")
        if component.get("type") != component_type:
            raise EmulatorUsageError(
                f"{custom_id!r} is component type {component.get('type')}, not {component_type}"
            )
        if component.get("disabled"):
            raise EmulatorUsageError(f"{custom_id!r} is disabled; a user cannot use it")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            _check_values(component, values)
            data["values"] = list(values)
        channel = self.world.channel(message.channel_id)
        record = await self._dispatch(MESSAGE_COMPONENT, data, user, channel, locale, message=message)
        return record

    async def _dispatch(
        self,
        kind: int,
        data: dict[str, Any],
        user: User,
        channel: Channel,
        locale: str,
        message: StoredMessage | None = None,
    ) -> InteractionRecord:
        world = self.world
        interaction_id = world.snowflakes.next()
        token = f"aW50ZXJhY3Rpb246{interaction_id}:{secrets.token_urlsafe(24)}"
        payload = self._payload(interaction_id, token, kind, data, user, channel, locale)
        if message is not None:
            payload["message"] = message.wire
        record = InteractionRecord(
            interaction_id, token, kind, data, user.id, channel.id, channel.guild_id, locale, payload
        )
        if message is not None:
            record.original_message_id = record.component_message_id = message.id
        world.interactions[interaction_id] = record
        record.dispatched_at = time.monotonic()
        delivered = await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=channel.guild_id)
        if not delivered:
            raise EmulatorUsageError(
                "no ready bot connection receives this interaction; start the bot and await emu.wait_ready()"
            )
        world.notify()
        return record

    def _payload(
        self,
        interaction_id: int,
        token: str,
        kind: int,
        data: dict[str, Any],
        user: User,
        channel: Channel,
        locale: str,
    ) -> dict[str, Any]:
        world = self.world
        guild = world.guild
        in_guild = channel.guild_id is not None
        bot_permissions = guild.channel_permissions(world.bot.id, channel) if in_guild else 0
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(bot_permissions),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id) if in_guild else "0"},
            "context": 0 if in_guild else 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
        }
        if in_guild:
            member = guild.members.get(user.id)
            if member is None:
                raise EmulatorUsageError(f"{user.username} is not a member of the guild")
            user_permissions = guild.channel_permissions(user.id, channel)
            payload["channel"]["permissions"] = str(user_permissions)
            payload |= {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                "guild_locale": guild.preferred_locale,
                "member": member.payload(permissions=user_permissions),
            }
        else:
            payload["user"] = user.payload()
        return payload

    def _metadata(self, record: InteractionRecord) -> dict[str, Any]:
        user = self.world.users[record.user_id]
        meta: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": user.payload(),
            "authorizing_integration_owners": record.payload["authorizing_integration_owners"],
        }
        if record.type == APPLICATION_COMMAND:
            meta["name"] = record.data["name"]
            meta["command_type"] = 1
        elif record.component_message_id is not None:
            meta["interacted_message_id"] = str(record.component_message_id)
        return meta

    async def _post(
        self,
        record: InteractionRecord,
        payload: Mapping[str, Any],
        uploads: Sequence[Upload],
        channel: Channel | None = None,
        *,
        flags: int | None = None,
    ) -> StoredMessage:
        extra: dict[str, Any] = {
            "webhook_id": str(self.world.application_id),
            "application_id": str(self.world.application_id),
            "interaction_metadata": self._metadata(record),
        }
        if flags is not None:
            extra["flags"] = flags
        kind = CHAT_INPUT_COMMAND if record.type == APPLICATION_COMMAND else DEFAULT
        return await self.messages.create(
            channel or self.world.channel(record.channel_id),
            self.world.bot,
            payload,
            uploads,
            flags_allowed=WEBHOOK_FLAGS,
            extra=extra,
            message_type=kind,
            interaction_id=record.id,
        )

    async def callback(
        self, interaction_id: int, token: str, body: Mapping[str, Any], uploads: Sequence[Upload]
    ) -> dict[str, Any]:
        """POST /interactions/{id}/{token}/callback; returns the `with_response` body."""
        record = self.world.interactions.get(interaction_id)
        if record is None or record.token != token:
            raise refuse(UNKNOWN_INTERACTION)
        if record.responses:
            raise refuse(ALREADY_ACKNOWLEDGED)
        if time.monotonic() - record.dispatched_at > self.deadline:
            raise refuse(UNKNOWN_INTERACTION)
        kind = body.get("type")
        data = dict(body.get("data") or {})
        if kind not in ALLOWED_RESPONSES.get(record.type, set()):
            errors: ErrorTree = {}
            add_error(
                errors,
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction response type {kind} is invalid here",
            )
            raise invalid_form_body(errors)
        message = await self._respond(record, int(kind), data, uploads)
        record.responses.append(InteractionResponseRecord(int(kind), data or None, time.monotonic()))
        self.world.notify()
        return self._callback_body(record, int(kind), message)

    async def _respond(
        self, record: InteractionRecord, kind: int, data: dict[str, Any], uploads: Sequence[Upload]
    ) -> StoredMessage | None:
        if kind == CHANNEL_MESSAGE:
            check_not_empty(data, uploads)
            message = await self._post(record, data, uploads)
            record.original_message_id = message.id
            return message
        if kind == DEFERRED_CHANNEL_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = await self._post(record, {"flags": flags & EPHEMERAL}, (), flags=flags)
            record.original_message_id = message.id
            record.first_followup_pending = True
            return message
        if kind == UPDATE_MESSAGE:
            return await self.messages.edit(self._original(record), data, uploads)
        return None

    def _callback_body(
        self, record: InteractionRecord, kind: int, message: StoredMessage | None
    ) -> dict[str, Any]:
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            interaction["response_message_id"] = message.wire["id"]
            interaction["response_message_loading"] = kind == DEFERRED_CHANNEL_MESSAGE
            interaction["response_message_ephemeral"] = message.ephemeral
            resource["message"] = message.wire
        return {"interaction": interaction, "resource": resource}

    def by_token(self, application_id: int, token: str) -> InteractionRecord:
        """The interaction behind a webhook token; 10015 unknown, 50027 after the token's lifetime."""
        if application_id != self.world.application_id:
            raise refuse(UNKNOWN_WEBHOOK)
        for record in self.world.interactions.values():
            if record.token == token:
                if time.monotonic() - record.dispatched_at > self.token_ttl:
                    raise refuse(INVALID_WEBHOOK_TOKEN)
                return record
        raise refuse(UNKNOWN_WEBHOOK)

    async def followup(
        self,
        record: InteractionRecord,
        payload: Mapping[str, Any],
        uploads: Sequence[Upload],
        thread_id: int | None,
    ) -> StoredMessage:
        """POST /webhooks/{app}/{token}: the first follow-up after a defer fills the loading message."""
        if not record.responses:
            raise refuse(UNKNOWN_WEBHOOK)
        check_not_empty(payload, uploads)
        if record.first_followup_pending and record.original_message_id is not None:
            original = self.world.message(record.original_message_id)
            body = {k: v for k, v in payload.items() if k != "flags"}
            message = await self.messages.edit(original, body, uploads)
            record.first_followup_pending = False
        else:
            channel = self.world.channel(thread_id) if thread_id else None
            message = await self._post(record, payload, uploads, channel)
        record.followup_ids.append(message.id)
        self.world.notify()
        return message

    def webhook_message(self, record: InteractionRecord, message_ref: str) -> StoredMessage:
        """`@original` or a follow-up id belonging to this interaction."""
        if message_ref == "@original":
            if not record.responses:
                raise refuse(UNKNOWN_WEBHOOK)
            return self._original(record)
        if not message_ref.isdigit():
            raise unknown("Message", 10008)
        message_id = int(message_ref)
        if message_id not in record.followup_ids and message_id != record.original_message_id:
            raise unknown("Message", 10008)
        return self.world.message(message_id)

    async def edit_webhook_message(
        self,
        record: InteractionRecord,
        message: StoredMessage,
        payload: Mapping[str, Any],
        uploads: Sequence[Upload],
    ) -> StoredMessage:
        """PATCH a webhook message; filling the deferred message counts as the deferred reply."""
        if message.id == record.original_message_id:
            record.first_followup_pending = False
        return await self.messages.edit(message, payload, uploads)

    def _original(self, record: InteractionRecord) -> StoredMessage:
        if record.original_message_id is None:
            raise unknown("Message", 10008)
        return self.world.message(record.original_message_id)


def _usable(command: Mapping[str, Any], in_guild: bool, scope: int | None) -> bool:
    if scope is not None:
        return in_guild
    contexts = command.get("contexts")
    if contexts is not None:
        return (0 in contexts) if in_guild else (1 in contexts)
    return in_guild or command.get("dm_permission") is not False


def _find_component(components: Sequence[Mapping[str, Any]], custom_id: str) -> Mapping[str, Any] | None:
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        nested = list(component.get("components") or [])
        if component.get("accessory"):
            nested.append(component["accessory"])
        found = _find_component(nested, custom_id)
        if found is not None:
            return found
    return None


def _check_values(component: Mapping[str, Any], values: Sequence[str]) -> None:
    low, high = component.get("min_values", 1), component.get("max_values", 1)
    if not low <= len(values) <= high:
        raise EmulatorUsageError(
            f"select {component.get('custom_id')!r} takes {low}..{high} values, got {len(values)}"
        )
    offered = {option.get("value") for option in component.get("options") or []}
    if component.get("type") == 3 and not set(values) <= offered:
        raise EmulatorUsageError(
            f"values {sorted(set(values) - offered)} are not options of {component.get('custom_id')!r}"
        )
