"""REST routes for the bot's identity, the gateway, the application and its commands, and the guild."""

from __future__ import annotations

from typing import Any, cast

from aiohttp import web

from .errors import MISSING_ACCESS, DiscordError, invalid_form_body, refuse, unknown
from .http_app import API_PREFIX, backend, json_response, read_body
from .payloads import application_payload, bot_user_payload, guild_payload
from .state import World

routes = web.RouteTableDef()
COMMANDS_MAX = 100


def _snowflake(request: web.Request, key: str) -> int:
    value = request.match_info[key]
    if not value.isdigit():
        raise invalid_form_body(
            {
                key: {
                    "_errors": [
                        {"code": "NUMBER_TYPE_COERCE", "message": f'Value "{value}" is not snowflake.'}
                    ]
                }
            }
        )
    return int(value)


@routes.get(f"{API_PREFIX}/users/@me")
async def get_me(request: web.Request) -> web.Response:
    """The bot user; a wrong token never gets here (401 from the middleware)."""
    return json_response(bot_user_payload(backend(request).world))


@routes.get(f"{API_PREFIX}/users/{{user_id}}")
async def get_user(request: web.Request) -> web.Response:
    """Any known user."""
    return json_response(backend(request).world.user(_snowflake(request, "user_id")).payload())


@routes.post(f"{API_PREFIX}/users/@me/channels")
async def open_dm(request: web.Request) -> web.Response:
    """Create (or return) the DM channel with a user."""
    world = backend(request).world
    payload, _ = await read_body(request)
    user = world.user(int(payload.get("recipient_id", 0)))
    return json_response(world.open_dm(user).payload())


@routes.get(f"{API_PREFIX}/gateway")
async def get_gateway(request: web.Request) -> web.Response:
    """The gateway URL (no auth, as on Discord)."""
    return json_response({"url": backend(request).gateway_url()})


@routes.get(f"{API_PREFIX}/gateway/bot")
async def get_gateway_bot(request: web.Request) -> web.Response:
    """Gateway URL plus the recommended shard count (used by AutoShardedClient)."""
    state = backend(request)
    limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
    return json_response(
        {"url": state.gateway_url(), "shards": state.shard_count, "session_start_limit": limit}
    )


@routes.get(f"{API_PREFIX}/oauth2/applications/@me")
@routes.get(f"{API_PREFIX}/applications/@me")
async def get_application(request: web.Request) -> web.Response:
    """The bot's application (Client.login fetches this)."""
    state = backend(request)
    return json_response(application_payload(state.world, state.privileged_intents))


def _scope(request: web.Request) -> int | None:
    world = backend(request).world
    if _snowflake(request, "application_id") != world.application_id:
        raise DiscordError(403, 20012, "You are not authorized to perform this action on this application")
    if "guild_id" not in request.match_info:
        return None
    guild_id = _snowflake(request, "guild_id")
    if guild_id != world.guild.id:
        raise refuse(MISSING_ACCESS)
    return guild_id


def _registered(
    world: World, scope: int | None, command: dict[str, Any], previous: list[dict[str, Any]]
) -> dict[str, Any]:
    kind = int(command.get("type", 1))
    same = next((c for c in previous if c["name"] == command["name"] and c["type"] == kind), None)
    data: dict[str, Any] = {
        "id": same["id"] if same else str(world.snowflakes.next()),
        "application_id": str(world.application_id),
        "version": str(world.snowflakes.next()),
        "type": kind,
        "name": command["name"],
        "name_localizations": command.get("name_localizations"),
        "description": command.get("description", ""),
        "description_localizations": command.get("description_localizations"),
        "options": command.get("options") or [],
        "default_member_permissions": command.get("default_member_permissions"),
        "dm_permission": command.get("dm_permission", True),
        "contexts": command.get("contexts"),
        "integration_types": command.get("integration_types") or [0],
        "nsfw": bool(command.get("nsfw", False)),
    }
    if scope is not None:
        data["guild_id"] = str(scope)
    return data


@routes.put(f"{API_PREFIX}/applications/{{application_id}}/commands")
@routes.put(f"{API_PREFIX}/applications/{{application_id}}/guilds/{{guild_id}}/commands")
async def bulk_overwrite_commands(request: web.Request) -> web.Response:
    """Replace every command of a scope (CommandTree.sync)."""
    scope = _scope(request)
    world = backend(request).world
    body, _ = await read_body(request)
    payload: list[dict[str, Any]] = cast(Any, body) or []  # the spec admits a list or null
    if sum(1 for c in payload if int(c.get("type", 1)) == 1) > COMMANDS_MAX:
        raise DiscordError(400, 30032, f"Maximum number of application commands reached ({COMMANDS_MAX})")
    previous = world.commands.get(scope, [])
    world.commands[scope] = [_registered(world, scope, c, previous) for c in payload]
    world.notify()
    return json_response(world.commands[scope])


@routes.get(f"{API_PREFIX}/applications/{{application_id}}/commands")
@routes.get(f"{API_PREFIX}/applications/{{application_id}}/guilds/{{guild_id}}/commands")
async def list_commands(request: web.Request) -> web.Response:
    """The commands registered in a scope."""
    scope = _scope(request)
    return json_response(backend(request).world.commands.get(scope, []))


@routes.get(f"{API_PREFIX}/guilds/{{guild_id}}")
async def get_guild(request: web.Request) -> web.Response:
    """The guild object."""
    world = backend(request).world
    if _snowflake(request, "guild_id") != world.guild.id:
        raise unknown("Guild", 10004)
    return json_response(guild_payload(world) | {"approximate_member_count": len(world.guild.members)})


@routes.get(f"{API_PREFIX}/guilds/{{guild_id}}/channels")
async def get_guild_channels(request: web.Request) -> web.Response:
    """The guild's channels (threads excluded, as on Discord)."""
    world = backend(request).world
    if _snowflake(request, "guild_id") != world.guild.id:
        raise unknown("Guild", 10004)
    return json_response([c.payload() for c in world.guild.channels.values() if not c.is_thread])


@routes.get(f"{API_PREFIX}/guilds/{{guild_id}}/members/{{user_id}}")
async def get_member(request: web.Request) -> web.Response:
    """One guild member."""
    world = backend(request).world
    member = world.guild.members.get(_snowflake(request, "user_id"))
    if _snowflake(request, "guild_id") != world.guild.id or member is None:
        raise unknown("Member", 10007)
    return json_response(member.payload())


@routes.get(f"{API_PREFIX}/guilds/{{guild_id}}/roles")
async def get_roles(request: web.Request) -> web.Response:
    """The guild's roles."""
    world = backend(request).world
    if _snowflake(request, "guild_id") != world.guild.id:
        raise unknown("Guild", 10004)
    return json_response([r.payload() for r in world.guild.roles.values()])
