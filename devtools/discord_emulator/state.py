"""The emulated world: users, the guild, channels, messages, commands and interactions.

Records keep ids as ints; `payload()` methods produce Discord's wire JSON (string ids).
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import permissions as perms
from .errors import EmulatorUsageError, unknown
from .ids import SnowflakeFactory, iso_in, iso_now
from .overwrites import MEMBER, Overwrite, channel_permissions, guild_permissions

T = TypeVar("T")

TEXT, DM, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 11, 12
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})


@dataclass
class User:
    """A Discord account (human or bot)."""

    id: int
    username: str
    locale: str = "en-US"
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        """`<@id>`, as typed into a message."""
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        """The user object."""
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name if self.global_name is not None else self.username,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "primary_guild": None,
            "collectibles": None,
        }


@dataclass
class Role:
    """A guild role."""

    id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    def payload(self) -> dict[str, Any]:
        """The role object; a bot's managed role names its bot in `tags` (discord.py's `Guild.self_role`)."""
        tags = {"tags": {"bot_id": str(self.bot_id)}} if self.bot_id is not None else {}
        return tags | {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class Member:
    """A user's membership of the guild."""

    user: User
    role_ids: list[int]
    joined_at: str = field(default_factory=iso_now)

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        """The guild member object; `permissions` is included for interactions."""
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "joined_at": self.joined_at,
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Channel:
    """A text channel, DM or thread."""

    id: int
    type: int
    name: str | None
    guild_id: int | None
    position: int = 0
    parent_id: int | None = None
    owner_id: int | None = None
    recipient: User | None = None
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    last_message_id: int | None = None
    message_count: int = 0
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=iso_now)

    @property
    def is_thread(self) -> bool:
        """True for thread channels."""
        return self.type in THREAD_TYPES

    def payload(self) -> dict[str, Any]:
        """The channel object."""
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type == DM:
            recipients = [self.recipient.payload()] if self.recipient else []
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": last,
                "recipients": recipients,
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "nsfw": False,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "last_message_id": last,
            "rate_limit_per_user": 0,
            "topic": self.topic,
            "flags": 0,
        }
        if self.is_thread:
            data |= self._thread_fields()
        return data

    def _thread_fields(self) -> dict[str, Any]:
        return {
            "owner_id": str(self.owner_id),
            "message_count": self.message_count,
            "total_message_sent": self.message_count,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": iso_in(self.auto_archive_duration * 60),
                "locked": False,
                "invitable": True,
                "create_timestamp": self.created_at,
            },
            "applied_tags": [],
        }


@dataclass
class Guild:
    """The single emulated guild."""

    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    def base_permissions(self, user_id: int) -> int:
        """Guild-level permissions of a member: @everyone and their roles, before any channel overwrite."""
        member = self.members.get(user_id)
        if member is None:
            return 0
        roles = (self.roles[r].permissions for r in member.role_ids)
        return guild_permissions(self.roles[self.id].permissions, roles, owner=user_id == self.owner_id)

    def channel_permissions(self, user_id: int, channel: Channel) -> int:
        """Permissions in one channel after its overwrites (a thread uses its parent's), as Discord does."""
        member = self.members.get(user_id)
        if member is None:
            return 0
        parent = self.channels.get(channel.parent_id or 0) if channel.is_thread else None
        return channel_permissions(
            self.base_permissions(user_id),
            (parent or channel).overwrites,
            everyone_id=self.id,
            role_ids=member.role_ids,
            member_id=user_id,
            in_thread=channel.is_thread,
        )


