"""Channel permission overwrites and Discord's order for applying them (pure functions).

Discord computes a member's permissions in a channel as: the guild-level permissions of
@everyone and the member's roles (Administrator or ownership: everything); then the channel's
@everyone overwrite; then all the member's role overwrites together (denies, then allows); then
the member's own overwrite. Without View Channel nothing else applies; without the permission to
send, Embed Links, Attach Files, Mention Everyone and Send TTS go too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import permissions as perms

ROLE, MEMBER = 0, 1
NEEDS_SEND = perms.SEND_TTS_MESSAGES | perms.EMBED_LINKS | perms.ATTACH_FILES | perms.MENTION_EVERYONE


@dataclass(frozen=True)
class Overwrite:
    """Permission bits a channel allows or denies one role (type 0) or one member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        """The overwrite object (bitfields as strings)."""
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def guild_permissions(everyone: int, role_permissions: Iterable[int], *, owner: bool) -> int:
    """Guild-level permissions: @everyone and every role of the member; owners and admins get all."""
    if owner:
        return perms.ALL
    value = everyone
    for bits in role_permissions:
        value |= bits
    return perms.effective(value)


def channel_permissions(
    base: int,
    overwrites: Sequence[Overwrite],
    *,
    everyone_id: int,
    role_ids: Collection[int],
    member_id: int,
    in_thread: bool = False,
) -> int:
    """A member's permissions in one channel, from their guild-level `base` and the channel's overwrites."""
    if base == perms.ALL:
        return perms.ALL
    value = base
    for overwrite in overwrites:
        if overwrite.type == ROLE and overwrite.id == everyone_id:
            value = (value & ~overwrite.deny) | overwrite.allow
    allow = deny = 0
    for overwrite in overwrites:
        if overwrite.type == ROLE and overwrite.id in role_ids and overwrite.id != everyone_id:
            allow, deny = allow | overwrite.allow, deny | overwrite.deny
    value = (value & ~deny) | allow
    for overwrite in overwrites:
        if overwrite.type == MEMBER and overwrite.id == member_id:
            value = (value & ~overwrite.deny) | overwrite.allow
    return implicit(value, in_thread=in_thread)


def implicit(value: int, *, in_thread: bool = False) -> int:
    """Permissions that fall away with View Channel or with the permission to send."""
    if not value & perms.VIEW_CHANNEL:
        return 0
    send = perms.SEND_MESSAGES_IN_THREADS if in_thread else perms.SEND_MESSAGES
    if not value & send:
        value &= ~NEEDS_SEND
    return value
