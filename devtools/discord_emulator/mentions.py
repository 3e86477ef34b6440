"""Who a message would ping, following Discord's allowed_mentions semantics (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(?:everyone|here)")
PARSE_TYPES = frozenset({"users", "roles", "everyone"})


@dataclass(frozen=True)
class MentionContext:
    """What the server knows when resolving mentions for one message."""

    known_user_ids: Collection[str]
    role_ids: Collection[str]
    mentionable_role_ids: Collection[str]
    can_mention_everyone: bool
    replied_user_id: str | None = None
    author_id: str | None = None


def mentioned_ids(content: str) -> tuple[list[str], list[str], bool]:
    """User ids, role ids and whether @everyone/@here appear, in order of appearance."""
    users = list(dict.fromkeys(USER_MENTION.findall(content)))
    roles = list(dict.fromkeys(ROLE_MENTION.findall(content)))
    return users, roles, bool(EVERYONE_MENTION.search(content))


def pinged(content: str, allowed: Mapping[str, Any] | None, context: MentionContext) -> dict[str, Any]:
    """`{"users": [...], "roles": [...], "everyone": bool}` that this message would notify.

    No allowed_mentions means everything parses and a reply pings its author; an
    allowed_mentions object switches every kind off unless listed in `parse`, `users`,
    `roles` or `replied_user`. @everyone and non-mentionable roles also need the author's
    Mention Everyone permission.
    """
    if allowed is None:
        parse: Collection[str] = PARSE_TYPES
        user_ids: Collection[str] = ()
        role_ids: Collection[str] = ()
        replied = True
    else:
        parse = set(allowed.get("parse") or [])
        user_ids = {str(x) for x in allowed.get("users") or []}
        role_ids = {str(x) for x in allowed.get("roles") or []}
        replied = bool(allowed.get("replied_user", False))
    users, roles, everyone = mentioned_ids(content)
    hit_users = [u for u in users if u in context.known_user_ids and ("users" in parse or u in user_ids)]
    reply_pings = replied and context.replied_user_id not in (None, context.author_id)
    if reply_pings and context.replied_user_id not in hit_users:
        hit_users.append(str(context.replied_user_id))
    hit_roles = [
        r
        for r in roles
        if r in context.role_ids
        and ("roles" in parse or r in role_ids)
        and (r in context.mentionable_role_ids or context.can_mention_everyone)
    ]
    return {
        "users": hit_users,
        "roles": hit_roles,
        "everyone": everyone and "everyone" in parse and context.can_mention_everyone,
    }


NOTHING_PINGED: dict[str, Any] = {"users": [], "roles": [], "everyone": False}