@dataclass
class StoredMessage:
    """One message: its wire form plus what the emulator observed about it."""

    wire: dict[str, Any]
    allowed_mentions: dict[str, Any] | None
    mentions_pinged: dict[str, Any]
    ephemeral: bool = False
    interaction_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def id(self) -> int:
        """The message id."""
        return int(self.wire["id"])

    @property
    def channel_id(self) -> int:
        """The channel (or thread) the message is in."""
        return int(self.wire["channel_id"])

    def view(self) -> dict[str, Any]:
        """What tests observe: the wire JSON plus allowed_mentions, mentions_pinged, edits."""
        data = copy.deepcopy(self.wire)
        data["allowed_mentions"] = copy.deepcopy(self.allowed_mentions)
        data["mentions_pinged"] = copy.deepcopy(self.mentions_pinged)
        data["edits"] = copy.deepcopy(self.edits)
        data["ephemeral"] = self.ephemeral
        return data


@dataclass
class InteractionResponseRecord:
    """An accepted initial interaction response (callback)."""

    type: int
    data: dict[str, Any] | None
    at: float


@dataclass
class InteractionRecord:
    """An interaction the emulator dispatched and everything the bot answered to it."""

    id: int
    token: str
    type: int
    data: dict[str, Any]
    user_id: int
    channel_id: int
    guild_id: int | None
    locale: str
    payload: dict[str, Any]
    dispatched_at: float = field(default_factory=time.monotonic)
    responses: list[InteractionResponseRecord] = field(default_factory=list)
    original_message_id: int | None = None
    component_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    first_followup_pending: bool = False

    @property
    def response(self) -> InteractionResponseRecord | None:
        """The initial response, if one was accepted."""
        return self.responses[0] if self.responses else None


@dataclass
class Rejection:
    """A request the emulator refused, with the body Discord would have sent."""

    method: str
    path: str
    status: int
    body: dict[str, Any]
    request: Any = None

    @property
    def code(self) -> int:
        """Discord's JSON error code."""
        return int(self.body.get("code", 0))


@dataclass
class TypingEvent:
    """The bot triggered the typing indicator."""

    channel_id: int
    at: float


@dataclass
class Heartbeat:
    """A heartbeat a gateway connection sent."""

    connection_id: int
    shard_id: int | None
    sequence: int | None
    at: float


