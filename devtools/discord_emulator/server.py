"""`DiscordEmulator`: the server, its seeded world, test-side actions and observations."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from . import permissions as perms
from .errors import DiscordError, EmulatorUsageError
from .forms import check_body
from .gateway import Gateway, GatewayConfig, IdentifyRecord
from .http_app import API_PREFIX, Backend, build_app
from .interactions import Interactions
from .messaging import Messages, check_not_empty
from .overwrites import MEMBER, ROLE, Overwrite
from .ratelimits import Limiter, RateLimits
from .reactions import set_reaction
from .routes_channels import routes as channel_routes
from .routes_core import routes as core_routes
from .routes_webhooks import routes as webhook_routes
from .state import (
    DM,
    TEXT,
    Channel,
    Heartbeat,
    InteractionRecord,
    InteractionResponseRecord,
    Rejection,
    TypingEvent,
    User,
    World,
)

_log = logging.getLogger(__name__)
T = TypeVar("T")
UserRef = User | int
DISCORD_RATE_LIMITS = RateLimits()
BUTTON, STRING_SELECT = 2, 3


class DiscordEmulator:
    """A local Discord (REST under /api/v10 and the gateway at /) for one bot and one guild.

    Times are in seconds. Ids on this object are ints; the message and interaction
    records it returns hold Discord's wire JSON, where ids are strings. `rate_limits` are
    Discord's buckets by default; `RateLimits(time_scale=0.05)` keeps their sizes with windows
    20 times shorter (fast tests that still meet 429s); None turns 429s off.
    """

    def __init__(
        self,
        token: str = "test-token",
        *,
        heartbeat_interval: float = 41.25,
        shard_count: int = 1,
        interaction_deadline: float = 3.0,
        interaction_token_ttl: float = 15 * 60,
        privileged_intents: int = perms.PRIVILEGED_INTENTS,
        rate_limits: RateLimits | None = DISCORD_RATE_LIMITS,
        guild_name: str = "Emulated Guild",
        guild_locale: str = "en-US",
        bot_name: str = "QA Bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self.world = World(guild_name=guild_name, bot_name=bot_name, locale=guild_locale)
        config = GatewayConfig(
            token, int(heartbeat_interval * 1000), privileged_intents, lambda: self.gateway_url
        )
        self.gateway = Gateway(self.world, config)
        self._messages = Messages(self.world, self.gateway, "https://cdn.discordapp.com/attachments")
        self._interactions = Interactions(
            self.world,
            self.gateway,
            self._messages,
            deadline=interaction_deadline,
            token_ttl=interaction_token_ttl,
        )
        self._backend = Backend(
            self.world,
            self.gateway,
            self._messages,
            self._interactions,
            token,
            shard_count,
            privileged_intents,
            lambda: self.gateway_url,
            Limiter(rate_limits) if rate_limits is not None else None,
        )
        seeded = [c for c in self.world.guild.channels.values() if c.type == TEXT]
        self.channel_id: int = seeded[0].id
        self.other_channel_id: int = seeded[1].id

    # Lifecycle

    async def start(self) -> None:
        """Bind `host` (127.0.0.1) on a free port and serve."""
        app = build_app(self._backend, [*core_routes, *channel_routes, *webhook_routes])
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        _log.info("Discord emulator on %s (gateway %s)", self.api_base, self.gateway_url)

    async def stop(self) -> None:
        """Close gateway connections and stop serving."""
        if self._runner is None:
            return
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port (after `start`)."""
        if self._port is None:
            raise EmulatorUsageError(
                "the emulator is not started: `await emu.start()` or `async with DiscordEmulator()`"
            )
        return self._port

    @property
    def api_base(self) -> str:
        """Value for `discord.http.Route.BASE`, e.g. http://127.0.0.1:PORT/api/v10."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for `DiscordWebSocket.DEFAULT_GATEWAY`, e.g. ws://127.0.0.1:PORT/."""
        return f"ws://{self.host}:{self.port}/"

    # The seeded world

    @property
    def application_id(self) -> int:
        """The application id, which is also the bot user's id."""
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        """The bot's user."""
        return self.world.bot

    @property
    def guild_id(self) -> int:
        """The one guild."""
        return self.world.guild.id

    @property
    def everyone_role_id(self) -> int:
        """@everyone (its id is the guild id)."""
        return self.world.guild.id

    @property
    def admin_role_id(self) -> int:
        """The "Admin" role (Manage Server, Manage Messages)."""
        return self.world.admin_role.id

    @property
    def bot_role_id(self) -> int:
        """The bot's managed role (named after the bot; `tags.bot_id` points at it)."""
        return self.world.bot_role.id

    def add_user(self, name: str, *, locale: str = "en-US", manage_guild: bool = False) -> User:
        """A human guild member; `manage_guild` gives them the Admin role."""
        return self.world.add_user(name, locale=locale, manage_guild=manage_guild)

    async def add_channel(self, name: str, *, deny_bot: int = 0) -> int:
        """A new text channel (CHANNEL_CREATE dispatched); `deny_bot`: a member overwrite denying the bot."""
        channel = self.world.add_channel(name)
        if deny_bot:
            self.world.deny_bot(channel, deny_bot)
        await self.gateway.dispatch(
            "CHANNEL_CREATE", channel.payload(), guild_id=self.guild_id, intent=perms.INTENT_GUILDS
        )
        return channel.id

    async def set_permission_overwrite(
        self, channel_id: int, target: UserRef, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Allow or deny bits for a role id (@everyone: `everyone_role_id`) or a member in a channel.

        As a moderator would in the channel's settings; CHANNEL_UPDATE is dispatched. Threads follow
        their parent channel. Zero `allow` and `deny` remove the overwrite.
        """
        channel = self.world.channel(channel_id)
        if channel.guild_id is None or channel.is_thread:
            raise EmulatorUsageError("overwrites belong to guild channels; set them on the thread's parent")
        target_id = target.id if isinstance(target, User) else int(target)
        if target_id in self.world.guild.roles:
            kind = ROLE
        elif target_id in self.world.guild.members:
            kind = MEMBER
        else:
            raise EmulatorUsageError(f"{target_id} is neither a role nor a member of the guild")
        self.world.set_overwrite(channel, Overwrite(target_id, kind, allow, deny))
        await self.gateway.dispatch(
            "CHANNEL_UPDATE", channel.payload(), guild_id=self.guild_id, intent=perms.INTENT_GUILDS
        )

    def permissions_in(self, channel_id: int, user: UserRef) -> int:
        """A member's (or the bot's) permission bits in a channel, overwrites applied as Discord does."""
        channel = self.world.channel(channel_id)
        if channel.guild_id is None:
            return perms.ALL
        return self.world.guild.channel_permissions(self._user(user).id, channel)

    def open_dm(self, user: UserRef) -> int:
        """The DM channel between the bot and `user`."""
        return self.world.open_dm(self._user(user)).id

    def _user(self, user: UserRef) -> User:
        user_id = user.id if isinstance(user, User) else int(user)
        if user_id not in self.world.users:
            raise EmulatorUsageError(f"unknown user {user_id}; create one with emu.add_user(name)")
        return self.world.users[user_id]

    # Test-side actions

    async def send_message(
        self,
        channel_id: int,
        author: UserRef,
        content: str,
        *,
        mention_bot: bool = True,
        mention_bot_role: bool = False,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A user posts in a channel, thread or DM; in guild channels it @mentions the bot by default.

        `mention_bot_role=True` mentions the bot's managed role (`<@&ROLE_ID>`) instead, as Discord's
        mention picker often does: MESSAGE_CREATE then lists the role in `mention_roles`, `mentions`
        stays empty, and a bot without the MESSAGE_CONTENT intent gets no content (as on Discord).
        """
        channel = self.world.channel(channel_id)
        user = self._user(author)
        self._check_can_post(channel, user)
        if mention_bot_role and channel.type != DM:
            role_mention = f"<@&{self.bot_role_id}>"
            content = content if role_mention in content else f"{role_mention} {content}"
        elif mention_bot and channel.type != DM and self.bot_user.mention not in content:
            content = f"{self.bot_user.mention} {content}"
        payload: dict[str, Any] = {"content": content}
        if reply_to is not None:
            payload["message_reference"] = {"message_id": str(reply_to)}
        try:
            check_body("POST", f"/channels/{channel.id}/messages", payload)
            check_not_empty(payload)
            stored = await self._messages.create(channel, user, payload)
        except DiscordError as exc:
            raise EmulatorUsageError(f"Discord would not accept this user message: {exc.body()}") from None
        return stored.view()

    def _check_can_post(self, channel: Channel, user: User) -> None:
        if channel.type == DM:
            if channel.recipient is None or channel.recipient.id != user.id:
                raise EmulatorUsageError(f"{user.username} is not the recipient of DM channel {channel.id}")
            return
        if user.id not in self.world.guild.members:
            raise EmulatorUsageError(f"{user.username} is not a guild member")
        send = perms.SEND_MESSAGES_IN_THREADS if channel.is_thread else perms.SEND_MESSAGES
        if not self.world.guild.channel_permissions(user.id, channel) & send:
            raise EmulatorUsageError(f"{user.username} may not send messages in channel {channel.id}")

    async def invoke_slash(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        user: UserRef,
        *,
        channel_id: int | None = None,
        locale: str = "en-US",
        guild: bool = True,
    ) -> InteractionRecord:
        """A user runs `/name` (sub-commands: "parent sub"); `guild=False`: in their DM with the bot."""
        who = self._user(user)
        channel = self.world.channel(channel_id or self.channel_id) if guild else self.world.open_dm(who)
        return await self._interactions.invoke_slash(name, options or {}, who, channel, locale)

    async def click_button(
        self, message_id: int, custom_id: str, user: UserRef, *, locale: str = "en-US"
    ) -> InteractionRecord:
        """A user clicks a button on a message."""
        message = self._live_message(message_id)
        return await self._interactions.component(message, custom_id, BUTTON, None, self._user(user), locale)

    async def choose_select(
        self, message_id: int, custom_id: str, values: Sequence[str], user: UserRef, *, locale: str = "en-US"
    ) -> InteractionRecord:
        """A user picks `values` in a select menu on a message."""
        message = self._live_message(message_id)
        return await self._interactions.component(
            message, custom_id, STRING_SELECT, values, self._user(user), locale
        )

    async def add_reaction(self, message_id: int, emoji: str, user: UserRef) -> None:
        """A user reacts with a unicode emoji."""
        await set_reaction(
            self.world,
            self.gateway,
            self._live_message(message_id),
            {"id": None, "name": emoji},
            self._user(user).id,
            True,
        )

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT to every connection; discord.py then RESUMEs."""
        await self.gateway.request_reconnect()

    def _live_message(self, message_id: int) -> Any:
        stored = self.world.messages.get(int(message_id))
        if stored is None or stored.deleted:
            raise EmulatorUsageError(f"no message {message_id}")
        return stored

    # Observation

    def messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Live messages (ephemeral included) of a channel, thread or DM, or of all channels; oldest first."""
        stored = (
            self.world.messages.values()
            if channel_id is None
            else self.world.channel_history(int(channel_id))
        )
        return [m.view() for m in stored if not m.deleted]

    def message(self, message_id: int) -> dict[str, Any]:
        """One message as observed (deleted ones included, with `deleted` set)."""
        stored = self.world.messages.get(int(message_id))
        if stored is None:
            raise EmulatorUsageError(f"no message {message_id}")
        return stored.view() | {"deleted": stored.deleted}

    def interaction(self, interaction_id: int) -> InteractionRecord:
        """An interaction record with its responses and follow-ups."""
        return self.world.interactions[int(interaction_id)]

    @property
    def rejections(self) -> list[Rejection]:
        """Every request refused, in order (assert `emu.rejections == []`)."""
        return self.world.rejections

    @property
    def rate_limit_hits(self) -> list[Rejection]:
        """Every 429 the emulator answered, in order; kept apart from `rejections` (clients retry these)."""
        return self.world.rate_limit_hits

    @property
    def typing_events(self) -> list[TypingEvent]:
        """Typing indicators the bot triggered."""
        return self.world.typing_events

    @property
    def heartbeats(self) -> list[Heartbeat]:
        """Heartbeats received, across connections."""
        return self.world.heartbeats

    @property
    def identifies(self) -> list[IdentifyRecord]:
        """Accepted IDENTIFYs (intents, shard, compression)."""
        return self.gateway.identifies

    def registered_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """Commands synced globally (None) or to a guild."""
        return list(self.world.commands.get(guild_id, []))

    async def wait_until(self, check: Callable[[], T], timeout: float = 10) -> T:
        """The first truthy `check()`, re-evaluated whenever the emulator's state changes."""
        return await self.world.wait_until(check, timeout, self._describe)

    async def wait_ready(self, timeout: float = 10) -> None:
        """Until a connection has been sent READY and its GUILD_CREATE."""
        await self.wait_until(self.gateway.ready_connections, timeout)

    async def wait_for_message(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10
    ) -> dict[str, Any]:
        """The first message (existing or future, any channel) whose observed form satisfies `predicate`."""

        def find() -> dict[str, Any] | None:
            return next((view for view in self.messages() if predicate(view)), None)

        found = await self.wait_until(find, timeout)
        assert found is not None
        return found

    async def wait_for_response(
        self, record: InteractionRecord, timeout: float = 10
    ) -> InteractionResponseRecord:
        """The initial response to an interaction."""
        response = await self.wait_until(lambda: record.response, timeout)
        assert response is not None
        return response

    def _describe(self) -> str:
        recent = [(m["channel_id"], m["author"]["username"], m["content"][:60]) for m in self.messages()[-5:]]
        ready = len(self.gateway.ready_connections())
        return f"ready connections: {ready}; last messages: {recent}; rejections: {self.rejections}"
