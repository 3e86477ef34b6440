"""Gateway payloads built from the world: READY, GUILD_CREATE, application info."""

from __future__ import annotations

from typing import Any

from . import permissions as perms
from .ids import iso_now
from .state import World


def application_payload(world: World, privileged_intents: int) -> dict[str, Any]:
    """GET /oauth2/applications/@me."""
    return {
        "id": str(world.application_id),
        "name": world.bot.username,
        "description": "Emulated application",
        "icon": None,
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": world.owner.payload(),
        "team": None,
        "verify_key": "0" * 64,
        "flags": perms.application_flags(privileged_intents),
        "bot": world.bot.payload(),
        "approximate_guild_count": 1,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "tags": [],
        "integration_types_config": {"0": {}},
    }


def bot_user_payload(world: World) -> dict[str, Any]:
    """GET /users/@me and READY's `user`."""
    return world.bot.payload() | {"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"}


def ready_payload(
    world: World,
    *,
    session_id: str,
    resume_url: str,
    shard: list[int] | None,
    guild_ids: list[int],
    privileged_intents: int,
) -> dict[str, Any]:
    """The READY dispatch: every guild starts unavailable, GUILD_CREATE follows."""
    data: dict[str, Any] = {
        "v": 10,
        "user": bot_user_payload(world),
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "application": {
            "id": str(world.application_id),
            "flags": perms.application_flags(privileged_intents),
        },
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "auth_session_id_hash": "",
    }
    if shard is not None:
        data["shard"] = shard
    return data


def guild_payload(world: World) -> dict[str, Any]:
    """The guild object (REST), without channels and members."""
    guild = world.guild
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "features": [],
        "roles": [role.payload() for role in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "premium_progress_bar_enabled": False,
    }


def guild_create_payload(world: World, intents: int) -> dict[str, Any]:
    """GUILD_CREATE: members are only all there with the GUILD_MEMBERS intent, as on Discord."""
    guild = world.guild
    if intents & perms.INTENT_GUILD_MEMBERS:
        members = list(guild.members.values())
    else:
        members = [guild.members[world.bot.id]]
    channels = [c for c in guild.channels.values() if not c.is_thread]
    threads = [c for c in guild.channels.values() if c.is_thread]
    return guild_payload(world) | {
        "joined_at": guild.members[world.bot.id].joined_at,
        "large": False,
        "unavailable": False,
        "member_count": len(guild.members),
        "members": [m.payload() for m in members],
        "channels": [_without_guild_id(c.payload()) for c in channels],
        "threads": [c.payload() for c in threads],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "application_command_counts": {},
        "lazy": True,
        "created_at": iso_now(),
    }


def _without_guild_id(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("guild_id", None)
    return data