class World:
    """Everything the emulator knows, plus change notification for `wait_until`."""

    def __init__(self, *, guild_name: str, bot_name: str, locale: str) -> None:
        self.snowflakes = SnowflakeFactory()
        self.application_id = self.snowflakes.next()
        self.bot = User(self.application_id, bot_name, bot=True)
        self.owner = User(self.snowflakes.next(), "guild-owner")
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guild = Guild(self.snowflakes.next(), guild_name, self.owner.id, preferred_locale=locale)
        self.dm_channels: dict[int, Channel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {None: []}
        self.interactions: dict[int, InteractionRecord] = {}
        self.reactions: dict[int, dict[str, set[int]]] = {}
        self.rejections: list[Rejection] = []
        self.rate_limit_hits: list[Rejection] = []
        self.typing_events: list[TypingEvent] = []
        self.heartbeats: list[Heartbeat] = []
        self._changed = asyncio.Event()
        self._seed()

    def _seed(self) -> None:
        guild = self.guild
        guild.roles[guild.id] = Role(guild.id, "@everyone", perms.EVERYONE_DEFAULT)
        self.admin_role = self.add_role("Admin", perms.MANAGE_GUILD | perms.MANAGE_MESSAGES, position=2)
        self.bot_role = self.add_role(self.bot.username, perms.EVERYONE_DEFAULT, position=1, managed=True)
        self.bot_role.bot_id = self.bot.id
        guild.members[self.owner.id] = Member(self.owner, [])
        guild.members[self.bot.id] = Member(self.bot, [self.bot_role.id])
        self.add_channel("general")
        self.add_channel("news")

    def add_role(self, name: str, permissions: int, *, position: int = 1, managed: bool = False) -> Role:
        """Create a guild role."""
        role = Role(self.snowflakes.next(), name, permissions, position=position, managed=managed)
        self.guild.roles[role.id] = role
        return role

    def add_channel(
        self,
        name: str,
        *,
        type: int = TEXT,
        parent_id: int | None = None,
        owner_id: int | None = None,
        overwrites: list[Overwrite] | None = None,
    ) -> Channel:
        """Create a guild channel or thread."""
        position = sum(1 for c in self.guild.channels.values() if not c.is_thread)
        channel = Channel(
            self.snowflakes.next(),
            type,
            name,
            self.guild.id,
            position=position,
            parent_id=parent_id,
            owner_id=owner_id,
            overwrites=list(overwrites or []),
        )
        self.guild.channels[channel.id] = channel
        return channel

    def add_user(self, name: str, *, locale: str, manage_guild: bool, in_guild: bool = True) -> User:
        """Create a human user, a guild member unless `in_guild` is false."""
        user = User(self.snowflakes.next(), name, locale=locale)
        self.users[user.id] = user
        if in_guild:
            roles = [self.admin_role.id] if manage_guild else []
            self.guild.members[user.id] = Member(user, roles)
        return user

    def open_dm(self, user: User) -> Channel:
        """The DM channel between the bot and `user`, created on first use."""
        for channel in self.dm_channels.values():
            if channel.recipient is not None and channel.recipient.id == user.id:
                return channel
        channel = Channel(self.snowflakes.next(), DM, None, None, recipient=user)
        self.dm_channels[channel.id] = channel
        return channel

    def channel(self, channel_id: int) -> Channel:
        """A guild channel, thread or DM, else Discord's Unknown Channel."""
        found = self.guild.channels.get(channel_id) or self.dm_channels.get(channel_id)
        if found is None:
            raise unknown("Channel", 10003)
        return found

    def user(self, user_id: int) -> User:
        """A user, else Discord's Unknown User."""
        if user_id not in self.users:
            raise unknown("User", 10013)
        return self.users[user_id]

    def message(self, message_id: int, channel_id: int | None = None) -> StoredMessage:
        """A live message (in `channel_id` when given), else Discord's Unknown Message."""
        stored = self.messages.get(message_id)
        if stored is None or stored.deleted or (channel_id is not None and stored.channel_id != channel_id):
            raise unknown("Message", 10008)
        return stored

    def store(self, stored: StoredMessage) -> None:
        """Record a new message in its channel."""
        self.messages[stored.id] = stored
        self.channel_messages.setdefault(stored.channel_id, []).append(stored.id)
        channel = self.channel(stored.channel_id)
        channel.last_message_id = stored.id
        channel.message_count += 1
        self.notify()

    def channel_history(self, channel_id: int) -> list[StoredMessage]:
        """Live messages of a channel, oldest first."""
        ids = self.channel_messages.get(channel_id, [])
        return [self.messages[i] for i in ids if not self.messages[i].deleted]

    def member_permissions(self, user_id: int) -> int:
        """Guild-level permissions of `user_id`."""
        return self.guild.base_permissions(user_id)

    def set_overwrite(self, channel: Channel, overwrite: Overwrite) -> None:
        """Replace the channel's overwrite for that role or member; all-zero bits remove it."""
        kept = [o for o in channel.overwrites if (o.type, o.id) != (overwrite.type, overwrite.id)]
        channel.overwrites = kept + ([overwrite] if overwrite.allow or overwrite.deny else [])
        self.notify()

    def deny_bot(self, channel: Channel, bits: int) -> None:
        """A member overwrite denying the bot `bits` in `channel`."""
        self.set_overwrite(channel, Overwrite(self.bot.id, MEMBER, deny=bits))

    def notify(self) -> None:
        """Wake every `wait_until` so it re-checks its condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, check: Callable[[], T], timeout: float, describe: Callable[[], str]) -> T:
        """Return the first truthy `check()`; re-checked after every change."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    result = check()
                    if result:
                        return result
                    await self._changed.wait()
        except TimeoutError:
            raise EmulatorUsageError(f"timed out after {timeout}s; {describe()}") from None
