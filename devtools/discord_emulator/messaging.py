"""Creating, editing and deleting messages: validation, mentions, storage and gateway events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import permissions as perms
from .errors import EMPTY_MESSAGE, ErrorTree, add_error, invalid_form_body, refuse
from .gateway import Gateway
from .ids import iso_now
from .limits import is_empty_message
from .mentions import MentionContext, pinged
from .state import DM, Channel, StoredMessage, User, World

EPHEMERAL, LOADING, HAS_THREAD = 1 << 6, 1 << 7, 1 << 5
CHANNEL_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)  # suppress embeds, silent, components v2
WEBHOOK_FLAGS = CHANNEL_FLAGS | EPHEMERAL
DEFAULT, REPLY, CHAT_INPUT_COMMAND = 0, 19, 20


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    size: int


def check_not_empty(payload: Mapping[str, Any], uploads: Sequence[Upload] = ()) -> None:
    """Raise Discord's 50006 for a new message with nothing to show (limits are checked on arrival)."""
    if is_empty_message(payload, len(uploads)):
        raise refuse(EMPTY_MESSAGE)


class Messages:
    """The message store's write side."""

    def __init__(self, world: World, gateway: Gateway, attachment_base: str) -> None:
        self.world = world
        self.gateway = gateway
        self.attachment_base = attachment_base

    async def create(
        self,
        channel: Channel,
        author: User,
        payload: Mapping[str, Any],
        uploads: Sequence[Upload] = (),
        *,
        flags_allowed: int = CHANNEL_FLAGS,
        extra: Mapping[str, Any] | None = None,
        message_type: int = DEFAULT,
        interaction_id: int | None = None,
    ) -> StoredMessage:
        """Store a new message and dispatch MESSAGE_CREATE unless it is ephemeral."""
        reference = self._reference(channel, payload.get("message_reference"))
        flags = int(payload.get("flags") or 0) & flags_allowed
        wire: dict[str, Any] = {
            "id": str(self.world.snowflakes.next()),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            "pinned": False,
            "type": REPLY if reference and message_type == DEFAULT else message_type,
            "flags": flags,
            "reactions": [],
            "attachments": self._attachments(uploads, payload),
        }
        if channel.guild_id is not None:
            wire["guild_id"] = str(channel.guild_id)
            member = self.world.guild.members.get(author.id)
            if member is not None:
                wire["member"] = member.payload(with_user=False)
        if payload.get("nonce") is not None:
            wire["nonce"] = payload["nonce"]
        if reference is not None:
            wire["message_reference"] = {
                "type": 0,
                "message_id": reference.wire["id"],
                "channel_id": str(channel.id),
            }
            if channel.guild_id is not None:
                wire["message_reference"]["guild_id"] = str(channel.guild_id)
            wire["referenced_message"] = {
                k: v for k, v in reference.wire.items() if k != "referenced_message"
            }
        wire |= dict(extra or {})
        allowed = payload.get("allowed_mentions")
        stored = StoredMessage(
            wire, allowed, {}, ephemeral=bool(flags & EPHEMERAL), interaction_id=interaction_id
        )
        self._apply_body(stored, channel, payload, fresh=True)
        self.world.store(stored)
        if channel.is_thread:
            wire["position"] = channel.message_count - 1
        await self.publish(stored, "MESSAGE_CREATE")
        return stored

    async def edit(
        self, stored: StoredMessage, payload: Mapping[str, Any], uploads: Sequence[Upload] = ()
    ) -> StoredMessage:
        """Apply an edit; pings are only recomputed when a deferred (loading) message is filled in."""
        channel = self.world.channel(stored.channel_id)
        kept_attachments = stored.wire["attachments"]
        if "attachments" in payload:
            kept_ids = {str(a.get("id")) for a in payload.get("attachments") or []}
            kept_attachments = [a for a in kept_attachments if a["id"] in kept_ids]
        result = {
            key: payload.get(key, stored.wire.get(key)) for key in ("content", "embeds", "components", "poll")
        }
        if is_empty_message(result, len(kept_attachments) + len(uploads)):
            raise refuse(EMPTY_MESSAGE)
        before = stored.view()
        filling = bool(stored.wire["flags"] & LOADING)
        if "flags" in payload and payload["flags"] is not None:
            keep = stored.wire["flags"] & (EPHEMERAL | HAS_THREAD)
            stored.wire["flags"] = keep | (int(payload["flags"]) & CHANNEL_FLAGS)
        stored.wire["flags"] &= ~LOADING
        stored.wire["attachments"] = kept_attachments + self._attachments(uploads, payload)
        if "allowed_mentions" in payload:
            stored.allowed_mentions = payload["allowed_mentions"]
        self._apply_body(stored, channel, payload, fresh=filling)
        stored.wire["edited_timestamp"] = None if filling else iso_now()
        if not filling:
            stored.edits.append(before)
        self.world.notify()
        await self.publish(stored, "MESSAGE_UPDATE")
        return stored

    async def delete(self, stored: StoredMessage) -> None:
        """Delete a message and dispatch MESSAGE_DELETE unless it was ephemeral."""
        stored.deleted = True
        self.world.notify()
        if stored.ephemeral:
            return
        data = {"id": stored.wire["id"], "channel_id": stored.wire["channel_id"]}
        guild_id = self._guild_id(stored)
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        await self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=guild_id, intent=self._intent(guild_id))

    async def publish(self, stored: StoredMessage, event: str) -> None:
        """Dispatch a message event to the bot; ephemeral messages never reach the gateway."""
        if stored.ephemeral:
            return
        guild_id = self._guild_id(stored)
        await self.gateway.dispatch(
            event, stored.wire, guild_id=guild_id, intent=self._intent(guild_id), message=True
        )

    def _apply_body(
        self, stored: StoredMessage, channel: Channel, payload: Mapping[str, Any], *, fresh: bool
    ) -> None:
        """Copy content/embeds/components from `payload` and refresh mention fields."""
        wire = stored.wire
        if "content" in payload or fresh:
            wire["content"] = str(payload.get("content") or "")
        if "embeds" in payload or fresh:
            wire["embeds"] = [{"type": "rich"} | dict(e) for e in payload.get("embeds") or []]
        if "components" in payload or fresh:
            wire["components"] = list(payload.get("components") or [])
        if "poll" in payload:
            wire["poll"] = payload["poll"]
        context = self._mention_context(channel, int(wire["author"]["id"]), wire.get("referenced_message"))
        result = pinged(wire["content"], stored.allowed_mentions, context)
        if fresh:
            stored.mentions_pinged = result
        wire["mentions"] = [self._mentioned_user(int(u), channel) for u in result["users"]]
        wire["mention_roles"] = result["roles"]
        wire["mention_everyone"] = result["everyone"]

    def _mention_context(
        self, channel: Channel, author_id: int, replied: Mapping[str, Any] | None
    ) -> MentionContext:
        replied_id = str(replied["author"]["id"]) if replied else None
        if channel.type == DM:
            users = {str(self.world.bot.id)} | ({str(channel.recipient.id)} if channel.recipient else set())
            return MentionContext(users, (), (), False, replied_id, str(author_id))
        guild = self.world.guild
        return MentionContext(
            known_user_ids={str(u) for u in guild.members},
            role_ids={str(r) for r in guild.roles if r != guild.id},
            mentionable_role_ids={str(r.id) for r in guild.roles.values() if r.mentionable},
            can_mention_everyone=bool(guild.channel_permissions(author_id, channel) & perms.MENTION_EVERYONE),
            replied_user_id=replied_id,
            author_id=str(author_id),
        )

    def _mentioned_user(self, user_id: int, channel: Channel) -> dict[str, Any]:
        data = self.world.users[user_id].payload()
        member = self.world.guild.members.get(user_id) if channel.guild_id else None
        if member is not None:
            data["member"] = member.payload(with_user=False)
        return data

    def _reference(self, channel: Channel, reference: Mapping[str, Any] | None) -> StoredMessage | None:
        if not reference or reference.get("message_id") is None:
            return None
        found = self.world.messages.get(int(reference["message_id"]))
        if found is not None and not found.deleted and found.channel_id == channel.id:
            return found
        if reference.get("fail_if_not_exists", True):
            errors: ErrorTree = {}
            add_error(errors, ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
            raise invalid_form_body(errors)
        return None

    def _attachments(self, uploads: Sequence[Upload], payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        described = {
            int(a["id"]): a for a in payload.get("attachments") or [] if str(a.get("id", "")).isdigit()
        }
        out = []
        for index, upload in enumerate(uploads):
            attachment_id = str(self.world.snowflakes.next())
            url = f"{self.attachment_base}/{attachment_id}/{upload.filename}"
            out.append(
                {
                    "id": attachment_id,
                    "filename": upload.filename,
                    "size": upload.size,
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                    "description": described.get(index, {}).get("description"),
                }
            )
        return out

    def _guild_id(self, stored: StoredMessage) -> int | None:
        guild_id = stored.wire.get("guild_id")
        return int(guild_id) if guild_id else None

    @staticmethod
    def _intent(guild_id: int | None) -> int:
        return perms.INTENT_GUILD_MESSAGES if guild_id is not None else perms.INTENT_DIRECT_MESSAGES
